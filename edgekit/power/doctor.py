"""The doctor's power checks: the profile in force and why, how energy is counted, and the saved clock."""

from __future__ import annotations

import time
from datetime import datetime

from edgekit.device import DeviceFileError
from edgekit.doctor.check import Check
from edgekit.power.clock import SLACK_S, last_restore, saved_time
from edgekit.power.config import power_config
from edgekit.power.sources import PmicMeter, RaplCounter
from edgekit.power.state import PowerState
from edgekit.settings import Settings

CLOCK_FIX = "sudo date -s 'YYYY-MM-DD HH:MM' && edgekit power clock save"


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment).astimezone().strftime("%Y-%m-%d %H:%M")


def check_power_profile(settings: Settings) -> Check:
    try:
        config = power_config(settings.home)
    except DeviceFileError as exc:
        return Check("power_profile", "fail", exc.message, "correct the [power] table of device.toml")
    factories = {
        "rapl": lambda s: RaplCounter.find(s.sysfs_root),
        "pmic": lambda s: PmicMeter.find(),
    }
    power = PowerState(settings, config, factories)
    decision = power.decision
    source = power.source
    counted = (
        f"energy measured by {source.name}"
        if source
        else f"energy estimated from CPU time ({power.calibration.idle_w} W idle, {power.calibration.core_w} W a "
        f"busy core: {power.calibration.source})"
    )
    detail = f"{decision.profile} ({decision.reason}); {counted}"
    if decision.shutdown:
        return Check("power_profile", "fail", detail, "connect power: the box shuts itself down at this level")
    if decision.pinned:
        return Check("power_profile", "warn", detail + "; pinned by hand", "edgekit power profile auto")
    return Check("power_profile", "ok", detail)


def check_saved_clock(settings: Settings, now: float | None = None) -> Check:
    now = time.time() if now is None else now
    restored = last_restore(settings.home)
    saved = saved_time(settings.home)
    if restored is not None:
        return Check(
            "clock_saved",
            "warn",
            f"after a power loss the clock was at {_when(restored['was'])} and was set forward to the last saved "
            f"time, {_when(restored['set_to'])}; the real time is later by however long the power was off",
            CLOCK_FIX,
        )
    if saved is not None and now < saved - SLACK_S:
        return Check(
            "clock_saved",
            "fail",
            f"the clock says {_when(now)}, before the last saved time {_when(saved)}: the power was lost and the "
            f"box has no real-time clock",
            "sudo edgekit power clock restore",
        )
    if saved is None:
        return Check("clock_saved", "ok", "not saved yet (the server saves the time every 10 minutes)")
    return Check("clock_saved", "ok", f"last saved {_when(saved)}, set forward from it after a power loss")


def power_checks(settings: Settings) -> list[Check]:
    return [check_power_profile(settings), check_saved_clock(settings)]
