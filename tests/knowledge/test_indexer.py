from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import Session, select

from edgekit.errors import EdgekitError
from edgekit.knowledge.packs import add_pack, list_packs, rebuild, remove_pack
from edgekit.store.tables import KnowledgeChunk, KnowledgeDocument

DOCUMENTS = 11


def indexed(kit) -> dict[str, str]:
    with Session(kit.db) as session:
        return {doc.path: doc.sha256 for doc in session.exec(select(KnowledgeDocument))}


def fts_rows(kit) -> int:
    return sqlite3.connect(kit.settings.db_path).execute("SELECT count(*) FROM knowledge_fts").fetchone()[0]


def chunk_count(kit) -> int:
    with Session(kit.db) as session:
        return len(list(session.exec(select(KnowledgeChunk.id))))


def test_adding_a_pack_indexes_and_embeds_every_document(kit, pack_dir):
    report = add_pack(kit, pack_dir, app="agri")
    assert len(report.added) == DOCUMENTS and not report.failed and not report.keyword_only
    assert report.embedded == chunk_count(kit) == fts_rows(kit) > DOCUMENTS - 1
    [summary] = list_packs(kit)
    assert (summary.name, summary.app, summary.documents, summary.embedded) == (
        "farm-health",
        "agri",
        DOCUMENTS,
        summary.chunks,
    )


def test_rebuild_reindexes_only_the_changed_document_and_drops_the_removed_one(kit, pack_dir):
    add_pack(kit, pack_dir)
    before = indexed(kit)
    changed = pack_dir / "handwashing.md"
    changed.write_text(changed.read_text() + "\nUse ash when there is no soap.\n")
    (pack_dir / "cassava-mosaic.md").unlink()
    [report] = rebuild(kit)
    assert report.updated == ["handwashing.md"] and report.removed == ["cassava-mosaic.md"]
    assert report.added == [] and len(report.unchanged) == DOCUMENTS - 2
    assert report.embedded == 1  # only the changed document's passage
    after = indexed(kit)
    assert "cassava-mosaic.md" not in after and after["handwashing.md"] != before["handwashing.md"]
    assert {p: s for p, s in after.items() if p != "handwashing.md"} == {
        p: s for p, s in before.items() if p not in ("handwashing.md", "cassava-mosaic.md")
    }
    assert fts_rows(kit) == chunk_count(kit)


def test_touching_a_file_without_changing_it_reindexes_nothing(kit, pack_dir):
    add_pack(kit, pack_dir)
    (pack_dir / "handwashing.md").touch()
    [report] = rebuild(kit)
    assert report.updated == [] and len(report.unchanged) == DOCUMENTS


def test_a_bad_document_is_reported_and_the_rest_is_kept(kit, pack_dir):
    add_pack(kit, pack_dir)
    broken = pack_dir / "goat-deworming.md"
    broken.write_text(broken.read_text().replace("license: CC BY 4.0\n", ""))
    (pack_dir / "new.md").write_text("---\ntitle: no other fields\n---\ntext\n")
    [report] = rebuild(kit)
    assert sorted(error.path.name for error in report.failed) == ["goat-deworming.md", "new.md"]
    assert all(error.code == "bad_document" for error in report.failed)
    assert "'license'" in next(e.message for e in report.failed if e.path.name == "goat-deworming.md")
    assert "goat-deworming.md" in indexed(kit), "the version indexed before stays"
    assert len(indexed(kit)) == DOCUMENTS


def test_a_new_pack_with_a_bad_document_indexes_the_others(kit, pack_dir):
    (pack_dir / "bad.md").write_text("no front matter")
    report = add_pack(kit, pack_dir)
    assert len(report.added) == DOCUMENTS and [e.path.name for e in report.failed] == ["bad.md"]


def test_without_the_embedding_model_packs_are_indexed_by_keywords_then_embedded_later(
    bare_kit, pack_dir, embed_models_dir
):
    report = add_pack(bare_kit, pack_dir)
    assert report.keyword_only and report.embedded == 0 and len(report.added) == DOCUMENTS
    from edgekit.kit import Kit
    from edgekit.settings import Settings

    later = Kit(Settings(home=bare_kit.settings.home, models_dir_override=embed_models_dir, threads=2))
    try:
        [report] = rebuild(later)
        assert report.embedded == chunk_count(later) and report.updated == []
    finally:
        later.close()


def test_removing_a_pack_removes_its_index_but_not_its_folder(kit, pack_dir):
    add_pack(kit, pack_dir)
    remove_pack(kit, "farm-health")
    assert list_packs(kit) == [] and chunk_count(kit) == 0 and fts_rows(kit) == 0
    assert len(list(pack_dir.glob("*.md"))) == DOCUMENTS


def test_pack_errors_have_stable_codes(kit, pack_dir, tmp_path):
    with pytest.raises(EdgekitError) as caught:
        remove_pack(kit, "nothing")
    assert caught.value.code == "pack_not_found"
    with pytest.raises(EdgekitError) as caught:
        add_pack(kit, tmp_path / "missing")
    assert caught.value.code == "pack_not_found"
    add_pack(kit, pack_dir)
    other = tmp_path / "elsewhere" / "farm-health"
    other.mkdir(parents=True)
    with pytest.raises(EdgekitError) as caught:
        add_pack(kit, other)
    assert caught.value.code == "pack_exists"
    pack_dir.rename(tmp_path / "moved")
    with pytest.raises(EdgekitError) as caught:
        rebuild(kit)
    assert caught.value.code == "pack_not_found" and "edgekit knowledge remove farm-health" in caught.value.message
