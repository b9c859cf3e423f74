"""Crashes of each model's worker, and the back-off that keeps a model which always crashes from crash-looping.

A crash or two restart the worker on the next request. `after` crashes within `window_s` refuse loads of that
model for `backoff_s`, doubled for each further crash in the window (at most `max_backoff_s`), with the last reason
(e.g. "killed by signal 11 (SIGSEGV)"). The record is also written to a small JSON file in the data directory, so
`edgekit doctor`, which runs in another process, can show it; /healthz and `models status` read it live. Crashes
of several models may be recorded at once (from the threads that met them), and a box may lose power at any
moment: each write goes to a temporary file of its own, reaches the card (fsync), then replaces the record whole.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from edgekit.errors import EngineBackoff

log = logging.getLogger("edgekit.workers")

CRASHES_FILE = "engine-crashes.json"


@dataclass
class CrashRecord:
    model_id: str
    total: int = 0
    recent: list[float] = field(default_factory=list)  # wall-clock times of the crashes inside the window
    last_reason: str = ""
    last_at: float = 0.0
    backoff_until: float = 0.0

    def as_status(self, now: float) -> dict:
        return {
            "id": self.model_id,
            "crashes_recent": len(self.recent),
            "crashes_total": self.total,
            "last_reason": self.last_reason,
            "last_at": datetime.fromtimestamp(self.last_at, UTC).isoformat(timespec="seconds"),
            "backoff_s": max(0, math.ceil(self.backoff_until - now)),
        }


class CrashLog:
    def __init__(
        self,
        path: Path | None,
        *,
        after: int = 3,
        window_s: float = 300,
        backoff_s: float = 30,
        max_backoff_s: float = 600,
        clock: Callable[[], float] = time.time,
    ):
        self.path = path
        self.after = after
        self.window_s = window_s
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.clock = clock
        self.records: dict[str, CrashRecord] = {}
        self._lock = threading.Lock()  # one crash recorded and written at a time

    def record(self, model_id: str, reason: str) -> CrashRecord:
        with self._lock:
            return self._record(model_id, reason)

    def _record(self, model_id: str, reason: str) -> CrashRecord:
        now = self.clock()
        entry = self.records.setdefault(model_id, CrashRecord(model_id))
        entry.recent = [t for t in entry.recent if now - t < self.window_s] + [now]
        entry.total += 1
        entry.last_reason, entry.last_at = reason, now
        if len(entry.recent) >= self.after:
            wait = min(self.backoff_s * 2 ** (len(entry.recent) - self.after), self.max_backoff_s)
            entry.backoff_until = now + wait
            log.error(
                "%s crashed %d times in %.0f s: loads refused for %.0f s",
                model_id,
                len(entry.recent),
                self.window_s,
                wait,
            )
        self.save()
        return entry

    def refuse_if_backing_off(self, model_id: str, what: str = "Model") -> None:
        entry = self.records.get(model_id)
        if entry is None:
            return
        remaining = entry.backoff_until - self.clock()
        if remaining > 0:
            raise EngineBackoff(
                f"{what} '{model_id}' crashed {len(entry.recent)} times in the last {self.window_s / 60:.0f} "
                f"minutes (last: {entry.last_reason}), so it is resting for {math.ceil(remaining)} s before it "
                f"is loaded again. If this keeps happening, run: edgekit doctor",
                retry_after_s=math.ceil(remaining),
            )

    def status(self) -> list[dict]:
        now = self.clock()
        return [self.records[i].as_status(now) for i in sorted(self.records)]

    def save(self) -> None:
        if self.path is None:
            return
        try:
            write_atomically(self.path, json.dumps([asdict(r) for r in self.records.values()], indent=1))
        except OSError as exc:  # the record is for the technician; serving goes on without it
            log.warning("could not write %s: %s", self.path, exc)


def write_atomically(path: Path, text: str) -> None:
    """The old file or the new one, whole, whatever happens: a temporary file of this write's own, synced to the
    card, then renamed over the record (and the directory synced, so the rename survives a power cut too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o644)  # as before: edgekit doctor may run as another user
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read_crashes(home: Path, now: float | None = None) -> list[dict]:
    """What the server last wrote, for a process without its live state (edgekit doctor)."""
    try:
        rows = json.loads((home / CRASHES_FILE).read_text())
        records = [CrashRecord(**row) for row in rows]
    except (OSError, ValueError, TypeError):
        return []
    now = time.time() if now is None else now
    return [r.as_status(now) for r in sorted(records, key=lambda r: r.model_id)]
