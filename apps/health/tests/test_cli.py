"""edgekit health ...: triage, dates, the registry, the due list and the export from the box's shell."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest

from edgekit import testing


@pytest.fixture
def edgekit(kit):
    def run(*args):
        return testing.run_cli(kit, *args)

    return run


def test_triage_json_has_the_documented_keys(edgekit):
    result = edgekit("health", "triage", "Mtoto hanyonyi na ana degedege", "--lang", "sw", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"level", "signs", "refer", "advice", "sources"}
    assert body["level"] == "emergency" and body["refer"]


def test_triage_for_people_shows_the_level_first(edgekit):
    result = edgekit("health", "triage", "BP 150/95, no headache", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("URGENT")


def test_empty_triage_is_one_clear_line(edgekit):
    result = edgekit("health", "triage", "  ")
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_dates_from_an_lmp(edgekit):
    result = edgekit("health", "dates", "--lmp", "2026-01-01", "--today", "2026-06-01", "--json")
    body = json.loads(result.stdout)
    assert body["edd"] == "2026-10-08" and body["gestational_age"] == "21w4d"
    assert [c["due"] for c in body["contacts"]][:2] == ["2026-03-26", "2026-05-21"]


def test_register_visit_due_referral_and_export(edgekit, kit, tmp_path):
    added = edgekit(
        "health",
        "women",
        "add",
        "--village",
        "Kibera",
        "--lmp",
        str(date.today() - timedelta(weeks=30)),
        "--code",
        "CLI-1",
        "--as",
        "amina",
    )
    assert added.exit_code == 0, added.output
    visit = edgekit("health", "visit", "CLI-1", "--bp", "170/112", "--signs", "headache", "--as", "amina", "--json")
    assert visit.exit_code == 0, visit.output
    body = json.loads(visit.stdout)
    assert body["visit"]["level"] == "emergency" and body["referral"]["id"]
    listed = edgekit("health", "referrals", "list", "--json")
    assert [r["woman_code"] for r in json.loads(listed.stdout)] == ["CLI-1"]
    assert edgekit("health", "referrals", "update", str(body["referral"]["id"]), "treated").exit_code == 0
    assert json.loads(edgekit("health", "referrals", "list", "--json").stdout) == []
    shown = json.loads(edgekit("health", "women", "show", "CLI-1", "--json").stdout)
    assert shown["referrals"][0]["status"] == "treated"
    out = tmp_path / "district.csv"
    exported = edgekit("health", "export", "--out", str(out))
    assert exported.exit_code == 0 and "wrote 1 rows" in exported.stdout
    assert out.stat().st_mode & 0o777 == 0o600, "health records: the technician's eyes only"
    assert next(csv.DictReader(out.open()))["systolic"] == "170"


def test_acting_as_an_account_that_is_not_a_health_worker_is_refused(edgekit):
    result = edgekit("health", "women", "list", "--as", "juma")
    assert result.exit_code == 1 and "not a health worker" in result.output


def test_the_technician_is_named_in_the_audit_log(edgekit, kit):
    assert edgekit("health", "due").exit_code == 0
    entry = testing.audit_log(kit.db, 1)[0]
    assert entry.action == "health.due.list" and entry.actor.startswith("shell:")


@pytest.mark.parametrize(
    "args",
    [
        ("--lmp", "9999-12-31"),
        ("--edd", "0001-01-01"),
        ("--lmp", "0001-01-01"),
        ("--lmp", "9999-12-30", "--today", "9999-12-31"),
    ],
)
def test_dates_off_the_calendar_are_one_clear_line(edgekit, args):
    result = edgekit("health", "dates", *args)
    assert result.exit_code == 1 and "Traceback" not in result.output and "accepted" in result.output
    assert not isinstance(result.exception, OverflowError)


def test_a_referral_id_out_of_range_is_one_clear_line(edgekit):
    result = edgekit("health", "referrals", "update", "9223372036854775808", "arrived")
    assert result.exit_code == 1 and "Traceback" not in result.output and "No referral" in result.output
