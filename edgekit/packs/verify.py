"""Checking a pack before anything is installed: its entries, its signature, its listing, then every byte.

The order matters. Entries are checked from the headers alone (unsafe paths and links refuse the pack before any
content is read); then the signature, against the keys this box trusts; then the listing (no file the manifest
does not name, none missing, each the size it claims) and each model's entry; and last each file's sha256, read
once, as it is copied into staging (or only hashed, for `packs verify`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from edgekit.errors import CatalogError
from edgekit.models import checksums
from edgekit.models.catalog import ENTRY_FILE, ModelSpec, parse_spec
from edgekit.packs import PackError
from edgekit.packs.keys import PublicKey
from edgekit.packs.manifest import MANIFEST_FILE, MAX_MANIFEST_BYTES, SIGNATURE_FILE, Manifest, PackPart, parse_manifest
from edgekit.packs.sign import verify_manifest
from edgekit.packs.source import Entry, PackSource, open_pack, regular_files
from edgekit.progress import StartTask, no_progress

MAX_SIGNATURE_BYTES = 1024


@dataclass
class CheckedPack:
    """A pack whose entries, signature, listing and model entries are good; the rest of its contents are not read
    yet. models: each model part with its entry and the digests its files must have."""

    source: PackSource
    manifest: Manifest
    signer: PublicKey
    models: list[tuple[PackPart, ModelSpec, dict[str, str]]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.manifest.name,
            "signer": self.signer.name,
            "fingerprint": self.signer.fingerprint,
            "parts": [part.as_dict() for part in self.manifest.parts],
            "files": len(self.manifest.files),
            "bytes": self.manifest.total_bytes,
        }


def _tampered(detail: str) -> PackError:
    return PackError(
        f"The pack was altered after it was signed: {detail}. Refused, nothing installed.", code="pack_tampered"
    )


def _read_small(source: PackSource, entry: Entry, limit: int) -> bytes:
    if entry.size > limit:
        raise PackError(f"{entry.path} is {entry.size} bytes, more than a pack's {limit}.", code="pack_invalid")
    with source.open(entry.path) as stream:
        return stream.read(limit + 1)[:limit]


def check_pack(source: PackSource, home: Path) -> CheckedPack:
    files = regular_files(source)
    if MANIFEST_FILE not in files:
        raise PackError(f"{source.label} has no {MANIFEST_FILE}: it is not an edgekit pack.", code="pack_invalid")
    if SIGNATURE_FILE not in files:
        raise PackError(
            f"{source.label} is not signed (no {SIGNATURE_FILE}). Refused, nothing installed.", code="pack_unsigned"
        )
    manifest_bytes = _read_small(source, files[MANIFEST_FILE], MAX_MANIFEST_BYTES)
    signer = verify_manifest(manifest_bytes, _read_small(source, files[SIGNATURE_FILE], MAX_SIGNATURE_BYTES), home)
    manifest = parse_manifest(manifest_bytes)
    if manifest.signer_fingerprint != signer.fingerprint:
        raise PackError("The manifest names another signer than the key that signed it.", code="pack_invalid")
    listed = {f.path: f for f in manifest.files}
    content = {path: entry for path, entry in files.items() if path not in (MANIFEST_FILE, SIGNATURE_FILE)}
    extra = sorted(set(content) - set(listed))
    if extra:
        raise _tampered(f"it holds {extra[0]}, which its manifest does not list")
    missing = sorted(set(listed) - set(content))
    if missing:
        raise _tampered(f"{missing[0]} is listed in its manifest but missing")
    for path, f in listed.items():
        if content[path].size != f.size:
            raise _tampered(f"{path} is {content[path].size} bytes, its manifest says {f.size}")
    models = [_model_entry(source, manifest, part) for part in manifest.parts if part.type == "model"]
    return CheckedPack(source, manifest, signer, models)


def _model_entry(source: PackSource, manifest: Manifest, part: PackPart) -> tuple[PackPart, ModelSpec, dict[str, str]]:
    """A model's entry (model.toml, checked against its sha256 first), which must list exactly the pack's files of
    that model, with the same sha256 wherever it gives one: a pack never installs a model that would not verify."""
    prefix = part.dir + "/"
    listed = {f.path.removeprefix(prefix): f for f in manifest.files_of(part)}
    if ENTRY_FILE not in listed:
        raise PackError(f"Model '{part.id}' in the pack has no {ENTRY_FILE}. Refused, nothing installed.")
    entry = listed[ENTRY_FILE]
    with source.open(entry.path) as stream:
        data = stream.read(MAX_MANIFEST_BYTES)
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise _tampered(f"{entry.path} does not match its sha256 in the manifest")
    try:
        spec = parse_spec(data.decode("utf-8"), entry.path)
    except (CatalogError, UnicodeDecodeError) as exc:
        raise PackError(f"Model '{part.id}' in the pack: {exc} Refused, nothing installed.") from exc
    if spec.id != part.id:
        raise PackError(f"The pack's model '{part.id}' says it is '{spec.id}'. Refused, nothing installed.")
    wanted = {ENTRY_FILE} | {f.path for f in spec.files}
    if set(listed) != wanted:
        odd = ", ".join(sorted(set(listed) ^ wanted))
        raise PackError(f"Model '{part.id}': its files and its entry differ ({odd}). Refused, nothing installed.")
    for f in spec.files:
        if f.sha256 is not None and f.sha256 != listed[f.path].sha256:
            raise PackError(f"Model '{part.id}': {f.path} is not the file its entry names. Refused, nothing installed.")
    return part, spec, {f.path: listed[f.path].sha256 for f in spec.files}


def copy_verified(checked: CheckedPack, dest: Path | None, progress: StartTask = no_progress) -> None:
    """Read every listed file once and check its sha256; with dest, write it there too (a staging directory)."""
    advance = progress(f"verify {checked.source.label}", checked.manifest.total_bytes)
    for f in sorted(checked.manifest.files, key=lambda f: f.path):
        digest = hashlib.sha256()
        size = 0
        out = None
        if dest is not None:
            target = dest / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            out = target.open("wb")
        try:
            with checked.source.open(f.path) as stream:
                while block := stream.read(checksums.CHUNK):
                    digest.update(block)
                    size += len(block)
                    if out is not None:
                        out.write(block)
                    advance(len(block))
            if out is not None:
                out.flush()
                os.fsync(out.fileno())  # on a solar box a power cut is a daily event: the bytes reach the card
        finally:
            if out is not None:
                out.close()
        if size != f.size or digest.hexdigest() != f.sha256:
            raise _tampered(f"{f.path} does not match its sha256 in the manifest")


def verify_pack(path: Path, home: Path, progress: StartTask = no_progress) -> CheckedPack:
    """Check a pack completely (signature, listing, every byte) without installing anything."""
    source = open_pack(path)
    try:
        checked = check_pack(source, home)
        copy_verified(checked, None, progress)
        return checked
    finally:
        source.close()
