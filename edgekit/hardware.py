"""Facts about the box's hardware, read from sysfs and procfs: CPU temperature, power supplies, a Raspberry Pi's
under-voltage flags, and how much has been written to the data directory's disk since boot.

Each reader takes the root of its tree, so tests (and `edgekit doctor`, through Settings.sysfs_root and
procfs_root) can point it at a fake one. A fact the machine does not offer is None or empty, never an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SECTOR_BYTES = 512  # /proc/diskstats counts 512-byte sectors whatever the disk's own sector size
THROTTLED_FILE = Path("devices/platform/soc/soc:firmware/get_throttled")

# Bits of the Pi firmware's get_throttled value.
UNDER_VOLTAGE_NOW = 1 << 0
THROTTLED_NOW = 1 << 2
UNDER_VOLTAGE_SINCE_BOOT = 1 << 16
THROTTLED_SINCE_BOOT = 1 << 18


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


def cpu_temperatures_c(sysfs: Path) -> dict[str, float]:
    """Each thermal zone's temperature in °C, by zone type (cpu-thermal, x86_pkg_temp ...)."""
    found = {}
    for zone in sorted((sysfs / "class" / "thermal").glob("thermal_zone*")):
        raw = _read(zone / "temp")
        if raw is None:
            continue
        try:
            found[_read(zone / "type") or zone.name] = int(raw) / 1000
        except (TypeError, ValueError):
            continue
    return found


@dataclass(frozen=True)
class PowerSupply:
    name: str
    type: str  # Mains, Battery, USB, UPS
    online: bool | None
    status: str | None  # Charging, Discharging, Full, Not charging
    capacity: int | None  # percent
    voltage_v: float | None = None
    current_a: float | None = None
    power_w: float | None = None

    @property
    def is_battery(self) -> bool:
        return self.type in ("Battery", "UPS")

    @property
    def discharging(self) -> bool:
        return self.is_battery and self.status == "Discharging"


def power_supplies(sysfs: Path) -> list[PowerSupply]:
    supplies = []
    directory = sysfs / "class" / "power_supply"
    for supply in sorted(directory.iterdir()) if directory.is_dir() else []:
        online, capacity = _read(supply / "online"), _read(supply / "capacity")
        supplies.append(
            PowerSupply(
                name=supply.name,
                type=_read(supply / "type") or "Unknown",
                online=None if online is None else online == "1",
                status=_read(supply / "status"),
                capacity=int(capacity) if capacity and capacity.isdigit() else None,
                voltage_v=_micro(supply / "voltage_now"),
                current_a=_micro(supply / "current_now"),
                power_w=_micro(supply / "power_now"),
            )
        )
    return supplies


def _micro(path: Path) -> float | None:
    """A sysfs reading in micro-units (uV, uA, uW) as the unit itself."""
    raw = _read(path)
    try:
        return int(raw) / 1e6 if raw is not None else None
    except ValueError:
        return None


def throttled_flags(sysfs: Path) -> int | None:
    """The Pi firmware's under-voltage and throttling bits; None on other machines."""
    raw = _read(sysfs / THROTTLED_FILE)
    try:
        return int(raw, 16) if raw is not None else None
    except ValueError:
        return None


def device_of(path: Path) -> tuple[int, int]:
    """(major, minor) of the block device that holds path (or its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    device = path.stat().st_dev
    return os.major(device), os.minor(device)


@dataclass(frozen=True)
class DiskWrites:
    device: str
    written_mb: float
    uptime_h: float

    @property
    def mb_per_hour(self) -> float:
        return self.written_mb / self.uptime_h if self.uptime_h > 0 else 0.0


def disk_writes(procfs: Path, device: tuple[int, int]) -> DiskWrites | None:
    """MB written to this block device since boot; None when the kernel does not report it (an overlay in a
    container, a network mount)."""
    stats = _read(procfs / "diskstats") or ""
    uptime = _read(procfs / "uptime")
    for line in stats.splitlines():
        fields = line.split()
        if len(fields) >= 10 and (int(fields[0]), int(fields[1])) == device:
            hours = float(uptime.split()[0]) / 3600 if uptime else 0.0
            return DiskWrites(fields[2], int(fields[9]) * SECTOR_BYTES / 1e6, hours)
    return None
