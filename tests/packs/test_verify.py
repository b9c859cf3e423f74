"""Every way a pack can be wrong is refused before anything is installed, with its own stable code.

Where a check sits behind the signature, the altered manifest is signed again with the trusted key: the refusal
then comes from that check, not from the signature."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edgekit.errors import EdgekitError
from edgekit.packs.importer import import_pack
from edgekit.packs.manifest import MANIFEST_FILE, SIGNATURE_FILE
from edgekit.packs.sign import sign_manifest
from edgekit.packs.verify import verify_pack
from tests.conftest import EMBED_MODEL
from tests.packs.conftest import make_pack, nothing_installed, read_members, resign, write_members

MODEL_FILE = f"models/{EMBED_MODEL}/model.onnx"


def refused(box, path, code: str) -> EdgekitError:
    """Both verify and import refuse with this code, and the box is left exactly as it was."""
    with pytest.raises(EdgekitError) as checked:
        verify_pack(path, box.settings.home)
    assert checked.value.code == code, checked.value.message
    with pytest.raises(EdgekitError) as imported:
        import_pack(box, path)
    assert imported.value.code == code, imported.value.message
    assert nothing_installed(box)
    return imported.value


def edit_manifest(members, change) -> list:
    manifest = json.loads(next(d for m, d in members if m.name == MANIFEST_FILE))
    change(manifest)
    data = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    return [(m, data if m.name == MANIFEST_FILE else d) for m, d in members]


def add_member(members, name: str, data: bytes | None = None, kind=tarfile.REGTYPE, link: str = "") -> list:
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = link
    return [*members, (member, data if kind == tarfile.REGTYPE else None)]


def listed(name: str, data: bytes):
    return lambda manifest: manifest["files"].append(
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    )


def test_a_good_pack_verifies(box, pack):
    checked = verify_pack(pack, box.settings.home)
    assert checked.signer.name == "alice" and checked.manifest.name == "clinic"
    assert nothing_installed(box)  # verify installs nothing


def test_a_flipped_byte_in_a_model_file(box, pack, tmp_path):
    def flip(data: bytes) -> bytes:
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]

    flipped = [(m, flip(d) if m.name == MODEL_FILE else d) for m, d in read_members(pack)]
    error = refused(box, write_members(tmp_path / "flipped.ekpack", flipped), "pack_tampered")
    assert MODEL_FILE in error.message


def test_an_edited_manifest(box, pack, tmp_path):
    members = edit_manifest(read_members(pack), lambda m: m.update(name="other-name"))
    refused(box, write_members(tmp_path / "edited.ekpack", members), "pack_signature_invalid")


def test_a_manifest_edited_to_match_a_changed_file(box, pack, tmp_path):
    """The attack a checksum alone cannot stop: change a file and its sha256 in the manifest together."""
    members = read_members(pack)
    size = next(len(d) for m, d in members if m.name == MODEL_FILE)
    replacement = b"x" * size
    changed = [(m, replacement if m.name == MODEL_FILE else d) for m, d in members]

    def match(manifest):
        entry = next(f for f in manifest["files"] if f["path"] == MODEL_FILE)
        entry["sha256"] = hashlib.sha256(replacement).hexdigest()

    members = edit_manifest(changed, match)
    refused(box, write_members(tmp_path / "matched.ekpack", members), "pack_signature_invalid")


def test_a_pack_signed_by_a_key_the_box_does_not_trust(box, office, tmp_path):
    stranger = Ed25519PrivateKey.generate()
    from edgekit.packs.create import create_pack

    pack = create_pack(
        office, models=[EMBED_MODEL], knowledge=[], private_key=stranger, key_name="mallory", out=tmp_path / "m.ekpack"
    ).path
    error = refused(box, pack, "pack_unknown_key")
    assert "edgekit keys trust" in error.message


def test_a_signature_by_another_key_under_a_trusted_name(box, pack, tmp_path):
    members = read_members(pack)
    manifest = next(d for m, d in members if m.name == MANIFEST_FILE)
    forged = sign_manifest(manifest, Ed25519PrivateKey.generate())  # the manifest still names alice's key
    members = [(m, forged if m.name == SIGNATURE_FILE else d) for m, d in members]
    refused(box, write_members(tmp_path / "forged.ekpack", members), "pack_signature_invalid")


def test_an_unsigned_pack(box, pack, tmp_path):
    members = [(m, d) for m, d in read_members(pack) if m.name != SIGNATURE_FILE]
    refused(box, write_members(tmp_path / "unsigned.ekpack", members), "pack_unsigned")


@pytest.mark.parametrize("name", ["../escaped.txt", "models/../../escaped.txt", "knowledge/farm-health/./x.md"])
def test_a_path_that_climbs_out(box, pack, keys, tmp_path, name):
    data = b"escaped"
    members = resign(edit_manifest(add_member(read_members(pack), name, data), listed(name, data)), keys[1])
    refused(box, write_members(tmp_path / "climb.ekpack", members), "pack_unsafe_path")
    assert not (tmp_path / "escaped.txt").exists() and not (box.settings.home / "escaped.txt").exists()


def test_an_absolute_path(box, pack, keys, tmp_path):
    target = tmp_path / "absolute.txt"
    members = resign(
        edit_manifest(add_member(read_members(pack), str(target), b"x"), listed(str(target), b"x")), keys[1]
    )
    refused(box, write_members(tmp_path / "absolute.ekpack", members), "pack_unsafe_path")
    assert not target.exists()


@pytest.mark.parametrize(
    ("kind", "link"), [(tarfile.SYMTYPE, "/etc/passwd"), (tarfile.LNKTYPE, MODEL_FILE), (tarfile.CHRTYPE, "")]
)
def test_links_and_devices(box, pack, tmp_path, kind, link):
    members = add_member(read_members(pack), f"models/{EMBED_MODEL}/extra", kind=kind, link=link)
    refused(box, write_members(tmp_path / "link.ekpack", members), "pack_unsafe_entry")


def test_a_file_the_manifest_does_not_list(box, pack, tmp_path):
    members = add_member(read_members(pack), f"models/{EMBED_MODEL}/extra.bin", b"surprise")
    error = refused(box, write_members(tmp_path / "extra.ekpack", members), "pack_tampered")
    assert "extra.bin" in error.message


def test_a_listed_file_that_is_missing(box, pack, tmp_path):
    members = [(m, d) for m, d in read_members(pack) if m.name != "knowledge/farm-health/malaria-signs.md"]
    refused(box, write_members(tmp_path / "missing.ekpack", members), "pack_tampered")


def test_a_file_twice(box, pack, tmp_path):
    members = read_members(pack)
    twice = [*members, next((m, d) for m, d in members if m.name == "knowledge/farm-health/handwashing.md")]
    refused(box, write_members(tmp_path / "twice.ekpack", twice), "pack_tampered")


def test_a_signed_model_whose_entry_does_not_name_its_files(box, pack, keys, tmp_path):
    """Signed by a trusted key yet inconsistent: a model part holding a file its model.toml does not list."""
    name, data = f"models/{EMBED_MODEL}/stray.bin", b"stray"
    members = resign(edit_manifest(add_member(read_members(pack), name, data), listed(name, data)), keys[1])
    refused(box, write_members(tmp_path / "stray.ekpack", members), "pack_invalid")


def test_a_compressed_or_foreign_file(box, pack, tmp_path):
    import gzip

    squeezed = tmp_path / "squeezed.ekpack"
    squeezed.write_bytes(gzip.compress(pack.read_bytes()))
    refused(box, squeezed, "pack_invalid")


def test_an_unpacked_pack_with_a_symlink(box, pack, tmp_path):
    import shutil

    unpacked = tmp_path / "unpacked"
    shutil.unpack_archive(pack, unpacked, format="tar")
    os.symlink("/etc/passwd", unpacked / "knowledge" / "farm-health" / "passwd.md")
    refused(box, unpacked, "pack_unsafe_entry")


def test_a_model_that_changed_since_it_was_verified_is_not_packed(office, keys, tmp_path):
    model = office.models.model_dir(EMBED_MODEL) / "model.onnx"
    data = bytearray(model.read_bytes())
    data[1000] ^= 0x01
    model.write_bytes(bytes(data))
    with pytest.raises(EdgekitError) as caught:
        make_pack(office, keys, tmp_path / "bad.ekpack")
    assert caught.value.code == "checksum_mismatch"
    assert not (tmp_path / "bad.ekpack").exists()
