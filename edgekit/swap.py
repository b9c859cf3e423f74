"""Putting staged directories in place together: all of them, or none.

Each directory is first staged on the same filesystem as its target, so putting it in place is a rename. What was
there before is renamed aside and deleted only once every rename has succeeded; if one fails, the ones already
done are undone and the old directories come back, so a failure half way leaves the box as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DirectorySwap:
    _done: list[tuple[Path, Path, Path | None]] = field(default_factory=list)  # (target, staged, old)

    def put(self, staged: Path, target: Path) -> None:
        old = None
        if target.exists():
            old = target.with_name(f".old-{target.name}")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        self._done.append((target, staged, old))
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(target)

    def rollback(self) -> None:
        """Undo every rename done so far, each on its own: one that fails does not stop the others."""
        for target, staged, old in reversed(self._done):
            try:
                if target.exists() and not staged.exists():
                    target.rename(staged)  # back to staging, which its owner cleans up
                if old is not None:
                    old.rename(target)
            except OSError:
                continue  # the old copy stays at .old-<name>, found by hand if the disk itself is failing
        self._done.clear()

    def commit(self) -> None:
        for _target, _staged, old in self._done:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        self._done.clear()


@contextmanager
def swap_together() -> Iterator[DirectorySwap]:
    """`with swap_together() as swap: swap.put(staged, target) ...`: committed when the block ends, undone if it
    raises."""
    swap = DirectorySwap()
    try:
        yield swap
    except BaseException:
        swap.rollback()
        raise
    swap.commit()
