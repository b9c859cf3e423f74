"""One lock file tells whether the server is running: $EDGEKIT_HOME/server.lock, held with flock.

`edgekit serve` holds it for as long as it runs, and `edgekit restore` takes it before it touches the database,
so a restore never swaps the database under a running server and a server never starts half way through a
restore. The kernel drops a flock when its process ends, however it ends, so a power cut or a kill leaves no
stale lock behind (a pid file would).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edgekit.errors import DataDirError, EdgekitError

LOCK_FILE = "server.lock"


class ServerRunning(EdgekitError):
    code = "server_running"
    http_status = 409


@contextmanager
def hold_run_lock(home: Path, holder: str) -> Iterator[None]:
    """Hold the lock while the block runs; ServerRunning if another process (a server, a restore) holds it."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DataDirError.unwritable(home / LOCK_FILE, exc.strerror or str(exc)) from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(descriptor, 200, 0).decode(errors="replace").strip() or "another process"
            raise ServerRunning(
                f"{home} is in use by {other}. Stop the server first (sudo systemctl stop edgekit, or Ctrl-C in "
                f"its terminal), then try again."
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"edgekit {holder} (pid {os.getpid()})\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing drops the flock
