"""The three power profiles and the rule that chooses one.

A profile is what the box may spend: CPU threads for the next model load, which model tasks may load, how long an
idle model stays loaded, the longest answer, llama.cpp's prompt batch and the voice. Only the battery chooses a
profile; a box on mains (no battery at all) is always normal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from edgekit.power.config import PowerConfig
from edgekit.power.sources import PowerReading
from edgekit.settings import Settings

ALL_TASKS = frozenset({"chat", "stt", "tts", "embed", "vision"})
RANK = {"normal": 0, "eco": 1, "critical": 2}


@dataclass(frozen=True)
class Profile:
    name: str
    threads: int
    tasks: frozenset[str]  # model tasks that may load (critical: no chat model, no neural voice)
    keep_alive_s: float
    max_tokens: int
    batch_size: int  # llama.cpp n_batch: smaller peaks lower and keeps the CPU at a lower clock for less time
    voice: str  # "piper" (the neural voice where there is one) or "espeak" (a program, nothing loaded)

    def allows(self, task: str) -> bool:
        return task in self.tasks

    @property
    def chat_allowed(self) -> bool:
        return "chat" in self.tasks

    def as_dict(self) -> dict:
        return {**asdict(self), "tasks": sorted(self.tasks)}


def profiles_for(settings: Settings) -> dict[str, Profile]:
    """normal is the box as configured; eco and critical spend less than it, never more."""
    return {
        "normal": Profile(
            "normal", settings.threads, ALL_TASKS, settings.keep_alive_s, settings.max_tokens, 512, "piper"
        ),
        "eco": Profile(
            "eco",
            max(1, settings.threads // 2),
            ALL_TASKS - {"vision"},
            min(settings.keep_alive_s, 60),
            min(settings.max_tokens, 80),
            128,
            "piper",
        ),
        "critical": Profile("critical", 1, frozenset({"embed", "stt"}), 0, min(settings.max_tokens, 40), 64, "espeak"),
    }


@dataclass(frozen=True)
class Decision:
    profile: str
    reason: str
    shutdown: bool = False
    pinned: bool = False


def _in_hours(hour: int, hours: tuple[int, int] | None) -> bool:
    if hours is None:
        return False
    start, end = hours
    return start <= hour < end if start <= end else hour >= start or hour < end


def choose_profile(
    reading: PowerReading, hour: int, config: PowerConfig, pinned: str | None = None, previous: str | None = None
) -> Decision:
    """The profile for this moment. A pinned profile wins, except that an empty battery still shuts the box down:
    a pin must not flatten a battery that a clean shutdown would have protected. Going back to a better profile
    needs `hysteresis` percent above the threshold, so a level hovering on it does not flip the box each minute."""
    level = reading.battery_percent
    if not reading.has_battery or level is None:
        return Decision(pinned or "normal", "pinned" if pinned else "no battery: mains", pinned=bool(pinned))
    charging = reading.charging
    if not charging and level < config.shutdown_below:
        return Decision("critical", f"battery {level}% below {config.shutdown_below}%: shutting down", shutdown=True)
    if pinned:
        return Decision(pinned, "pinned", pinned=True)

    def below(threshold: int, profile: str) -> bool:
        # A worse profile already in force stays until the level is clearly back above its threshold.
        margin = config.hysteresis if previous and RANK[previous] >= RANK[profile] else 0
        return level < threshold + margin

    if below(config.critical_below, "critical"):
        choice, reason = "critical", f"battery {level}% below {config.critical_below}%"
    elif below(config.eco_below, "eco"):
        choice, reason = "eco", f"battery {level}% below {config.eco_below}%"
    elif not charging and _in_hours(hour, config.eco_hours):
        choice, reason = "eco", f"on battery at {hour:02d}:00, no sun until morning"
    else:
        choice, reason = "normal", f"battery {level}%"
    if charging and choice != "normal":
        # Energy is coming in: one step better than the level alone says.
        choice = "eco" if choice == "critical" else "normal"
        reason += ", charging"
    elif not charging:
        reason += ", discharging"
    return Decision(choice, reason)
