"""A pytest plugin for tests/run_suite.py: the id of the test that is running, kept in a file while it runs.

A native crash (SIGSEGV, abort) in the pytest process itself kills it with no summary; the file, still there,
names the test it died in. Removed when the session ends normally. Active only when PYTEST_RUNNING_FILE is set.
"""

from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "PYTEST_RUNNING_FILE"


def _marker() -> Path | None:
    path = os.environ.get(VARIABLE)
    return Path(path) if path else None


def pytest_runtest_logstart(nodeid: str, location) -> None:
    marker = _marker()
    if marker is not None:
        marker.write_text(nodeid)


def pytest_sessionfinish(session, exitstatus) -> None:
    marker = _marker()
    if marker is not None:
        marker.unlink(missing_ok=True)
