"""The [power] table of $EDGEKIT_HOME/device.toml (thresholds), and the technician's pinned profile.

[power]
eco_below = 50            # battery percent below which the box saves power (on battery)
critical_below = 25       # below this: no chat model, extractive answers, espeak-ng voice
shutdown_below = 10       # below this: finish answers, refuse new work, flush, power off
eco_hours = [19, 6]       # from 19:00 to 06:00 on battery: eco, whatever the level (false: never)
hysteresis = 3            # percent above a threshold before the better profile comes back
check_every_s = 30
poweroff_command = ["systemctl", "poweroff"]

The pin lives apart, in $EDGEKIT_HOME/power/profile, because the CLI writes it on a box whose device file only
`edgekit provision` writes.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from edgekit.device import DeviceFileError, read_device_file

PROFILE_NAMES = ("normal", "eco", "critical")
STATE_DIR = "power"
PIN_FILE = "profile"


class PowerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    eco_below: int = Field(default=50, ge=0, le=100)
    critical_below: int = Field(default=25, ge=0, le=100)
    shutdown_below: int = Field(default=10, ge=0, le=100)
    eco_hours: tuple[int, int] | None = (19, 6)
    hysteresis: int = Field(default=3, ge=0, le=20)
    check_every_s: float = Field(default=30, gt=0)
    sample_every_s: float = Field(default=300, gt=0, description="How often the battery is logged.")
    clock_every_s: float = Field(default=600, gt=0, description="How often the time is saved for after a cut.")
    poweroff_command: tuple[str, ...] = ("systemctl", "poweroff")
    drain_wait_s: float = Field(default=120, ge=0, description="How long answers in progress may take to finish.")

    @field_validator("eco_hours", mode="before")
    @classmethod
    def _false_is_none(cls, value):
        return None if value is False else value  # `eco_hours = false`: TOML has no null

    @model_validator(mode="after")
    def _ordered(self) -> PowerConfig:
        if not self.shutdown_below <= self.critical_below <= self.eco_below:
            raise ValueError("shutdown_below <= critical_below <= eco_below is needed")
        if self.eco_hours is not None and not all(0 <= h <= 23 for h in self.eco_hours):
            raise ValueError("eco_hours are two hours of the day, 0-23")
        return self


def power_config(home: Path) -> PowerConfig:
    """The site's thresholds; the defaults on a box never provisioned. A bad [power] table is a clear error."""
    table = read_device_file(home).get("power", {})
    try:
        return PowerConfig(**table) if isinstance(table, dict) else PowerConfig()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'power'}: {e['msg']}" for e in exc.errors())
        raise DeviceFileError(f"The [power] table of device.toml is not valid: {problems}.") from None


def state_dir(home: Path) -> Path:
    return home / STATE_DIR


def pinned_profile(home: Path) -> str | None:
    """The profile a technician pinned (`edgekit power profile eco`), or None for automatic."""
    try:
        name = (state_dir(home) / PIN_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name if name in PROFILE_NAMES else None


def pin_profile(home: Path, name: str | None) -> None:
    """Pin a profile, or (None) go back to choosing it from the battery and the hour."""
    path = state_dir(home) / PIN_FILE
    if name is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(name + "\n", encoding="utf-8")
    temporary.replace(path)
