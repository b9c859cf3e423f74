"""The pack manifest: what a pack holds, in bytes that are signed as they are.

The manifest is written once, canonically (sorted keys, sorted files), and signed over its exact bytes; a reader
never re-serialises it before checking the signature. Every path in it and in the archive is checked to be a plain
relative path (no absolute path, no `..`, no empty or `.` segment, no backslash), so nothing can land outside the
directory it is extracted into.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from edgekit.models.catalog import MODEL_ID_PATTERN
from edgekit.packs import PackError
from edgekit.packs.wheels import wheel_info

FORMAT = "edgekit-pack"
VERSION = 1
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # read into memory before it is trusted: bounded
KNOWLEDGE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
PACK_NAME_PATTERN = KNOWLEDGE_NAME_PATTERN
PART_TYPES = ("model", "knowledge", "wheel")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def check_path(path: str) -> str:
    """A member path that stays inside the directory it is written to, or pack_unsafe_path."""
    segments = path.split("/")
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or any(segment in ("", ".", "..") for segment in segments)
    ):
        raise PackError(
            f"The pack holds an unsafe path '{path}' (absolute, '..' or not plain): refused, nothing installed.",
            code="pack_unsafe_path",
        )
    return path


@dataclass(frozen=True)
class PackFile:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PackPart:
    """A model (id: the model id), a knowledge folder (id: its name; app: the app it serves, None for all) or a
    Python wheel (id: its file name; tags and architecture: what it runs on, see edgekit.packs.wheels)."""

    type: str
    id: str
    app: str | None = None
    tags: tuple[str, ...] = ()
    architecture: str | None = None

    @property
    def dir(self) -> str:
        if self.type == "wheel":
            return f"wheels/{self.id.removesuffix('.whl')}"
        return f"models/{self.id}" if self.type == "model" else f"knowledge/{self.id}"

    def as_dict(self) -> dict:
        if self.type == "model":
            return {"type": "model", "id": self.id}
        if self.type == "wheel":
            distribution, version, _tags, _arch = wheel_info(self.id)
            return {
                "type": "wheel",
                "file": self.id,
                "distribution": distribution,
                "version": version,
                "tags": list(self.tags),
                "architecture": self.architecture,
            }
        return {"type": "knowledge", "name": self.id, "app": self.app}


@dataclass(frozen=True)
class Manifest:
    name: str
    signer_name: str
    signer_fingerprint: str
    parts: tuple[PackPart, ...]
    files: tuple[PackFile, ...]

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "signer": {"name": self.signer_name, "fingerprint": self.signer_fingerprint},
            "parts": [part.as_dict() for part in self.parts],
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in sorted(self.files, key=_path)],
        }
        return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    def files_of(self, part: PackPart) -> list[PackFile]:
        prefix = part.dir + "/"
        return [f for f in self.files if f.path.startswith(prefix)]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def wheel_path(part: PackPart) -> str:
    return f"{part.dir}/{part.id}"


def _path(f: PackFile) -> str:
    return f.path


def claimed_fingerprint(data: bytes) -> str | None:
    """The signer a manifest claims, read before its signature is checked: only to word the refusal."""
    try:
        return str(json.loads(data)["signer"]["fingerprint"])
    except (ValueError, KeyError, TypeError):
        return None


def parse_manifest(data: bytes) -> Manifest:
    """The manifest, every field checked; anything malformed is pack_invalid."""
    try:
        raw = json.loads(data.decode("utf-8"))
        if raw.get("format") != FORMAT or raw.get("version") != VERSION:
            raise _invalid(f"not an {FORMAT} version {VERSION} manifest")
        parts = tuple(_parse_part(p) for p in raw["parts"])
        files = tuple(
            PackFile(check_path(str(f["path"])), _size(f["size"]), _digest(f["sha256"])) for f in raw["files"]
        )
        manifest = Manifest(
            name=str(raw["name"]),
            signer_name=str(raw["signer"]["name"]),
            signer_fingerprint=str(raw["signer"]["fingerprint"]),
            parts=parts,
            files=files,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _invalid(f"the manifest is malformed ({exc})") from None
    _check_layout(manifest)
    return manifest


def _parse_part(raw: dict) -> PackPart:
    kind = raw["type"]
    if kind == "model":
        part = PackPart("model", str(raw["id"]))
        if not MODEL_ID_PATTERN.match(part.id):
            raise _invalid(f"model id '{part.id}' is not a plain folder name")
        return part
    if kind == "knowledge":
        app = raw.get("app")
        part = PackPart("knowledge", str(raw["name"]), None if app is None else str(app))
        if not KNOWLEDGE_NAME_PATTERN.match(part.id):
            raise _invalid(f"knowledge name '{part.id}' is not a plain folder name")
        return part
    if kind == "wheel":
        return _parse_wheel(raw)
    raise _invalid(f"part type '{kind}' is not one of {', '.join(PART_TYPES)}")


def _parse_wheel(raw: dict) -> PackPart:
    """A wheel's tags and architecture must be the ones its file name carries: pip trusts the name."""
    filename = str(raw["file"])
    if "/" in filename or not KNOWLEDGE_NAME_PATTERN.match(filename.removesuffix(".whl")):
        raise _invalid(f"wheel '{filename}' is not a plain file name")
    try:
        _name, _version, tags, architecture = wheel_info(filename)
    except PackError:
        raise _invalid(f"'{filename}' is not a wheel's file name") from None
    if list(raw["tags"]) != tags or raw["architecture"] != architecture:
        raise _invalid(f"wheel '{filename}' claims tags or an architecture its file name does not carry")
    return PackPart("wheel", filename, tags=tuple(tags), architecture=architecture)


def _size(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"size {value!r} is not a whole number of bytes")
    return value


def _digest(value) -> str:
    if not isinstance(value, str) or not SHA256_PATTERN.match(value):
        raise ValueError(f"sha256 {value!r} is not 64 hex digits")
    return value


def _check_layout(manifest: Manifest) -> None:
    """Parts unique, every file inside exactly one part, no file listed twice."""
    if not PACK_NAME_PATTERN.match(manifest.name):
        raise _invalid(f"pack name '{manifest.name}' is not a plain name")
    dirs = [part.dir for part in manifest.parts]
    if len(set(dirs)) != len(dirs):
        raise _invalid("a part is listed twice")
    paths = [f.path for f in manifest.files]
    if len(set(paths)) != len(paths):
        raise _invalid("a file is listed twice")
    for f in manifest.files:
        owners = [d for d in dirs if f.path.startswith(d + "/")]
        if len(owners) != 1:
            raise _invalid(f"{f.path} belongs to no part")
    for part in manifest.parts:
        if not manifest.files_of(part):
            raise _invalid(f"{part.type} '{part.id}' has no files")
        if part.type == "wheel" and [f.path for f in manifest.files_of(part)] != [wheel_path(part)]:
            raise _invalid(f"wheel '{part.id}' must be the one file {wheel_path(part)}")


def _invalid(reason: str) -> PackError:
    return PackError(f"This is not a valid pack: {reason}. Refused, nothing installed.", code="pack_invalid")
