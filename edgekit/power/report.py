"""What the box spent: Wh per day, per app and per answer kind, from the answers' own records; and, from those
figures, the battery and panel a site needs (`edgekit power plan`)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from sqlmodel import select

from edgekit.power.energy import Calibration
from edgekit.power.records import SPEECH_IN, SPEECH_OUT

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as DbEngine

KINDS = ("chat", "extractive", SPEECH_IN, SPEECH_OUT)
NO_CHAT_MODEL = ("extractive", "guard", "none")  # answers no chat model wrote


def answer_kind(model: str) -> str:
    return "extractive" if model in NO_CHAT_MODEL else "chat"


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def power_report(db: DbEngine, days: int = 7, now: datetime | None = None, zone: tzinfo = UTC) -> dict:
    """Energy by day (the site's days), app and kind over the last `days` days, and the battery over the last day.
    Every figure is a sum of the records, so the report and the records cannot disagree."""
    from edgekit.store import session_for
    from edgekit.store.tables import EnergyUse, Exchange, PowerSample

    now = _local(now or datetime.now(UTC), zone)
    first_day = (now - timedelta(days=days - 1)).date()
    since = datetime.combine(first_day, datetime.min.time(), zone).astimezone(UTC)
    with session_for(db) as session:
        answers = session.exec(
            select(Exchange.created_at, Exchange.app, Exchange.model, Exchange.energy_j, Exchange.energy_method).where(
                Exchange.created_at >= since, Exchange.energy_j.is_not(None)
            )
        ).all()
        speech = session.exec(
            select(EnergyUse.at, EnergyUse.app, EnergyUse.kind, EnergyUse.energy_j, EnergyUse.energy_method).where(
                EnergyUse.at >= since
            )
        ).all()
        samples = session.exec(
            select(PowerSample.at, PowerSample.battery_percent, PowerSample.profile)
            .where(PowerSample.at >= (now - timedelta(days=1)).astimezone(UTC))
            .order_by(PowerSample.at)
        ).all()
    day_names = [(first_day + timedelta(days=i)).isoformat() for i in range(days)]
    by_day = {day: {"day": day, "wh": 0.0, "answers": 0, **{kind: 0.0 for kind in KINDS}} for day in day_names}
    by_app: dict[str, float] = defaultdict(float)
    by_kind = dict.fromkeys(KINDS, 0.0)
    methods: dict[str, int] = defaultdict(int)
    rows = [(at, app, answer_kind(model), joules, method) for at, app, model, joules, method in answers]
    rows += list(speech)
    for at, app, kind, joules, method in rows:
        wh = joules / 3600
        day = by_day.get(_local(at, zone).date().isoformat())
        if day is None:
            continue
        day["wh"] += wh
        day[kind] += wh
        day["answers"] += kind in ("chat", "extractive")
        by_app[app or "(none)"] += wh
        by_kind[kind] += wh
        methods[method] += 1
    answered = sum(d["answers"] for d in by_day.values())
    answers_wh = by_kind["chat"] + by_kind["extractive"]
    return {
        "days": days,
        "since": first_day.isoformat(),
        "total_wh": sum(d["wh"] for d in by_day.values()),
        "answers": answered,
        "wh_per_answer": answers_wh / answered if answered else None,
        "by_day": list(by_day.values()),
        "by_app": dict(sorted(by_app.items(), key=lambda item: -item[1])),
        "by_kind": by_kind,
        "methods": dict(methods),
        "battery": [
            {"at": _local(at, zone).isoformat(timespec="minutes"), "percent": percent, "profile": profile}
            for at, percent, profile in samples
        ],
    }


# --- sizing -------------------------------------------------------------------------------------------------------
PEAK_SUN_HOURS = 4.5  # a yearly low for East Africa; the technician checks the site's own figure
PANEL_DERATE = 0.75  # heat, dust, angle and the charge controller
BATTERY_USABLE = 0.8  # LiFePO4 may be emptied to 20% without harm
CONVERSION = 0.9  # battery -> 5 V converter
RECHARGE_DAYS = 2  # after days without sun, the panel refills the battery within this many sunny days
BUSY_EXTRA_W = 0.8  # Wi-Fi hotspot and web server awake while people use the box
ASSUMED_CPU_S_PER_ANSWER = 6.0  # only until this box has answered something
PANEL_SIZES_W = (20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400)
BATTERY_VOLTS = 12.8  # a 4-cell LiFePO4 pack


@dataclass(frozen=True)
class Plan:
    hours: float
    questions: int
    wh_per_answer: float
    wh_per_answer_from: str
    idle_w: float
    wh_per_day: float
    options: list[dict]
    assumptions: dict

    def as_dict(self) -> dict:
        return asdict(self)


def sizing_plan(hours: float, questions: int, wh_per_answer: float | None, calibration: Calibration) -> Plan:
    """The Wh a day this box needs for `questions` answers over `hours` busy hours, and for one and for two days
    without sun the battery and the panel to buy."""
    source = "this box's recorded answers"
    if wh_per_answer is None:
        wh_per_answer = ASSUMED_CPU_S_PER_ANSWER * calibration.core_w / 3600
        source = f"assumed ({ASSUMED_CPU_S_PER_ANSWER:.0f} CPU-seconds an answer: none recorded yet)"
    per_day = calibration.idle_w * 24 + BUSY_EXTRA_W * hours + questions * wh_per_answer
    options = []
    for days in (1, 2):
        battery_wh = per_day * days / BATTERY_USABLE / CONVERSION
        panel_w = (per_day + per_day * days / RECHARGE_DAYS) / (PEAK_SUN_HOURS * PANEL_DERATE) / CONVERSION
        options.append(
            {
                "days_without_sun": days,
                "battery_wh": round(battery_wh),
                "battery_ah_12v": math.ceil(battery_wh / BATTERY_VOLTS),
                "panel_w": round(panel_w),
                "panel_to_buy_w": next((size for size in PANEL_SIZES_W if size >= panel_w), math.ceil(panel_w)),
            }
        )
    assumptions = {
        "idle_w": f"{calibration.idle_w} W all day ({calibration.source})",
        "busy_extra_w": f"{BUSY_EXTRA_W} W more for the hotspot and server during the {hours:g} busy hours",
        "peak_sun_hours": PEAK_SUN_HOURS,
        "panel_derate": PANEL_DERATE,
        "battery_usable": f"{BATTERY_USABLE:.0%} of a LiFePO4 battery",
        "conversion": f"{CONVERSION:.0%} from battery to the box's 5 V",
        "recharge_days": f"the battery refills within {RECHARGE_DAYS} sunny days",
    }
    return Plan(hours, questions, wh_per_answer, source, calibration.idle_w, per_day, options, assumptions)
