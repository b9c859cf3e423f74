"""The report is the sum of the records; the plan follows from this box's own figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from edgekit.answering import record_exchange
from edgekit.kit import Kit
from edgekit.power.energy import Calibration, EnergyUse
from edgekit.power.records import SPEECH_IN, SPEECH_OUT, record_energy
from edgekit.power.report import power_report, sizing_plan
from edgekit.settings import Settings
from edgekit.store import session_for
from edgekit.store.tables import EnergyUse as EnergyRow
from edgekit.store.tables import Exchange

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def use(joules: float, method: str = "estimated") -> EnergyUse:
    return EnergyUse(joules, method, joules / 4, joules / 2, "normal")


@pytest.fixture
def kit(tmp_path):
    kit = Kit(Settings(home=tmp_path / "home", sysfs_root=tmp_path / "sys"))
    yield kit
    kit.close()


def add(kit, when: datetime, app: str, model: str, joules: float | None):
    record_exchange(kit.db, question="q", answer="a", model=model, app=app, energy=use(joules) if joules else None)
    with session_for(kit.db) as session:  # date it as if it had been asked then
        row = session.exec(select(Exchange).order_by(Exchange.id.desc())).first()
        row.created_at = when
        session.add(row)
        session.commit()


def test_the_daily_report_agrees_with_the_sum_of_the_records(kit):
    records = [
        (NOW - timedelta(hours=1), "agri", "gemma3-270m-q4km", 36.0),
        (NOW - timedelta(hours=2), "agri", "extractive", 7.2),
        (NOW - timedelta(days=1, hours=1), "health", "gemma3-270m-q4km", 18.0),
        (NOW - timedelta(days=1, hours=2), "health", "guard", 0.36),
        (NOW - timedelta(days=9), "agri", "gemma3-270m-q4km", 1000.0),  # outside the week
        (NOW - timedelta(hours=3), "agri", "gemma3-270m-q4km", None),  # kept before energy was measured
    ]
    for record in records:
        add(kit, *record)
    record_energy(kit.db, SPEECH_IN, use(3.6), "agri")
    record_energy(kit.db, SPEECH_OUT, use(1.8, "measured"), "health")
    with session_for(kit.db) as session:  # stamped by the real clock: into the test's day, or any later day fails
        for row in session.exec(select(EnergyRow)):
            row.at = NOW - timedelta(minutes=30)
            session.add(row)
        session.commit()
    report = power_report(kit.db, days=7, now=NOW + timedelta(minutes=5))
    with session_for(kit.db) as session:
        since = datetime(2026, 11, 27, tzinfo=UTC)
        answers = [j for j in session.exec(select(Exchange.energy_j).where(Exchange.created_at >= since)) if j]
        speech = list(session.exec(select(EnergyRow.energy_j)))
    assert report["total_wh"] == pytest.approx((sum(answers) + sum(speech)) / 3600)
    assert sum(day["wh"] for day in report["by_day"]) == pytest.approx(report["total_wh"])
    assert sum(report["by_app"].values()) == pytest.approx(report["total_wh"])
    assert sum(report["by_kind"].values()) == pytest.approx(report["total_wh"])
    assert report["by_kind"]["chat"] == pytest.approx((36 + 18) / 3600)
    assert report["by_kind"]["extractive"] == pytest.approx((7.2 + 0.36) / 3600)
    assert report["by_kind"][SPEECH_OUT] == pytest.approx(1.8 / 3600)
    assert report["answers"] == 4 and report["wh_per_answer"] == pytest.approx((36 + 7.2 + 18 + 0.36) / 3600 / 4)
    today, yesterday = report["by_day"][-1], report["by_day"][-2]
    assert today["day"] == "2026-12-03" and today["answers"] == 2
    assert yesterday["wh"] == pytest.approx((18 + 0.36) / 3600)
    assert report["methods"] == {"estimated": 5, "measured": 1}


def test_the_report_uses_the_sites_days(kit):
    from zoneinfo import ZoneInfo

    add(kit, datetime(2026, 12, 2, 22, 30, tzinfo=UTC), "agri", "extractive", 36.0)  # 01:30 in Nairobi on the 3rd
    nairobi = power_report(kit.db, days=2, now=NOW, zone=ZoneInfo("Africa/Nairobi"))
    utc = power_report(kit.db, days=2, now=NOW)
    assert nairobi["by_day"][-1]["answers"] == 1 and utc["by_day"][-2]["answers"] == 1


def test_the_plan_for_a_pi_5_matches_the_published_sizing():
    # The published day: a Pi 5 busy with an LLM for 8 hours uses 110-130 Wh; 300 J an answer gets there.
    pi5 = Calibration(3.7, 2.2, "published figures for the Raspberry Pi 5")
    plan = sizing_plan(8, 300, 300 / 3600, pi5)
    assert plan.wh_per_day == pytest.approx(3.7 * 24 + 0.8 * 8 + 300 * 300 / 3600)
    assert 110 <= plan.wh_per_day <= 130
    one, two = plan.options
    # "80-100 W and a 300+ Wh LiFePO4 battery carry it through two cloudy days"
    assert two["battery_wh"] >= 300 and two["battery_wh"] == pytest.approx(2 * one["battery_wh"], abs=1)
    assert 40 <= one["panel_to_buy_w"] < two["panel_to_buy_w"] and 80 <= two["panel_to_buy_w"] <= 100
    assert "idle_w" in plan.assumptions and plan.wh_per_answer_from == "this box's recorded answers"
    assumed = sizing_plan(8, 300, None, pi5)
    assert "assumed" in assumed.wh_per_answer_from
