"""`python -m tests.run_suite [PYTEST ARGS]`: pytest, and if it dies the name of the test it died in.

With engines in worker processes a native crash rarely reaches pytest; when one does (a crash in code that still
runs in process), the run ends without a summary. This runs pytest as a child with tests/died_in.py and
faulthandler on (the crashing thread's Python stack goes to stderr), and prints "pytest died in TEST: REASON".
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from edgekit.workers.process import exit_reason
from tests.died_in import VARIABLE


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="edgekit-pytest-") as scratch:
        marker = Path(scratch) / "running"
        env = {**os.environ, VARIABLE: str(marker), "PYTHONFAULTHANDLER": "1"}
        status = subprocess.call([sys.executable, "-m", "pytest", "-p", "tests.died_in", *argv], env=env)
        if marker.exists():
            print(f"pytest died in {marker.read_text()}: {exit_reason(status)}", file=sys.stderr)
            return status if status > 0 else 128 - status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
