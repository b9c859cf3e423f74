"""Energy per answer: measured from an energy counter where the box has one, otherwise estimated from the CPU time
the answer used and this box's calibration (watts per busy core), and marked which.

Both are the answer's own energy, above what the idle box draws anyway: the idle draw is counted once a day, in
the report and the sizing plan, not once per answer. CPU time is the server process's and its children's (model
workers), so two answers running at the same moment each see some of the other's work.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from edgekit.power.config import state_dir

CALIBRATION_FILE = "calibration.json"
DEVICE_TREE_MODEL = Path("firmware/devicetree/base/model")
# Published figures for boards without a meter (idle watts, watts with every core busy, cores):
# a Pi 5 idles at 3.5-4 W and draws 11-14 W running an LLM on all cores; a Pi 4 1.6 W idle, 5-7 W loaded.
BOARD_FIGURES = {
    "Raspberry Pi 5": (3.7, 12.5, 4),
    "Raspberry Pi 4": (1.6, 6.0, 4),
}
# A box we know nothing of: a small x86 computer (a thin client or a mini PC).
UNKNOWN_BOARD = ("unknown board", 8.0, 24.0, 4)


@dataclass(frozen=True)
class Calibration:
    idle_w: float  # the whole box, doing nothing
    core_w: float  # more, for each fully busy core
    source: str  # the counter it was measured with, "given" (a technician's meter), or the board's figures
    measured_at: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def board_model(sysfs: Path) -> str | None:
    try:
        return (sysfs / DEVICE_TREE_MODEL).read_text(errors="replace").strip("\x00 \n") or None
    except OSError:
        return None


def board_calibration(sysfs: Path) -> Calibration:
    model = board_model(sysfs) or ""
    for name, (idle, busy, cores) in BOARD_FIGURES.items():
        if model.startswith(name):
            return Calibration(idle, round((busy - idle) / cores, 3), f"published figures for the {name}")
    name, idle, busy, cores = UNKNOWN_BOARD
    return Calibration(idle, round((busy - idle) / cores, 3), f"assumed figures ({name})")


def read_calibration(home: Path, sysfs: Path) -> Calibration:
    """This box's calibration (edgekit power calibrate), else its board's published figures."""
    try:
        data = json.loads((state_dir(home) / CALIBRATION_FILE).read_text(encoding="utf-8"))
        measured_at = str(data.get("measured_at", ""))
        return Calibration(float(data["idle_w"]), float(data["core_w"]), str(data["source"]), measured_at)
    except (OSError, ValueError, KeyError, TypeError):
        return board_calibration(sysfs)


def save_calibration(home: Path, calibration: Calibration) -> Path:
    path = state_dir(home) / CALIBRATION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".tmp").write_text(json.dumps(calibration.as_dict(), indent=2) + "\n", encoding="utf-8")
    path.with_suffix(".tmp").replace(path)
    return path


def cpu_seconds(process: psutil.Process | None = None) -> float:
    """CPU time of this process, its finished children and its live ones (model workers)."""
    process = process or psutil.Process(os.getpid())
    times = process.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in process.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.Error:  # it ended between the listing and the reading
            continue
        total += child_times.user + child_times.system
    return total


@dataclass(frozen=True)
class EnergyUse:
    joules: float
    method: str  # measured | estimated
    cpu_s: float
    wall_s: float
    profile: str

    @property
    def wh(self) -> float:
        return self.joules / 3600


class EnergyMeter:
    """Started when an answer starts, stopped when it ends."""

    def __init__(self, source, calibration: Calibration, profile: str, clock=time.perf_counter, on_stop=None):
        self.on_stop = on_stop
        self.source = source
        self.calibration = calibration
        self.profile = profile
        self.clock = clock
        self.started = clock()
        self.cpu_started = cpu_seconds()
        self.counter_started = source.energy_j() if source is not None else None

    def stop(self) -> EnergyUse:
        if self.on_stop is not None:
            self.on_stop()
        wall = max(0.0, self.clock() - self.started)
        cpu = max(0.0, cpu_seconds() - self.cpu_started)
        counter = self.source.energy_j() if self.source is not None and self.counter_started is not None else None
        if counter is not None:
            # The counter sees the whole box (or package): take away what it draws idle, when it was calibrated.
            idle = self.calibration.idle_w if self.calibration.source == self.source.name else 0.0
            joules, method = max(0.0, counter - self.counter_started - idle * wall), "measured"
        else:
            joules, method = cpu * self.calibration.core_w, "estimated"
        return EnergyUse(round(joules, 3), method, round(cpu, 3), round(wall, 3), self.profile)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
