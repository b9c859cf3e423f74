"""What the box runs on, read through the same injectable sysfs root as edgekit/hardware.py.

- Batteries and mains under /sys/class/power_supply: capacity, status, voltage, current and power. Pi UPS boards
  whose drivers register there (Waveshare UPS HAT, PiSugar, Geekworm X-series) read the same way.
- Energy counters: RAPL (Intel and AMD, /sys/class/powercap/intel-rapl:N/energy_uj) and the Pi 5 PMIC's rail
  readings (`vcgencmd pmic_read_adc`, volts and amps per rail, integrated over time). A plugin adds another source
  through the register_power_sources hook: register(name, factory), factory(settings) -> EnergySource or None.

A reading the machine does not offer is None, never an error: most boxes have only some of these.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from edgekit import hardware
from edgekit.hookspecs import hookimpl

POWERCAP = Path("class/powercap")
RAPL_PACKAGE = re.compile(r"^intel-rapl:\d+$")  # packages only: their sub-zones (core, dram) are inside them
PMIC_COMMAND = ("vcgencmd", "pmic_read_adc")
CORE_SOURCES = ("rapl", "pmic")
PMIC_LINE = re.compile(r"^\s*(\S+)_([AV])\s+(?:current|volt)\(\d+\)=([-\d.]+)[AV]\s*$")


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


# One reader of /sys/class/power_supply for the doctor and the power watch alike.
Supply = hardware.PowerSupply


@dataclass(frozen=True)
class PowerReading:
    """The box's power at one moment."""

    supplies: list[Supply] = field(default_factory=list)
    throttled: int | None = None  # the Pi firmware's get_throttled bits

    @property
    def batteries(self) -> list[Supply]:
        return [s for s in self.supplies if s.is_battery]

    @property
    def has_battery(self) -> bool:
        return any(s.capacity is not None for s in self.batteries)

    @property
    def battery_percent(self) -> int | None:
        levels = [s.capacity for s in self.batteries if s.capacity is not None]
        return min(levels) if levels else None

    @property
    def charging(self) -> bool:
        """Energy is coming in: a battery charging or full, or mains (or a USB supply) online."""
        if any(s.status in ("Charging", "Full") for s in self.batteries):
            return True
        return any(s.online for s in self.supplies if s.type in ("Mains", "USB"))

    @property
    def draw_w(self) -> float | None:
        """What the box draws from its battery, when the battery says so (power_now, or voltage x current)."""
        for battery in self.batteries:
            if battery.status == "Discharging":
                if battery.power_w is not None:
                    return battery.power_w
                if battery.voltage_v is not None and battery.current_a is not None:
                    return abs(battery.voltage_v * battery.current_a)
        return None

    def as_dict(self) -> dict:
        return {
            "battery_percent": self.battery_percent,
            "charging": self.charging,
            "has_battery": self.has_battery,
            "draw_w": self.draw_w,
            "supplies": [s.__dict__ for s in self.supplies],
            "under_voltage": bool(self.throttled and self.throttled & hardware.UNDER_VOLTAGE_NOW),
        }


def read_power(sysfs: Path) -> PowerReading:
    return PowerReading(hardware.power_supplies(sysfs), hardware.throttled_flags(sysfs))


# --- energy sources ---------------------------------------------------------------------------------------------
class EnergySource(Protocol):
    """Anything that counts the energy the box has used, in joules, rising (its start is arbitrary)."""

    name: str

    def energy_j(self) -> float | None: ...


class RaplCounter:
    """The CPU packages' energy counters. energy_uj wraps at max_energy_range_uj; since Linux 5.10 it is readable
    by root only (a side channel), so on most boxes the service must be given read access by a udev rule."""

    def __init__(self, zones: list[Path]):
        self.name = "rapl:" + ",".join(z.name for z in zones)
        self.zones = zones
        self._last: dict[Path, int] = {}
        self._total_uj = 0
        self._lock = threading.Lock()

    @classmethod
    def find(cls, sysfs: Path) -> RaplCounter | None:
        directory = sysfs / POWERCAP
        zones = [p for p in sorted(directory.glob("intel-rapl:*")) if RAPL_PACKAGE.match(p.name)]
        readable = [z for z in zones if _read(z / "energy_uj") is not None]
        return cls(readable) if readable else None

    def energy_j(self) -> float | None:
        with self._lock:
            for zone in self.zones:
                raw = _read(zone / "energy_uj")
                if raw is None:
                    return None
                now = int(raw)
                last = self._last.get(zone)
                if last is not None:
                    wrap = int(_read(zone / "max_energy_range_uj") or 0)
                    self._total_uj += now - last if now >= last else now + wrap - last
                self._last[zone] = now
            return self._total_uj / 1e6


def parse_pmic(output: str) -> dict[str, float]:
    """Watts per rail from `vcgencmd pmic_read_adc`: each rail's current line (X_A) times its volt line (X_V).
    Lines without a partner (EXT5V_V, the input) are left out."""
    amps: dict[str, float] = {}
    volts: dict[str, float] = {}
    for line in output.splitlines():
        match = PMIC_LINE.match(line)
        if match:
            rail, unit, value = match.groups()
            (amps if unit == "A" else volts)[rail] = float(value)
    return {rail: amps[rail] * volts[rail] for rail in sorted(amps) if rail in volts}


class PmicMeter:
    """The Pi 5 PMIC: a power meter, not a counter, so energy is its power integrated between readings
    (trapezoids). Read at the start and end of an answer and by the power watch between them."""

    def __init__(self, command: Sequence[str] = PMIC_COMMAND, clock: Callable[[], float] = time.monotonic):
        self.name = "pmic"
        self.command = list(command)
        self.clock = clock
        self._last: tuple[float, float] | None = None
        self._total_j = 0.0
        self._lock = threading.Lock()

    @classmethod
    def find(cls, command: Sequence[str] = PMIC_COMMAND) -> PmicMeter | None:
        if shutil.which(command[0]) is None:
            return None
        meter = cls(command)
        return meter if meter.power_w() is not None else None  # older firmware has no pmic_read_adc

    def power_w(self) -> float | None:
        try:
            done = subprocess.run(self.command, capture_output=True, text=True, timeout=5, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        rails = parse_pmic(done.stdout) if done.returncode == 0 else {}
        return sum(rails.values()) if rails else None

    def energy_j(self) -> float | None:
        watts = self.power_w()
        if watts is None:
            return None
        with self._lock:
            now = self.clock()
            if self._last is not None:
                self._total_j += (now - self._last[0]) * (watts + self._last[1]) / 2
            self._last = (now, watts)
            return self._total_j


SourceFactory = Callable[[object], "EnergySource | None"]


def find_energy_source(settings, factories: dict[str, SourceFactory]) -> EnergySource | None:
    """The first source that works on this box, in the order registered (RAPL, the PMIC, then plugins')."""
    for factory in factories.values():
        try:
            source = factory(settings)
        except Exception:  # noqa: BLE001  (a plugin's broken source must not stop the box: it is not used)
            source = None
        if source is not None and source.energy_j() is not None:
            return source
    return None


def energy_source_factories(plugins) -> dict[str, SourceFactory]:
    found: dict[str, SourceFactory] = {}

    def register(name: str, factory: SourceFactory) -> None:
        found[name] = factory

    plugins.hook.register_power_sources(register=register)
    # pluggy calls the last registered first: the box's own counters go before plugins' all the same.
    core = [name for name in CORE_SOURCES if name in found]
    return {name: found[name] for name in [*core, *(n for n in found if n not in CORE_SOURCES)]}


@hookimpl
def register_power_sources(register):
    register("rapl", lambda settings: RaplCounter.find(settings.sysfs_root))
    register("pmic", lambda settings: PmicMeter.find())
