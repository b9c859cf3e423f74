"""The malicious packs test_verify.py does not already build, in one table: each is refused by both `packs verify`
and `packs import` with its stable code, and the box (which already holds a good pack) is left exactly as it was:
its models, its knowledge, its records and no staging left behind.

test_verify.py covers: a flipped byte, an edited manifest, a manifest edited to match a changed file, an unknown
key, a forged signature, an unsigned pack, three climbing paths, an absolute path, a symlink, a hard link, a
character device, an unlisted file, a missing file, a file twice, a model file its entry does not name, a gzip
stream and an unpacked folder holding a symlink. The table below adds the rest of an attacker's kit."""

from __future__ import annotations

import bz2
import hashlib
import json
import lzma
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.packs.create import create_pack
from edgekit.packs.importer import import_pack
from edgekit.packs.keys import create_key_pair, load_private_key, trust
from edgekit.packs.manifest import MANIFEST_FILE, MAX_MANIFEST_BYTES, SIGNATURE_FILE
from edgekit.packs.sign import sign_manifest
from edgekit.packs.verify import verify_pack
from edgekit.settings import Settings
from tests import vision_model
from tests.packs.conftest import DOCUMENTS, read_members, write_members

MODEL = vision_model.MODEL_ID
DOC = "knowledge/pack/handwashing.md"
TB = 10**12


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    pair = create_key_pair("alice", tmp_path_factory.mktemp("keys"))
    return pair, load_private_key(pair.private_path)[0]


@pytest.fixture(scope="module")
def good_pack(signer, tmp_path_factory) -> Path:
    """A small signed pack (the tiny test classifier and the farm documents), made as the office makes one."""
    home = tmp_path_factory.mktemp("office")
    vision_model.install(home / "models")
    # Module fixtures run before the autouse one that clears EDGEKIT_*: every directory is named, none inherited.
    office = Kit(Settings(home=home, models_dir_override=home / "models", threads=2))
    try:
        out = home / "usb" / "clinic.ekpack"
        return create_pack(
            office, models=[MODEL], knowledge=[str(DOCUMENTS)], private_key=signer[1], key_name="alice", out=out
        ).path
    finally:
        office.close()


@pytest.fixture(scope="module")
def box(signer, good_pack, tmp_path_factory) -> Kit:
    """A box that trusts alice and already holds the good pack: a refused pack must not disturb what is there."""
    home = tmp_path_factory.mktemp("box")
    trust(home, signer[0].public_path)
    kit = Kit(Settings(home=home, models_dir_override=home / "models", threads=2))
    import_pack(kit, good_pack)
    assert (home / "models" / MODEL / "model.toml").is_file() and (home / "knowledge" / "pack").is_dir()
    yield kit
    kit.close()


def snapshot(kit: Kit) -> dict:
    """Every file of the data directory but the database itself (size and time), and the database's packs."""
    from sqlmodel import Session, select

    from edgekit.store.tables import KnowledgeDocument, KnowledgePack

    home = kit.settings.home
    files = {
        str(path.relative_to(home)): (path.lstat().st_size, path.lstat().st_mtime_ns)
        for path in sorted(home.rglob("*"))
        if not path.name.startswith("edgekit.db") and not path.is_dir()
    }
    with Session(kit.db) as session:
        packs = [(p.name, p.path) for p in session.exec(select(KnowledgePack))]
        documents = len(list(session.exec(select(KnowledgeDocument))))
    return {"files": files, "packs": packs, "documents": documents}


# --- ways to spoil a pack -------------------------------------------------------------------------------------------
Members = list[tuple[tarfile.TarInfo, bytes | None]]


def entry(name: str, kind=tarfile.REGTYPE, data: bytes | None = None, link: str = "") -> tuple:
    member = tarfile.TarInfo(name)
    member.type, member.linkname = kind, link
    return member, data if kind == tarfile.REGTYPE else None


def manifest_of(members: Members) -> dict:
    return json.loads(next(d for m, d in members if m.name == MANIFEST_FILE))


def with_manifest(members: Members, manifest: dict | bytes, private=None) -> Members:
    """The manifest replaced (and signed again with the trusted key when given: the check behind it is shown)."""
    data = manifest if isinstance(manifest, bytes) else (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    signature = sign_manifest(data, private) if private is not None else None
    replacements = {MANIFEST_FILE: data, **({SIGNATURE_FILE: signature} if signature is not None else {})}
    return [(member, replacements.get(member.name, payload)) for member, payload in members]


def edited(change: Callable[[dict], None]) -> Callable:
    """Edit the manifest's fields, then sign it again with the trusted key."""

    def spoil(members: Members, private) -> Members:
        manifest = manifest_of(members)
        change(manifest)
        return with_manifest(members, manifest, private)

    return spoil


def added(*entries) -> Callable:
    return lambda members, _private: [*members, *entries]


def replaced(name: str, new_entry) -> Callable:
    return lambda members, _private: [new_entry if m.name == name else (m, d) for m, d in members]


def listed_file(path: str, data: bytes) -> Callable:
    """A file added to the archive and to the manifest, signed again: only the path checks stand in the way."""

    def spoil(members: Members, private) -> Members:
        manifest = manifest_of(members)
        manifest["files"].append({"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        return with_manifest([*members, entry(path, data=data)], manifest, private)

    return spoil


def first_file(manifest: dict, prefix: str) -> dict:
    return next(f for f in manifest["files"] if f["path"].startswith(prefix))


def huge_size(manifest: dict) -> None:
    first_file(manifest, "knowledge/")["size"] = 5 * TB


def model_says_another_id(members: Members, private) -> Members:
    toml_path = f"models/{MODEL}/model.toml"
    data = next(d for m, d in members if m.name == toml_path).replace(f'id = "{MODEL}"'.encode(), b'id = "other"')
    manifest = manifest_of(members)
    entry_ = next(f for f in manifest["files"] if f["path"] == toml_path)
    entry_.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    members = [(m, data if m.name == toml_path else d) for m, d in members]
    return with_manifest(members, manifest, private)


def model_toml_changed(members: Members, _private) -> Members:
    toml_path = f"models/{MODEL}/model.toml"
    return [(m, d.replace(b"id =", b"id=") + b" " if m.name == toml_path else d) for m, d in members]


def too_big_manifest(members: Members, _private) -> Members:
    return with_manifest(members, manifest_of_bytes(members) + b" " * (MAX_MANIFEST_BYTES + 1))


def manifest_of_bytes(members: Members) -> bytes:
    return next(d for m, d in members if m.name == MANIFEST_FILE)


def many_entries(members: Members, _private) -> Members:
    return [*members, *(entry(f"knowledge/pack/n{i}.md", data=b"") for i in range(3000))]


def rewrap(kind: str) -> Callable[[Path, Path], Path]:
    """The whole archive compressed or re-packed: a bomb needs a decompressor, and a pack is never compressed."""

    def whole_file(pack: Path, out: Path) -> Path:
        raw = pack.read_bytes()
        if kind == "zip":
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("clinic.tar", raw)
        else:
            out.write_bytes({"bz2": bz2.compress, "xz": lzma.compress}[kind](raw))
        return out

    return whole_file


def truncated(pack: Path, out: Path) -> Path:
    out.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])
    return out


def empty(_pack: Path, out: Path) -> Path:
    out.write_bytes(b"")
    return out


# id, how to spoil the members (or the whole file), the code it is refused with
CASES: list[tuple[str, Callable, str]] = [
    ("block-device", added(entry(f"models/{MODEL}/disk", tarfile.BLKTYPE)), "pack_unsafe_entry"),
    ("fifo", added(entry(f"models/{MODEL}/pipe", tarfile.FIFOTYPE)), "pack_unsafe_entry"),
    ("hardlink-outside", added(entry(f"models/{MODEL}/pw", tarfile.LNKTYPE, link="/etc/passwd")), "pack_unsafe_entry"),
    ("symlink-as-listed-file", replaced(DOC, entry(DOC, tarfile.SYMTYPE, link="/etc/passwd")), "pack_unsafe_entry"),
    ("symlinked-folder", added(entry("knowledge/pack/etc", tarfile.SYMTYPE, link="/etc")), "pack_unsafe_entry"),
    ("backslash-path", listed_file("knowledge\\..\\..\\evil.md", b"x"), "pack_unsafe_path"),
    ("empty-segment", listed_file("knowledge//farm-health/x.md", b"x"), "pack_unsafe_path"),
    (
        "long-pax-name-climbing",
        listed_file("knowledge/" + "a" * 150 + "/../../../../evil.md", b"x"),
        "pack_unsafe_path",
    ),
    # tar ends a name at its NUL: what arrives is a file the manifest does not list
    ("nul-in-name", added(entry("knowledge/pack/x\x00.md", data=b"x")), "pack_tampered"),
    ("huge-declared-size", edited(huge_size), "pack_tampered"),
    ("manifest-too-big", too_big_manifest, "pack_invalid"),
    (
        "signature-too-big",
        lambda m, _p: [(x, b"s" * 4096 if x.name == SIGNATURE_FILE else d) for x, d in m],
        "pack_invalid",
    ),
    (
        "signature-empty",
        lambda m, _p: [(x, b"" if x.name == SIGNATURE_FILE else d) for x, d in m],
        "pack_signature_invalid",
    ),
    ("manifest-not-json", lambda m, p: with_manifest(m, b"{not json", p), "pack_invalid"),
    ("manifest-other-format", edited(lambda m: m.update(format="tarball", version=2)), "pack_invalid"),
    ("manifest-other-signer", edited(lambda m: m["signer"].update(fingerprint="SHA256:" + "0" * 43)), "pack_invalid"),
    ("file-listed-twice", edited(lambda m: m["files"].append(dict(m["files"][0]))), "pack_invalid"),
    ("part-listed-twice", edited(lambda m: m["parts"].append(dict(m["parts"][0]))), "pack_invalid"),
    ("file-in-no-part", listed_file("elsewhere/evil.md", b"x"), "pack_invalid"),
    ("model-id-climbing", edited(lambda m: m["parts"].append({"type": "model", "id": "../evil"})), "pack_invalid"),
    (
        "knowledge-name-climbing",
        edited(lambda m: m["parts"].append({"type": "knowledge", "name": ".."})),
        "pack_invalid",
    ),
    ("negative-size", edited(lambda m: first_file(m, "knowledge/").update(size=-1)), "pack_invalid"),
    ("digest-not-hex", edited(lambda m: first_file(m, "knowledge/").update(sha256="z" * 64)), "pack_invalid"),
    ("unknown-part-type", edited(lambda m: m["parts"].append({"type": "script", "id": "run"})), "pack_invalid"),
    ("model-entry-changed", model_toml_changed, "pack_tampered"),
    ("model-says-another-id", model_says_another_id, "pack_invalid"),
    ("no-manifest", lambda m, _p: [(x, d) for x, d in m if x.name != MANIFEST_FILE], "pack_invalid"),
    ("thousands-of-unlisted-entries", many_entries, "pack_tampered"),
    ("bzip2-bomb-wrapper", rewrap("bz2"), "pack_invalid"),
    ("xz-bomb-wrapper", rewrap("xz"), "pack_invalid"),
    ("zip-not-tar", rewrap("zip"), "pack_invalid"),
    ("truncated", truncated, "pack_tampered"),
    ("empty-file", empty, "pack_invalid"),
]


def build(case: Callable, pack: Path, private, out: Path) -> Path:
    """Either a whole-file transformation (pack, out) or a change to the archive's members (members, key)."""
    if case in (truncated, empty) or getattr(case, "__name__", "") == "whole_file":
        return case(pack, out)
    return write_members(out, case(read_members(pack), private))


@pytest.mark.parametrize(("spoil", "code"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_a_malicious_pack_is_refused_and_nothing_changes(box, good_pack, signer, tmp_path, spoil, code):
    path = build(spoil, good_pack, signer[1], tmp_path / "bad.ekpack")
    before = snapshot(box)
    with pytest.raises(EdgekitError) as checked:
        verify_pack(path, box.settings.home)
    assert checked.value.code == code, checked.value.message
    with pytest.raises(EdgekitError) as imported:
        import_pack(box, path)
    assert imported.value.code == code, imported.value.message
    assert snapshot(box) == before, "a refused pack changed the box"
    assert not (tmp_path / "evil.md").exists() and not (box.settings.home.parent / "evil.md").exists()
