"""Reading a pack, as a tar file or as an unpacked folder, with one view of its entries.

Entries are listed from the tar headers (or lstat) before any content is read, so an unsafe entry (a symlink, a
hard link, a device, a path that climbs out) refuses the whole pack before a single byte is written.
"""

from __future__ import annotations

import os
import stat
import tarfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from edgekit.packs import PackError
from edgekit.packs.manifest import check_path

SUFFIX = ".ekpack"


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str  # file | dir | symlink | hardlink | device | other
    size: int


class PackSource(Protocol):
    label: str

    def entries(self) -> list[Entry]: ...

    def open(self, path: str) -> IO[bytes]: ...

    def close(self) -> None: ...


def _tar_kind(member: tarfile.TarInfo) -> str:
    if member.isreg():
        return "file"
    if member.isdir():
        return "dir"
    if member.issym():
        return "symlink"
    if member.islnk():
        return "hardlink"
    if member.ischr() or member.isblk() or member.isfifo():
        return "device"
    return "other"


def _folder_kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "device"
    return "other"


class TarPack:
    def __init__(self, path: Path):
        self.label = path.name
        try:
            # "r:" reads plain tar only: a pack is never compressed, so a gzip stream is not a pack.
            self._tar = tarfile.open(path, "r:")  # noqa: SIM115  (kept open for reading; close())
            self._members = self._tar.getmembers()
        except (tarfile.TarError, OSError) as exc:
            raise PackError(f"{path} is not a readable pack ({exc}).", code="pack_invalid") from exc
        self._by_name: dict[str, tarfile.TarInfo] = {}
        for member in self._members:
            self._by_name.setdefault(member.name, member)

    def entries(self) -> list[Entry]:
        return [Entry(m.name, _tar_kind(m), m.size) for m in self._members]

    def open(self, path: str) -> IO[bytes]:
        stream = self._tar.extractfile(self._by_name[path])
        assert stream is not None  # only regular files are opened
        return stream

    def close(self) -> None:
        self._tar.close()


class FolderPack:
    """An unpacked pack: a folder holding manifest.json. Walked without following links."""

    def __init__(self, root: Path):
        self.label = root.name
        self.root = root

    def entries(self) -> list[Entry]:
        found = []
        for directory, dirnames, filenames in os.walk(self.root):
            for name in sorted(dirnames) + sorted(filenames):
                full = Path(directory, name)
                status = full.lstat()
                kind = _folder_kind(status.st_mode)
                found.append(Entry(full.relative_to(self.root).as_posix(), kind, status.st_size))
        return found

    def open(self, path: str) -> IO[bytes]:
        return (self.root / path).open("rb")

    def close(self) -> None:
        pass


def open_pack(path: Path) -> PackSource:
    if path.is_dir():
        return FolderPack(path)
    if path.is_file():
        return TarPack(path)
    raise PackError(f"{path} is neither a pack file nor a folder.", code="pack_not_found")


def regular_files(source: PackSource) -> dict[str, Entry]:
    """The pack's files by path, after refusing anything that is not a plain file or folder at a safe path."""
    entries = source.entries()
    for entry in entries:
        check_path(entry.path)
        if entry.kind not in ("file", "dir"):
            raise PackError(
                f"The pack holds a {entry.kind} at '{entry.path}': a pack holds only plain files. Refused, nothing "
                f"installed.",
                code="pack_unsafe_entry",
            )
    counts = Counter(entry.path for entry in entries)
    twice = sorted(path for path, count in counts.items() if count > 1)
    if twice:
        raise PackError(
            f"The pack holds '{twice[0]}' more than once: it was altered after it was made. Refused, nothing "
            f"installed.",
            code="pack_tampered",
        )
    return {entry.path: entry for entry in entries if entry.kind == "file"}
