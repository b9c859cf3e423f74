"""The doctor's checks of the box itself: its site, clock, CPU temperature, SD-card wear and power.

A box in the field has no network to set its clock, sits in the sun, runs from a solar battery and writes to an SD
card that wears out; each of these checks says what it found and, when it is wrong, the command that fixes it.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import edgekit
from edgekit import hardware
from edgekit.device import DeviceFileError, device_file, read_device_file
from edgekit.doctor.check import Check
from edgekit.doctor.cpu import check_cpu_features
from edgekit.settings import Settings

WARM_C, HOT_C = 80.0, 85.0  # a Pi starts throttling at 80 °C and throttles hard at 85 °C
CLOCK_SLACK_S = 3600  # fake-hwclock restores the clock saved up to an hour before a power cut
WRITES_WARN_MB_PER_HOUR = 100  # ~2.4 GB a day: a cheap card's endurance runs out within a year or two
LOW_BATTERY_PERCENT = 20
PROVISION_FIX = "sudo edgekit provision --config site.toml"


def check_site(settings: Settings) -> Check:
    try:
        provisioned = bool(read_device_file(settings.home))
    except DeviceFileError as exc:
        return Check("site", "fail", exc.message, PROVISION_FIX)
    if not provisioned:
        return Check("site", "warn", f"not provisioned ({device_file(settings.home)} is missing)", PROVISION_FIX)
    where = f", {settings.region}" if settings.region else ""
    return Check(
        "site",
        "ok",
        f"{settings.site_name} ({settings.site_id}){where}; languages {', '.join(settings.languages)}; "
        f"time zone {settings.timezone or 'not set'}",
    )


def package_time() -> float:
    """When this edgekit was installed (or checked out): the clock cannot be earlier than that."""
    return Path(edgekit.__file__).stat().st_mtime


def newest_file(home: Path) -> tuple[Path, float] | None:
    """The most recently written file in the data directory and the two levels below it."""
    newest = None
    for pattern in ("*", "*/*", "*/*/*"):
        for path in home.glob(pattern):
            try:
                mtime = path.stat().st_mtime
            except OSError:
                continue
            if path.is_file() and (newest is None or mtime > newest[1]):
                newest = (path, mtime)
    return newest


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment).astimezone().strftime("%Y-%m-%d %H:%M")


def check_clock(settings: Settings, now: float | None = None, installed: float | None = None) -> Check:
    now = time.time() if now is None else now
    installed = package_time() if installed is None else installed
    fix = "sudo date -s 'YYYY-MM-DD HH:MM'  (today's real date and time)"
    if now < installed - CLOCK_SLACK_S:
        return Check(
            "clock", "fail", f"the clock says {_when(now)}, before edgekit was installed ({_when(installed)})", fix
        )
    newest = newest_file(settings.home)
    if newest and now < newest[1] - CLOCK_SLACK_S:
        return Check(
            "clock",
            "fail",
            f"the clock says {_when(now)}, but {newest[0].name} in the data directory was written {_when(newest[1])}",
            fix,
        )
    local = datetime.fromtimestamp(now).astimezone()
    detail = f"{_when(now)} (UTC{local.strftime('%z')})"
    if settings.timezone:
        try:
            site_offset = datetime.fromtimestamp(now, ZoneInfo(settings.timezone)).strftime("%z")
        except (ZoneInfoNotFoundError, ValueError):
            return Check(
                "clock", "warn", f"{detail}; the site's time zone '{settings.timezone}' is unknown", PROVISION_FIX
            )
        if site_offset != local.strftime("%z"):
            return Check(
                "clock",
                "warn",
                f"{detail}: the site's time zone {settings.timezone} is UTC{site_offset}",
                f"sudo timedatectl set-timezone {settings.timezone}",
            )
    return Check("clock", "ok", detail)


def check_temperature(sysfs: Path) -> Check:
    zones = hardware.cpu_temperatures_c(sysfs)
    if not zones:
        return Check("temperature", "ok", "not reported on this machine")
    name, hottest = max(zones.items(), key=lambda item: item[1])
    detail = f"{hottest:.1f} °C ({name})"
    fix = "move the box into shade, give it air (and a heat sink or fan); check: cat /sys/class/thermal/*/temp"
    if hottest >= HOT_C:
        return Check("temperature", "fail", detail + f": too hot, the CPU slows down at {HOT_C:.0f} °C", fix)
    if hottest > WARM_C:
        return Check("temperature", "warn", detail + f": above {WARM_C:.0f} °C", fix)
    return Check("temperature", "ok", detail)


def check_disk_writes(settings: Settings, device: tuple[int, int] | None = None) -> Check:
    try:
        device = device or hardware.device_of(settings.home)
    except OSError:
        return Check("disk_writes", "ok", "not known: the data directory cannot be examined")
    writes = hardware.disk_writes(settings.procfs_root, device)
    if writes is None:
        return Check("disk_writes", "ok", "not known: the data directory's disk reports no write counts")
    detail = f"{writes.device}: {writes.written_mb:,.0f} MB written since boot ({writes.uptime_h:.1f} h ago)"
    if writes.uptime_h >= 1 and writes.mb_per_hour > WRITES_WARN_MB_PER_HOUR:
        return Check(
            "disk_writes",
            "warn",
            f"{detail}: {writes.mb_per_hour:,.0f} MB an hour wears an SD card out",
            "find the writer: sudo iotop -oa; restore the log limits: " + PROVISION_FIX,
        )
    return Check("disk_writes", "ok", detail)


def check_power(sysfs: Path) -> Check:
    supplies = hardware.power_supplies(sysfs)
    flags = hardware.throttled_flags(sysfs)
    cable_fix = "use the box's own power supply (a Pi 4 needs 5.1 V 3 A, a Pi 5 5 A) and a short, thick cable"
    if flags is not None and flags & hardware.UNDER_VOLTAGE_NOW:
        return Check("power", "fail", "under-voltage now: the supply or cable is too weak", cable_fix)
    batteries = [s for s in supplies if s.type in ("Battery", "UPS")]
    on_battery = any(s.discharging for s in batteries) and not any(s.type == "Mains" and s.online for s in supplies)
    parts = []
    if on_battery:
        parts.append("on battery")
    elif any(s.online for s in supplies if s.type in ("Mains", "USB")):
        parts.append("on mains")
    capacities = [s.capacity for s in batteries if s.capacity is not None]
    if capacities:
        parts.append(f"battery {min(capacities)}%")
    if flags is not None and flags & hardware.UNDER_VOLTAGE_SINCE_BOOT:
        return Check("power", "warn", ", ".join([*parts, "under-voltage since boot"]), cable_fix)
    if on_battery and capacities and min(capacities) < LOW_BATTERY_PERCENT:
        return Check(
            "power", "warn", ", ".join(parts) + ": low", "connect power, or shut down cleanly in time: sudo poweroff"
        )
    if flags is not None and flags & hardware.THROTTLED_NOW:
        parts.append("CPU throttled")
    return Check("power", "ok", ", ".join(parts) if parts else "not reported on this machine")


def host_checks(settings: Settings) -> list[Check]:
    from edgekit.power.doctor import power_checks  # the profile in force, the saved clock

    return [
        check_site(settings),
        check_clock(settings),
        check_temperature(settings.sysfs_root),
        check_disk_writes(settings),
        check_power(settings.sysfs_root),
        *power_checks(settings),
        check_cpu_features(settings.procfs_root),
    ]
