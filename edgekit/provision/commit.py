"""Put rendered files in place: all of them or none.

Each file is first staged beside its target (same directory, so the same file system) as a hidden temporary
file, written and flushed to disk. Only when every file is staged are they renamed over their targets, one
atomic rename each. If staging fails (a full disk, no permission), the staged files and any directories made for
them are removed and nothing on the box has changed. Files that already hold the same bytes and mode are left
alone, so provisioning again changes nothing and rewrites nothing.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from edgekit.errors import EdgekitError
from edgekit.provision.render import PlannedFile

STAGED_SUFFIX = ".edgekit-staged"


@dataclass(frozen=True)
class Change:
    path: Path
    status: str  # written | unchanged | removed | absent (a file of ours to remove that is not there)


def status_of(planned: PlannedFile) -> str:
    path = planned.path
    if planned.remove:
        return "removed" if path.exists() or path.is_symlink() else "absent"
    if planned.link_to is not None:
        return "unchanged" if path.is_symlink() and os.readlink(path) == planned.link_to else "written"
    try:
        same = not path.is_symlink() and path.read_bytes() == planned.content
        return "unchanged" if same and (path.stat().st_mode & 0o7777) == planned.mode else "written"
    except OSError:
        return "written"


def commit(plan: list[PlannedFile], *, dry_run: bool = False) -> list[Change]:
    changes = [Change(planned.path, status_of(planned)) for planned in plan]
    if dry_run:
        return changes
    to_write = [p for p, c in zip(plan, changes, strict=True) if c.status == "written"]
    staged: list[tuple[Path, Path]] = []
    made_dirs: list[Path] = []
    try:
        for planned in to_write:
            made_dirs.extend(_make_parents(planned.path.parent))
            staged.append((_stage(planned), planned.path))
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for directory in reversed(made_dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise _write_error(exc) from exc
    for temporary, target in staged:
        os.replace(temporary, target)
        _sync_dir(target.parent)
    for planned, change in zip(plan, changes, strict=True):
        if planned.remove and change.status == "removed":
            planned.path.unlink()
    return changes


def _stage(planned: PlannedFile) -> Path:
    temporary = planned.path.with_name(f".{planned.path.name}{STAGED_SUFFIX}")
    temporary.unlink(missing_ok=True)  # a leftover of an interrupted run
    if planned.link_to is not None:
        temporary.symlink_to(planned.link_to)
        return temporary
    # Created with its final mode, so a secret is never readable by others, not even for a moment.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, planned.mode)
    os.fchmod(descriptor, planned.mode)  # the umask must not loosen or tighten it
    with os.fdopen(descriptor, "wb") as staged:
        staged.write(planned.content)
        staged.flush()
        os.fsync(staged.fileno())
    return temporary


def _make_parents(directory: Path) -> list[Path]:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _sync_dir(directory: Path) -> None:
    # The rename survives a power cut only once the directory itself is on the card.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_error(exc: OSError) -> EdgekitError:
    where = exc.filename or "a file"
    if isinstance(exc, PermissionError):
        return EdgekitError(
            f"Cannot write {where}: permission denied. Nothing was changed. Run it as root: sudo edgekit provision",
            code="not_permitted",
        )
    return EdgekitError(f"Cannot write {where} ({exc.strerror}). Nothing was changed.", code="provision_failed")
