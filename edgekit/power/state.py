"""PowerState: the profile in force, held by the kit (kit.power) and consulted, never copied into Settings.

The answering code asks it whether the chat model may run now and how long an answer may be; the model manager
asks it which tasks may load, with how many threads, and how long an idle model stays. Each answer reads the
profile once, when it starts, so a change of profile never cuts an answer in progress: it applies to the next one
(and to the next load of a model, once the loaded one is idle).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from edgekit.errors import EdgekitError
from edgekit.power.config import PowerConfig, pinned_profile
from edgekit.power.energy import Calibration, EnergyMeter, read_calibration
from edgekit.power.profiles import Decision, Profile, choose_profile, profiles_for
from edgekit.power.sources import EnergySource, PowerReading, find_energy_source, read_power
from edgekit.settings import Settings

log = logging.getLogger("edgekit.power")


class PowerLow(EdgekitError):
    code = "power_low"
    http_status = 503


class PowerSaving(EdgekitError):
    code = "power_saving"
    http_status = 503


class PowerState:
    def __init__(
        self,
        settings: Settings,
        config: PowerConfig,
        source_factories: dict | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.settings = settings
        self.config = config
        self.profiles = profiles_for(settings)
        self.clock = clock
        self._source_factories = source_factories or {}
        self._source: EnergySource | None = None
        self._source_found = False
        self._calibration: Calibration | None = None
        self._lock = threading.Lock()
        self.decision = Decision("normal", "not read yet")
        self.reading = PowerReading()
        self.shutting_down = False
        self.shutdown_started: float | None = None
        self._answering = threading.local()  # when this thread's answer started: one begun before a shutdown ends
        self.refresh()

    # --- what is in force ------------------------------------------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.profiles[self.decision.profile]

    def hour(self) -> int:
        zone = None
        if self.settings.timezone:
            try:
                zone = ZoneInfo(self.settings.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                zone = None
        moment = datetime.fromtimestamp(self.clock(), zone) if zone else datetime.fromtimestamp(self.clock())
        return moment.hour

    def refresh(self) -> tuple[Decision, bool]:
        """Read the power supplies and the pin again; returns the decision and whether the profile changed."""
        reading = read_power(self.settings.sysfs_root)
        pinned = pinned_profile(self.settings.home)
        with self._lock:
            previous = self.decision
            decision = choose_profile(reading, self.hour(), self.config, pinned, previous.profile)
            self.reading, self.decision = reading, decision
        changed = decision.profile != previous.profile
        if changed and previous.reason != "not read yet":
            log.warning("power profile %s -> %s (%s)", previous.profile, decision.profile, decision.reason)
        return decision, changed

    # --- what the answering code and the manager ask ---------------------------------------------------------------
    def chat_allowed(self) -> bool:
        return not self.shutting_down and self.profile.chat_allowed

    def allows(self, task: str) -> bool:
        return self.profile.allows(task)

    def answer_tokens(self, requested: int) -> int:
        return min(requested, self.profile.max_tokens)

    def keep_alive_s(self) -> float:
        return self.profile.keep_alive_s

    def engine_settings(self) -> Settings:
        """The settings a model is loaded with now: the box's, with the profile's threads and batch. A copy: the
        kit's Settings stay as they were built."""
        profile = self.profile
        return self.settings.model_copy(update={"threads": profile.threads, "batch_size": profile.batch_size})

    def begin_shutdown(self) -> None:
        """From now on, model work that was not already part of an answer in progress is refused."""
        self.shutdown_started = self.clock()
        self.shutting_down = True

    def end_shutdown(self) -> None:
        """The box did not power off and its battery recovered: model work is allowed again."""
        self.shutting_down = False
        self.shutdown_started = None

    def _in_answer_begun_before_shutdown(self) -> bool:
        since = getattr(self._answering, "since", None)
        return since is not None and self.shutdown_started is not None and since < self.shutdown_started

    def check_model_work(self, task: str) -> None:
        """Raise when a model may not run now: the box is shutting down (answers already begun still finish), or
        the profile keeps this task off."""
        if self.shutting_down and not self._in_answer_begun_before_shutdown():
            level = self.reading.battery_percent
            raise PowerLow(
                f"The battery is nearly empty ({level}%): the box is finishing the answers in progress and "
                f"shutting down. Ask again once it is charged."
            )
        if not self.profile.allows(task):
            raise PowerSaving(
                f"The box is saving power ({self.profile.name} profile: {self.decision.reason}), so the {task} model "
                f"is off. Apps still answer from their documents; ask again when the battery has charged."
            )

    # --- energy ----------------------------------------------------------------------------------------------------
    @property
    def source(self) -> EnergySource | None:
        if not self._source_found:
            self._source = find_energy_source(self.settings, self._source_factories)
            self._source_found = True
        return self._source

    @property
    def calibration(self) -> Calibration:
        if self._calibration is None:
            self._calibration = read_calibration(self.settings.home, self.settings.sysfs_root)
        return self._calibration

    def forget_calibration(self) -> None:
        self._calibration = None

    def meter(self) -> EnergyMeter:
        """Start measuring an answer (in the thread that answers it), and mark it begun."""
        self._answering.since = self.clock()
        return EnergyMeter(self.source, self.calibration, self.profile.name, on_stop=self._answer_ended)

    def _answer_ended(self) -> None:
        self._answering.since = None

    def as_dict(self) -> dict:
        return {
            "profile": self.profile.as_dict(),
            "reason": self.decision.reason,
            "pinned": self.decision.pinned,
            "shutting_down": self.shutting_down or self.decision.shutdown,
            "power": self.reading.as_dict(),
            "energy_source": self.source.name if self.source else None,
            "calibration": self.calibration.as_dict(),
            "thresholds": self.config.model_dump(include={"eco_below", "critical_below", "shutdown_below"}),
        }


def build_power_state(settings: Settings, plugins) -> PowerState:
    """The kit's PowerState. A damaged [power] table leaves the defaults in force (doctor reports it): the box must
    still answer."""
    from edgekit.device import DeviceFileError
    from edgekit.power.config import power_config
    from edgekit.power.sources import energy_source_factories

    try:
        config = power_config(settings.home)
    except DeviceFileError as exc:
        log.error("%s The default thresholds apply.", exc.message)
        config = PowerConfig()
    return PowerState(settings, config, energy_source_factories(plugins))
