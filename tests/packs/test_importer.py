"""Importing a pack: a real model and documents reach a box with no internet and work there; a pack is installed
all or nothing; a USB stick's packs are imported one by one."""

from __future__ import annotations

import errno
import json
import os
import pathlib
import shutil

import pytest

from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.knowledge import retrieve
from edgekit.knowledge.packs import list_packs
from edgekit.knowledge.sync import needs_sync, sync_app_knowledge
from edgekit.packs import importer
from edgekit.packs.importer import import_all, import_pack
from edgekit.packs.record import read_records
from edgekit.settings import Settings
from tests import vision_model
from tests.conftest import EMBED_MODEL
from tests.packs.conftest import make_pack, nothing_installed


def test_a_model_and_documents_arrive_verified_and_work(box, pack, office):
    result = import_pack(box, pack)
    assert result.models == [EMBED_MODEL] and result.knowledge == ["farm-health"] and result.signer == "alice"
    # The model is installed as `models build` would leave it: verified from the stamp, and good when re-hashed.
    assert box.models.status(EMBED_MODEL) == "verified"
    assert box.models.verify(EMBED_MODEL).ok
    source, installed = office.models.model_dir(EMBED_MODEL), box.models.model_dir(EMBED_MODEL)
    assert (installed / "model.onnx").read_bytes() == (source / "model.onnx").read_bytes()
    # The documents are indexed with the model that came in the same pack, and answer a question.
    [report] = result.reports
    assert len(report.added) == 11 and report.failed == [] and report.embedded > 0 and not report.keyword_only
    [summary] = list_packs(box)
    assert summary.name == "farm-health" and summary.path == str(box.settings.home / "knowledge" / "farm-health")
    passages = retrieve(box, "How should I store maize after the harvest?")
    assert passages and passages[0].document_path == "farm-health/maize-storage.md"
    [record] = read_records(box.settings.home)
    assert (
        record["name"] == "clinic" and record["models"] == [EMBED_MODEL] and record["fingerprint"].startswith("SHA256:")
    )


def test_importing_the_same_pack_again_changes_nothing_and_keeps_one_record(box, pack):
    import_pack(box, pack)
    again = import_pack(box, pack)
    assert again.reports[0].added == [] and len(again.reports[0].unchanged) == 11
    assert len(read_records(box.settings.home)) == 1
    assert box.models.status(EMBED_MODEL) == "verified"
    assert not [p for p in box.settings.home.iterdir() if p.name.startswith(".")]


def test_an_unpacked_pack_imports_like_the_file(box, pack, tmp_path):
    unpacked = tmp_path / "unpacked"
    shutil.unpack_archive(pack, unpacked, format="tar")
    result = import_pack(box, unpacked)
    assert result.models == [EMBED_MODEL] and box.models.verify(EMBED_MODEL).ok


def test_a_usb_stick_imports_each_pack_and_reports_the_refused_one(box, pack, tmp_path):
    stick = pack.parent
    (stick / "broken.ekpack").write_bytes(b"not a tar file at all" * 100)
    (stick / "notes.txt").write_text("not a pack")
    outcomes = import_all(box, stick)
    assert [path.name for path, _ in outcomes] == ["broken.ekpack", "clinic.ekpack"]
    assert isinstance(outcomes[0][1], EdgekitError) and outcomes[0][1].code == "pack_invalid"
    assert outcomes[1][1].models == [EMBED_MODEL]


def test_a_folder_with_no_packs_is_a_clear_error(box, tmp_path):
    with pytest.raises(EdgekitError) as caught:
        import_all(box, tmp_path)
    assert caught.value.code == "pack_not_found"


def test_a_failure_half_way_through_the_second_model_puts_everything_back(box, office, keys, tmp_path, monkeypatch):
    """All or nothing: the first model swapped in is taken out again and the copy it replaced comes back."""
    pack = make_pack(office, keys, tmp_path / "two.ekpack", models=("tiny-rgb", EMBED_MODEL))
    models_dir = box.settings.models_dir
    before = vision_model.install(models_dir)  # an earlier install of the first model
    inode = before.stat().st_ino
    real_rename = pathlib.Path.rename

    def rename(self, target):
        if pathlib.Path(target) == models_dir / EMBED_MODEL:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_rename(self, target)

    monkeypatch.setattr(pathlib.Path, "rename", rename)
    with pytest.raises(EdgekitError) as caught:
        import_pack(box, pack)
    assert caught.value.code == "disk_full"
    assert sorted(p.name for p in models_dir.iterdir()) == ["tiny-rgb"]  # no staging or .old- copy left either
    assert (models_dir / "tiny-rgb").stat().st_ino == inode and box.models.status("tiny-rgb") == "verified"
    assert not (box.settings.home / "packs.json").exists()
    assert not [p for p in box.settings.home.iterdir() if p.name.startswith(".")]
    monkeypatch.undo()
    assert import_pack(box, pack).models == ["tiny-rgb", EMBED_MODEL]  # and the same pack installs once room is made
    assert box.models.status(EMBED_MODEL) == "verified"


def test_a_pack_bigger_than_the_free_space_is_refused_before_anything_is_written(box, pack, monkeypatch):
    monkeypatch.setattr(importer, "free_bytes", lambda _path: 10_000_000)
    with pytest.raises(EdgekitError) as caught:
        import_pack(box, pack)
    assert caught.value.code == "pack_no_space" and "MB needed" in caught.value.message
    assert nothing_installed(box)


def test_an_apps_documents_from_a_pack_replace_the_copy_the_app_ships(office, keys, tmp_path):
    """A newer set of an app's documents reaches a box on a stick; the box's own sync then leaves it alone."""
    pack = make_pack(office, keys, tmp_path / "agri-docs.ekpack", models=(), knowledge=["agri"])
    home = tmp_path / "agri-box"
    box = Kit(Settings(home=home, threads=2))
    try:
        sync_app_knowledge(box)  # the app's own folder, indexed by keywords (no model on this box)
        [shipped] = [p for p in list_packs(box) if p.app == "agri"]
        assert shipped.name == "agri-knowledge" and "edgekit_agri" in shipped.path
        from edgekit.packs.keys import trust

        trust(home, tmp_path / "keys" / "alice.pub")
        result = import_pack(box, pack)
        assert result.knowledge == ["agri-knowledge"]
        [imported] = [p for p in list_packs(box) if p.app == "agri"]
        assert imported.app == "agri" and imported.path == str(home / "knowledge" / "agri-knowledge")
        assert imported.documents == shipped.documents
        assert not needs_sync(box)  # the server will not put the shipped copy back
        assert retrieve(box, "How do I store maize after harvest?", app="agri")
    finally:
        box.close()


def test_a_pack_never_takes_the_name_of_documents_added_by_hand(box, pack, tmp_path):
    from edgekit.knowledge.packs import add_pack

    by_hand = tmp_path / "elsewhere" / "farm-health"
    shutil.copytree(tmp_path / "farm-health", by_hand)
    add_pack(box, by_hand)
    with pytest.raises(EdgekitError) as caught:
        import_pack(box, pack)
    assert caught.value.code == "pack_knowledge_conflict"
    assert not box.settings.models_dir.exists() and not (box.settings.home / "knowledge").exists()


def test_models_kept_on_another_directory_are_installed_there(keys, pack, tmp_path):
    from edgekit.packs.keys import trust

    settings = Settings(home=tmp_path / "box2", models_dir_override=tmp_path / "shared-models", threads=2)
    trust(settings.home, tmp_path / "keys" / "alice.pub")
    box = Kit(settings)
    try:
        import_pack(box, pack)
        assert box.models.status(EMBED_MODEL) == "verified"
        assert (tmp_path / "shared-models" / EMBED_MODEL / "model.onnx").is_file()
    finally:
        box.close()


def test_the_record_survives_a_damaged_file(box, pack):
    (box.settings.home / "packs.json").write_text("{not json")
    import_pack(box, pack)
    assert [r["name"] for r in json.loads((box.settings.home / "packs.json").read_text())] == ["clinic"]
    assert os.stat(box.settings.home / "packs.json").st_size > 0
