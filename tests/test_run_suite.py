"""A native crash in the pytest process shows as the name of the test it happened in, not a silent dead run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRASHING = """
import ctypes

def test_fine():
    pass

def test_reads_address_zero():
    ctypes.string_at(0)

def test_never_reached():
    pass
"""


def test_a_crashing_test_is_named(tmp_path):
    (tmp_path / "test_native.py").write_text(CRASHING)
    result = subprocess.run(
        [sys.executable, "-m", "tests.run_suite", str(tmp_path / "test_native.py"), "-p", "no:cacheprovider", "-q"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 128 + 11
    assert "pytest died in" in result.stderr and "test_native.py::test_reads_address_zero" in result.stderr
    assert "killed by signal 11 (SIGSEGV)" in result.stderr
    assert "Fatal Python error: Segmentation fault" in result.stderr  # faulthandler's stack of the crash


def test_a_passing_run_says_nothing_more(tmp_path):
    (tmp_path / "test_calm.py").write_text("def test_fine():\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "tests.run_suite", str(tmp_path / "test_calm.py"), "-p", "no:cacheprovider", "-q"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "pytest died" not in result.stderr
