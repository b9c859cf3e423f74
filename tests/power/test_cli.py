"""edgekit power: status, pinning, calibrating, the report and the plan, from the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from edgekit.answering import record_exchange
from edgekit.cli.main import app
from edgekit.kit import Kit
from edgekit.power.energy import EnergyUse
from edgekit.settings import Settings
from tests.power.fake_sysfs import battery, no_eco_hours


@pytest.fixture
def power_cli(tmp_path):
    runner = CliRunner()
    sysfs = tmp_path / "sys"

    def run(*args):
        environment = {"EDGEKIT_SYSFS_ROOT": str(sysfs)}
        return runner.invoke(app, ["--home", str(tmp_path / "home"), *args], env=environment)

    run.sysfs = sysfs
    run.home = tmp_path / "home"
    no_eco_hours(run.home)
    return run


def test_status_says_the_profile_and_why(power_cli):
    battery(power_cli.sysfs, 40)
    result = power_cli("power", "status", "--json")
    assert result.exit_code == 0, result.output
    state = json.loads(result.output)
    assert state["profile"]["name"] == "eco" and "below 50%" in state["reason"]
    assert state["power"]["battery_percent"] == 40 and state["energy_source"] is None
    text = power_cli("power", "status")
    assert "profile eco" in text.output and "estimated from CPU time" in text.output


def test_pinning_a_profile_and_going_back_to_auto(power_cli):
    battery(power_cli.sysfs, 90)
    assert "profile critical: pinned" in power_cli("power", "profile", "critical").output
    assert json.loads(power_cli("power", "status", "--json").output)["pinned"]
    assert "profile normal" in power_cli("power", "profile", "auto").output
    refused = power_cli("power", "profile", "turbo")
    assert refused.exit_code == 1 and "bad_arguments" in refused.output


def test_calibrate_report_and_plan(power_cli):
    result = power_cli("power", "calibrate", "--idle-w", "3.7", "--busy-w", "12.5", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["source"] == "given"
    kit = Kit(Settings(home=power_cli.home, sysfs_root=power_cli.sysfs))
    for joules in (36.0, 72.0):
        use = EnergyUse(joules, "estimated", joules / 2.2, 5.0, "normal")
        record_exchange(kit.db, question="q", answer="a", model="extractive", app="agri", energy=use)
    kit.close()
    report = json.loads(power_cli("power", "report", "--days", "1", "--json").output)
    assert report["total_wh"] == pytest.approx(108 / 3600) and report["answers"] == 2
    assert "agri" in power_cli("power", "report").output
    plan = json.loads(power_cli("power", "plan", "--hours", "8", "--questions", "300", "--json").output)
    assert plan["wh_per_answer"] == pytest.approx(54 / 3600) and plan["idle_w"] == 3.7
    assert plan["wh_per_day"] == pytest.approx(3.7 * 24 + 0.8 * 8 + 300 * 54 / 3600)
    text = power_cli("power", "plan", "--hours", "8", "--questions", "300").output
    assert "2 day(s) without sun" in text and "assumptions:" in text and "peak_sun_hours" in text


def test_doctor_reports_the_profile(power_cli, installed_models_dir):
    battery(power_cli.sysfs, 8)
    result = power_cli("doctor", "--json")
    checks = {check["name"]: check for check in json.loads(result.output)["checks"]}
    assert checks["power_profile"]["status"] == "fail" and "shutting down" in checks["power_profile"]["detail"]
    assert checks["clock_saved"]["status"] == "ok"
