"""`edgekit power calibrate`: how many watts this box draws idle and for each busy core, so that answers on a box
without an energy counter can be estimated from their CPU time.

With a counter (RAPL, the Pi 5 PMIC, a plugin's) or a battery that reports what it delivers, the box measures
itself: idle for a while, then every core busy. Without either, a technician who measured with a USB power meter
gives the two figures; otherwise the board's published figures stay in use, and say so.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable

from edgekit.errors import BadInput, EdgekitError
from edgekit.power.energy import Calibration, board_calibration, cpu_seconds, now_iso, save_calibration
from edgekit.power.sources import read_power
from edgekit.power.state import PowerState


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _busy(seconds: float, cores: int) -> float:
    """Every core busy for `seconds`; returns the CPU seconds the children used."""
    context = multiprocessing.get_context("spawn")
    before = cpu_seconds()
    workers = [context.Process(target=_spin, args=(seconds,)) for _ in range(cores)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return cpu_seconds() - before


def _battery_energy(sysfs) -> Callable[[], float | None]:
    """An energy counter from the battery's own draw readings, integrated each time it is read."""
    state = {"t": None, "w": None, "j": 0.0}

    def read() -> float | None:
        watts = read_power(sysfs).draw_w
        if watts is None:
            return None
        now = time.monotonic()
        if state["t"] is not None:
            state["j"] += (now - state["t"]) * (watts + state["w"]) / 2
        state["t"], state["w"] = now, watts
        return state["j"]

    return read


def _measure(read: Callable[[], float | None], work: Callable[[], float]) -> tuple[float, float, float]:
    """Joules the counter saw while `work` ran (sampled every half second), the seconds it took and the work's
    CPU seconds."""
    import threading

    result: dict[str, float] = {}
    thread = threading.Thread(target=lambda: result.setdefault("cpu", work()))
    start, began = read(), time.monotonic()
    thread.start()
    while thread.is_alive():
        read()
        thread.join(0.5)
    end = read()
    if start is None or end is None:
        raise EdgekitError("The energy counter stopped answering during calibration.", code="calibration_failed")
    return end - start, time.monotonic() - began, result.get("cpu", 0.0)


def calibrate(
    power: PowerState, seconds: float = 20, idle_w: float | None = None, busy_w: float | None = None
) -> Calibration:
    cores = os.cpu_count() or 1
    if (idle_w is None) != (busy_w is None):
        raise BadInput("Give both --idle-w and --busy-w, or neither.", code="bad_input")
    if idle_w is not None and busy_w is not None:
        if not 0 < idle_w < busy_w:
            raise BadInput("The busy draw must be above the idle draw, both above 0.", code="bad_input")
        calibration = Calibration(idle_w, round((busy_w - idle_w) / cores, 3), "given", now_iso())
    else:
        source = power.source
        if source is not None:
            read, name = source.energy_j, source.name
        elif read_power(power.settings.sysfs_root).draw_w is not None:
            read, name = _battery_energy(power.settings.sysfs_root), "battery"
        else:
            read, name = None, None
        if read is None:
            # Nothing to measure with: the board's figures stay in use; nothing is saved that would look measured.
            return board_calibration(power.settings.sysfs_root)
        else:
            idle_j, idle_s, _ = _measure(read, lambda: time.sleep(seconds) or 0.0)
            idle = idle_j / idle_s
            busy_j, busy_s, cpu = _measure(read, lambda: _busy(seconds, cores))
            core = max(0.0, busy_j - idle * busy_s) / max(cpu, 1e-6)
            calibration = Calibration(round(idle, 3), round(core, 3), name, now_iso())
    save_calibration(power.settings.home, calibration)
    power.forget_calibration()
    return calibration
