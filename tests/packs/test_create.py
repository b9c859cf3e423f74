"""Making a pack: what its manifest says, that the same inputs give the same bytes, and what cannot be packed."""

from __future__ import annotations

import json
import tarfile

import pytest

from edgekit.errors import EdgekitError
from edgekit.packs.manifest import MANIFEST_FILE, SIGNATURE_FILE, parse_manifest
from tests.conftest import EMBED_MODEL
from tests.packs.conftest import make_pack


def test_the_manifest_lists_every_file_with_its_size_and_sha256_and_each_part(pack, office):
    with tarfile.open(pack) as archive:
        names = archive.getnames()
        manifest = parse_manifest(archive.extractfile(MANIFEST_FILE).read())
        members = archive.getmembers()
    assert names[:2] == [MANIFEST_FILE, SIGNATURE_FILE]  # a reader checks these before anything else
    assert names[2:] == sorted(names[2:])
    assert {(m.mtime, m.uid, m.gid, m.mode) for m in members} == {(1_577_836_800, 0, 0, 0o644)}
    assert [part.as_dict() for part in manifest.parts] == [
        {"type": "model", "id": EMBED_MODEL},
        {"type": "knowledge", "name": "farm-health", "app": None},
    ]
    assert manifest.name == "clinic" and manifest.signer_name == "alice"
    files = {f.path: f for f in manifest.files}
    model = office.models.model_dir(EMBED_MODEL) / "model.onnx"
    assert files[f"models/{EMBED_MODEL}/model.onnx"].size == model.stat().st_size
    assert set(files) == {
        f"models/{EMBED_MODEL}/model.toml",
        f"models/{EMBED_MODEL}/model.onnx",
        f"models/{EMBED_MODEL}/tokenizer.json",
        *(f"knowledge/farm-health/{p.name}" for p in (pack.parent.parent / "farm-health").glob("*.md")),
    }  # the stamp (.verified.json) stays behind: its times belong to the office's disk


def test_the_same_inputs_give_the_same_bytes(office, keys, documents, tmp_path):
    first = make_pack(office, keys, tmp_path / "a" / "same.ekpack", knowledge=[documents])
    second = make_pack(office, keys, tmp_path / "b" / "same.ekpack", knowledge=[documents])
    assert first.read_bytes() == second.read_bytes()


def test_the_suffix_is_added_and_the_name_defaults_to_the_file(office, keys, tmp_path):
    path = make_pack(office, keys, tmp_path / "voices", models=("tiny-rgb",))
    assert path.name == "voices.ekpack"
    with tarfile.open(path) as archive:
        assert json.loads(archive.extractfile(MANIFEST_FILE).read())["name"] == "voices"


def test_an_apps_knowledge_is_packed_for_that_app(office, keys, tmp_path):
    path = make_pack(office, keys, tmp_path / "agri.ekpack", models=(), knowledge=["agri"])
    with tarfile.open(path) as archive:
        manifest = parse_manifest(archive.extractfile(MANIFEST_FILE).read())
    assert [part.as_dict() for part in manifest.parts] == [
        {"type": "knowledge", "name": "agri-knowledge", "app": "agri"}
    ]
    assert len(manifest.files) >= 35 and all(f.path.endswith(".md") for f in manifest.files)


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"models": ("whisper-tiny-en",)}, "model_not_installed"),  # installed elsewhere, not in the office
        ({"models": (), "knowledge": ("no-such-app-or-folder",)}, "pack_input_not_found"),
        ({"models": ()}, "pack_input_invalid"),
        ({"name": "not a name"}, "pack_input_invalid"),
    ],
)
def test_what_cannot_be_packed(office, keys, tmp_path, options, code):
    with pytest.raises(EdgekitError) as caught:
        make_pack(office, keys, tmp_path / "x.ekpack", **options)
    assert caught.value.code == code
    assert not list(tmp_path.glob("*.ekpack*")) and not list(tmp_path.glob(".x.ekpack*"))


def test_a_linked_document_is_refused(office, keys, documents, tmp_path):
    (documents / "linked.md").symlink_to(documents / "handwashing.md")
    with pytest.raises(EdgekitError) as caught:
        make_pack(office, keys, tmp_path / "x.ekpack", knowledge=[documents])
    assert caught.value.code == "pack_input_invalid" and "linked.md" in caught.value.message
