"""Fake sysfs trees: a battery, a mains supply, RAPL counters, a Pi's device-tree model."""

from __future__ import annotations

from pathlib import Path


def no_eco_hours(home: Path) -> None:
    """A device file without night-time eco, so a test's profile does not depend on the hour it runs at."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "device.toml").write_text("[power]\neco_hours = false\n")


def write(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{value}\n")


def battery(sysfs: Path, capacity: int, status: str = "Discharging", name: str = "BAT0", power_uw: int | None = None):
    folder = sysfs / "class" / "power_supply" / name
    write(folder / "type", "Battery")
    write(folder / "capacity", capacity)
    write(folder / "status", status)
    write(folder / "voltage_now", 12_800_000)
    write(folder / "current_now", 600_000)
    if power_uw is not None:
        write(folder / "power_now", power_uw)


def mains(sysfs: Path, online: bool, name: str = "AC"):
    folder = sysfs / "class" / "power_supply" / name
    write(folder / "type", "Mains")
    write(folder / "online", 1 if online else 0)


def rapl(sysfs: Path, energy_uj: int, zone: str = "intel-rapl:0", max_uj: int = 262_143_328_850):
    folder = sysfs / "class" / "powercap" / zone
    write(folder / "energy_uj", energy_uj)
    write(folder / "max_energy_range_uj", max_uj)
    write(folder / "name", "package-0")


def pi_model(sysfs: Path, model: str = "Raspberry Pi 5 Model B Rev 1.0"):
    path = sysfs / "firmware" / "devicetree" / "base" / "model"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.encode() + b"\x00")
