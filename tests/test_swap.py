"""Staged directories go into place together, or the old ones come back."""

from __future__ import annotations

import pathlib

import pytest

from edgekit.swap import swap_together


def make(path: pathlib.Path, text: str) -> pathlib.Path:
    path.mkdir(parents=True)
    (path / "file").write_text(text)
    return path


def test_all_go_in_and_the_old_ones_are_removed(tmp_path):
    make(tmp_path / "live" / "a", "old a")
    with swap_together() as swap:
        swap.put(make(tmp_path / "stage" / "a", "new a"), tmp_path / "live" / "a")
        swap.put(make(tmp_path / "stage" / "b", "new b"), tmp_path / "live" / "b")
    assert sorted(p.name for p in (tmp_path / "live").iterdir()) == ["a", "b"]
    assert (tmp_path / "live" / "a" / "file").read_text() == "new a"


def test_a_failure_puts_back_what_was_there(tmp_path, monkeypatch):
    make(tmp_path / "live" / "a", "old a")
    make(tmp_path / "live" / "b", "old b")
    real_rename = pathlib.Path.rename
    failures = []

    def rename(self, target):
        if self == tmp_path / "stage" / "b" and not failures:  # the second new directory, once
            failures.append(target)
            raise OSError("the card failed")
        return real_rename(self, target)

    monkeypatch.setattr(pathlib.Path, "rename", rename)
    with pytest.raises(OSError), swap_together() as swap:
        swap.put(make(tmp_path / "stage" / "a", "new a"), tmp_path / "live" / "a")
        swap.put(make(tmp_path / "stage" / "b", "new b"), tmp_path / "live" / "b")
    assert sorted(p.name for p in (tmp_path / "live").iterdir()) == ["a", "b"]
    assert (tmp_path / "live" / "a" / "file").read_text() == "old a"
    assert (tmp_path / "live" / "b" / "file").read_text() == "old b"
    assert (tmp_path / "stage" / "a" / "file").read_text() == "new a"  # back in staging, for its owner to remove
