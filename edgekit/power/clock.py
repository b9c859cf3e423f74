"""The clock across power cuts. A Pi has no battery-backed clock by default: after a cut with no network it wakes
in 1970 (or at the last time systemd saw), and every record it writes is dated wrong. So the box saves the time
every few minutes in $EDGEKIT_HOME/power/clock, and at start sets the clock forward to it when the clock is
behind (the real time is later still, by however long the power was off: `doctor` says so until someone sets it).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from edgekit.errors import EdgekitError
from edgekit.power.config import state_dir

CLOCK_FILE = "clock"
RESTORED_FILE = "clock-restored.json"
SLACK_S = 60  # a clock behind the saved time by less than this is a clock, not a power cut
SET_CLOCK_COMMAND = ("date", "-u", "-s")


def save_time(home: Path, now: float | None = None) -> float:
    """Write the time now; written whole or not at all, so a cut while writing keeps the last good time."""
    now = time.time() if now is None else now
    path = state_dir(home) / CLOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{now:.0f}\n", encoding="utf-8")
    temporary.replace(path)
    return now


def saved_time(home: Path) -> float | None:
    try:
        return float((state_dir(home) / CLOCK_FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def run_date(moment: float) -> None:
    """Set the system clock (root: the service runs this through systemd's ExecStartPre=+)."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(moment))
    done = subprocess.run([*SET_CLOCK_COMMAND, stamp], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise EdgekitError(
            f"The clock could not be set to {stamp} UTC: {done.stderr.strip() or done.returncode}. Run as root.",
            code="clock_not_set",
        )


@dataclass(frozen=True)
class ClockRestore:
    was: float
    saved: float | None
    set_to: float | None  # None: the clock was right (or nothing was saved)

    def as_dict(self) -> dict:
        return {"was": self.was, "saved": self.saved, "set_to": self.set_to}


def restore_clock(home: Path, now: float | None = None, set_clock: Callable[[float], None] = run_date) -> ClockRestore:
    """Set the clock forward to the last saved time when it is behind it; remember that it was, for doctor."""
    now = time.time() if now is None else now
    saved = saved_time(home)
    if saved is None or now >= saved - SLACK_S:
        return ClockRestore(now, saved, None)
    set_clock(saved)
    _write_no_follow(state_dir(home) / RESTORED_FILE, json.dumps({"was": now, "set_to": saved}) + "\n")
    return ClockRestore(now, saved, saved)


def _write_no_follow(path: Path, text: str) -> None:
    """This runs as root in a folder the service's own account owns: a link planted there must not make root write
    through it to another file."""
    path.unlink(missing_ok=True)  # removes a planted link itself, never its target
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as marker:
        marker.write(text)


def last_restore(home: Path) -> dict | None:
    try:
        return json.loads((state_dir(home) / RESTORED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def clear_restore(home: Path) -> None:
    """The clock was set by hand (or by the network): the warning has done its work."""
    (state_dir(home) / RESTORED_FILE).unlink(missing_ok=True)
