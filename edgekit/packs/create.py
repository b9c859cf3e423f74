"""Making a pack from models installed here, folders of Markdown documents and built wheels.

Only verified models are packed, and each file is hashed again as it is written, so a pack never carries a file
that differs from its manifest. The archive is reproducible: members in sorted order, one fixed time, owner 0 and
mode 0644, so the same inputs and key give the same bytes (ed25519 signatures are deterministic).
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edgekit.errors import ChecksumMismatch
from edgekit.kit import Kit
from edgekit.knowledge.indexer import DOCUMENT_PATTERN
from edgekit.models import checksums
from edgekit.models.catalog import ENTRY_FILE
from edgekit.models.store import install_command
from edgekit.packs import PackError
from edgekit.packs.keys import public_key_of
from edgekit.packs.manifest import (
    KNOWLEDGE_NAME_PATTERN,
    MANIFEST_FILE,
    PACK_NAME_PATTERN,
    SIGNATURE_FILE,
    Manifest,
    PackFile,
    PackPart,
    wheel_path,
)
from edgekit.packs.sign import sign_manifest
from edgekit.packs.source import SUFFIX
from edgekit.packs.wheels import check_wheel_file, wheel_info
from edgekit.progress import StartTask, no_progress

PACK_MTIME = 1_577_836_800  # 2020-01-01T00:00:00Z for every member: a pack's bytes do not depend on when it was made


@dataclass(frozen=True)
class SourceFile:
    archive_path: str
    path: Path
    expected_sha256: str | None  # a model file's verified digest; None for documents (hashed as they are)


@dataclass(frozen=True)
class CreatedPack:
    path: Path
    manifest: Manifest
    size: int

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "name": self.manifest.name,
            "signer": self.manifest.signer_name,
            "fingerprint": self.manifest.signer_fingerprint,
            "parts": [part.as_dict() for part in self.manifest.parts],
            "files": len(self.manifest.files),
            "bytes": self.size,
        }


def model_files(kit: Kit, model_id: str) -> tuple[PackPart, list[SourceFile]]:
    """An installed, verified model's files and its catalog copy."""
    spec, directory = kit.models.require_verified(model_id)
    stamp = checksums.read_stamp(directory)
    prefix = f"models/{model_id}/"
    files = [SourceFile(prefix + ENTRY_FILE, directory / ENTRY_FILE, None)]
    for f in spec.files:
        expected = f.sha256 or stamp[f.path]["sha256"]  # require_verified saw the stamp hold it
        files.append(SourceFile(prefix + f.path, directory / f.path, expected))
    return PackPart("model", model_id), files


def knowledge_files(kit: Kit, item: str) -> list[tuple[PackPart, list[SourceFile]]]:
    """A folder of documents (shared by every app), or an app id: that app's knowledge folders, for it."""
    folder = Path(item).expanduser()
    if folder.is_dir():
        folder = folder.resolve()
        return [(PackPart("knowledge", _knowledge_name(folder.name)), _documents(folder, folder.name))]
    from edgekit.knowledge.sync import app_knowledge_folders, pack_name

    app_folders = [(app, path) for app, path in app_knowledge_folders(kit) if app == item]
    if not app_folders:
        raise PackError(
            f"'{item}' is neither a folder nor a loaded app with knowledge (see edgekit apps list).",
            code="pack_input_not_found",
        )
    parts = []
    for app, path in app_folders:
        name = _knowledge_name(pack_name(app, path))
        parts.append((PackPart("knowledge", name, app), _documents(path.resolve(), name)))
    return parts


def wheel_files(path: Path) -> tuple[PackPart, list[SourceFile]]:
    """A built wheel (llama-cpp-python for one architecture, say), with the tags and architecture its name says."""
    path = path.expanduser()
    filename = check_wheel_file(path)
    _name, _version, tags, architecture = wheel_info(filename)
    part = PackPart("wheel", filename, tags=tuple(tags), architecture=architecture)
    return part, [SourceFile(wheel_path(part), path, None)]


def _knowledge_name(name: str) -> str:
    if not KNOWLEDGE_NAME_PATTERN.match(name):
        raise PackError(
            f"'{name}' cannot name a knowledge folder in a pack: letters, digits, '.', '_' or '-' only.",
            code="pack_input_invalid",
        )
    return name


def _documents(folder: Path, name: str) -> list[SourceFile]:
    """The folder's Markdown documents (what the indexer reads), hidden files left out, links refused."""
    found = []
    for directory, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            path = Path(directory, filename)
            if filename.startswith(".") or not path.match(DOCUMENT_PATTERN):
                continue
            if path.is_symlink() or not path.is_file():
                raise PackError(f"{path} is a link, not a document: copy the file itself.", code="pack_input_invalid")
            found.append(SourceFile(f"knowledge/{name}/{path.relative_to(folder).as_posix()}", path, None))
    if not found:
        raise PackError(f"{folder} holds no Markdown documents ({DOCUMENT_PATTERN}).", code="pack_input_invalid")
    return found


def create_pack(
    kit: Kit,
    *,
    models: list[str],
    knowledge: list[str],
    private_key: Ed25519PrivateKey,
    key_name: str,
    out: Path,
    name: str | None = None,
    wheels: list[Path] | None = None,
    progress: StartTask = no_progress,
) -> CreatedPack:
    out = out if out.name.endswith(SUFFIX) else out.with_name(out.name + SUFFIX)
    name = name or out.name.removesuffix(SUFFIX)
    if not PACK_NAME_PATTERN.match(name):
        raise PackError(f"Pack name '{name}' must be letters, digits, '.', '_' or '-'.", code="pack_input_invalid")
    sources = [model_files(kit, model_id) for model_id in dict.fromkeys(models)]
    for item in dict.fromkeys(knowledge):
        sources += knowledge_files(kit, item)
    sources += [wheel_files(path) for path in dict.fromkeys(wheels or [])]
    if not sources:
        raise PackError(
            "A pack needs at least one model (--models), knowledge folder or wheel (--wheel).",
            code="pack_input_invalid",
        )
    dirs = [part.dir for part, _ in sources]
    if len(set(dirs)) != len(dirs):
        raise PackError("Two knowledge folders or wheels have the same name: rename one.", code="pack_input_invalid")
    files = sorted((f for _, part_files in sources for f in part_files), key=lambda f: f.archive_path)
    digests = _hash_all(files, progress)
    signer = public_key_of(private_key, key_name)
    manifest = Manifest(
        name=name,
        signer_name=signer.name,
        signer_fingerprint=signer.fingerprint,
        parts=tuple(part for part, _ in sources),
        files=tuple(PackFile(path, size, sha256) for path, (sha256, size) in sorted(digests.items())),
    )
    manifest_bytes = manifest.to_bytes()
    _write_archive(out, manifest_bytes, sign_manifest(manifest_bytes, private_key), files, manifest, progress)
    return CreatedPack(out, manifest, out.stat().st_size)


def _hash_all(files: list[SourceFile], progress: StartTask) -> dict[str, tuple[str, int]]:
    """sha256 and size of every file; a model file that no longer matches its verified digest stops the pack."""
    sizes = {f.archive_path: f.path.stat().st_size for f in files}
    advance = progress("hash", sum(sizes.values()))
    digests = {}
    for f in files:
        actual = checksums.sha256_file(f.path, advance)
        if f.expected_sha256 is not None and actual != f.expected_sha256:
            model_id = f.archive_path.split("/")[1]
            fix = install_command(None, model_id, force=True)
            raise ChecksumMismatch(model_id, f.path, f.expected_sha256, actual, fix=fix)
        digests[f.archive_path] = (actual, sizes[f.archive_path])
    return digests


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = PACK_MTIME
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


class _HashingReader(io.RawIOBase):
    """Hashes what tarfile copies, so a file changed since it was hashed is caught as it is written."""

    def __init__(self, stream, advance):
        self._stream = stream
        self._advance = advance
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self._stream.read(size)
        self.digest.update(block)
        self._advance(len(block))
        return block


def _write_archive(
    out: Path, manifest_bytes: bytes, signature: bytes, files: list[SourceFile], manifest: Manifest, progress
) -> None:
    """manifest.json and manifest.sig first (a reader checks them before anything else), then the files."""
    expected = {f.path: f for f in manifest.files}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    advance = progress(f"write {out.name}", manifest.total_bytes)
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            archive.addfile(_member(MANIFEST_FILE, len(manifest_bytes)), io.BytesIO(manifest_bytes))
            archive.addfile(_member(SIGNATURE_FILE, len(signature)), io.BytesIO(signature))
            for f in files:
                listed = expected[f.archive_path]
                with f.path.open("rb") as stream:
                    reader = _HashingReader(stream, advance)
                    archive.addfile(_member(f.archive_path, listed.size), reader)
                if reader.digest.hexdigest() != listed.sha256:
                    raise OSError(f"{f.path} changed while the pack was written")
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise PackError(f"Could not write {out}: {exc}.", code="pack_write_failed") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
