"""The registry: who may see which records, the audit of every read and write, visits that open referrals,
the due list, the district export, and writes that survive the process being killed."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
from datetime import date, timedelta

import pytest
from edgekit_health.export import csv_text
from edgekit_health.registry import CODE_ALPHABET, Actor, BadRecord, RecordForbidden, RecordNotFound, new_code
from edgekit_health.tables import Woman
from sqlmodel import Session, select

from edgekit import testing
from edgekit.testing import AuditEntry

AMINA = Actor("amina", "health_worker")
BARAKA = Actor("baraka", "health_worker")
TECH = Actor("tech", "admin")
JUMA = Actor("juma", "student")
TODAY = date(2026, 6, 1)


def audit_lines(kit, actor: str) -> list[tuple[str, str]]:
    return [(entry.action, entry.target) for entry in reversed(testing.audit_log(kit.db, 500, actor=actor))]


def test_registering_a_woman_dates_her_pregnancy_and_plans_her_contacts(registry):
    woman = registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), phone="+254 700 123456")
    assert re.fullmatch(rf"MW-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}", woman["code"])
    assert woman["edd"] == "2026-10-08" and woman["gestational_age"] == "21w4d"
    assert woman["health_worker"] == "amina" and woman["status"] == "pregnant"
    assert [c["status"] for c in woman["schedule"][:3]] == ["missed", "missed", "upcoming"]
    assert woman["next_contact"] == "26 weeks" and woman["needs_visit"] == "overdue", "never seen: go now"


def test_a_health_worker_sees_only_the_women_she_visits(registry):
    mine = registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 2, 1))
    theirs = registry.add_woman(BARAKA, village="Mathare", lmp=date(2026, 2, 1))
    assert [w["code"] for w in registry.women(AMINA)] == [mine["code"]]
    with pytest.raises(RecordNotFound) as caught:
        registry.woman(AMINA, theirs["code"])
    assert caught.value.code == "not_found" and "you may see" in caught.value.message
    with pytest.raises(RecordForbidden):
        registry.women(AMINA, health_worker="baraka")
    assert {w["code"] for w in registry.women(TECH)} == {mine["code"], theirs["code"]}
    assert [w["code"] for w in registry.women(TECH, health_worker="baraka")] == [theirs["code"]]


def test_roles_without_health_access_are_refused_everything(registry):
    registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 2, 1), code="KB-001")
    for call in (
        lambda: registry.women(JUMA),
        lambda: registry.woman(JUMA, "KB-001"),
        lambda: registry.add_woman(JUMA, village="X", lmp=date(2026, 2, 1)),
        lambda: registry.due(JUMA),
        lambda: list(registry.export_rows(JUMA)),
    ):
        with pytest.raises(RecordForbidden) as caught:
            call()
        assert caught.value.code == "forbidden"


def test_every_read_and_write_is_in_the_audit_log(kit, registry):
    woman = registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 2, 1), code="KB-002")
    registry.woman(AMINA, "KB-002")
    registry.women(AMINA)
    registry.add_visit(AMINA, "KB-002", systolic=118, diastolic=76, weight_kg=61.5)
    registry.due(AMINA)
    registry.update_woman(AMINA, "KB-002", phone="0711 222333")
    list(registry.export_rows(AMINA))
    assert audit_lines(kit, "amina") == [
        ("health.woman.create", woman["code"]),
        ("health.woman.read", "KB-002"),
        ("health.woman.list", ""),
        ("health.visit.create", "KB-002"),
        ("health.due.list", ""),
        ("health.woman.update", "KB-002"),
        ("health.export", ""),
    ]
    with Session(kit.db) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "health.visit.create")).one()
    assert entry.at is not None and "level=routine" in entry.detail


def test_a_visit_with_an_emergency_sign_opens_a_referral_in_the_same_write(kit, registry):
    registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="KB-003")
    result = registry.add_visit(
        AMINA, "KB-003", systolic=165, diastolic=112, signs="severe headache and she sees blurred", lang="en"
    )
    assert result["visit"]["level"] == "emergency" and result["triage"]["refer"]
    assert result["visit"]["gestational_age"] == "21w4d" and result["visit"]["blood_pressure"] == "165/112"
    referral = result["referral"]
    assert referral["status"] == "referred" and referral["level"] == "emergency" and referral["woman_code"] == "KB-003"
    assert [r["id"] for r in registry.referrals(AMINA, "open")] == [referral["id"]]
    closed = registry.update_referral(AMINA, referral["id"], "arrived", facility="Kibera Health Centre")
    assert closed["status"] == "arrived" and closed["facility"] == "Kibera Health Centre"
    assert registry.referrals(AMINA, "open") == []
    assert ("health.referral.create", "KB-003") in audit_lines(kit, "amina")


def test_a_routine_visit_opens_no_referral(registry):
    registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="KB-004")
    result = registry.add_visit(AMINA, "KB-004", systolic=112, diastolic=70, signs="no bleeding, baby moving well")
    assert result["visit"]["level"] == "routine" and result["referral"] is None


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"systolic": 120}, "both blood-pressure"),
        ({"systolic": 80, "diastolic": 120}, "larger one"),
        ({"systolic": 400, "diastolic": 80}, "outside"),
        ({"weight_kg": 4.0}, "outside"),
        ({"temperature_c": 52.0}, "outside"),
        ({"visit_date": TODAY + timedelta(days=1)}, "between the LMP and today"),
    ],
)
def test_a_bad_visit_is_refused_and_nothing_is_stored(registry, fields, words):
    registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="KB-005")
    with pytest.raises(BadRecord) as caught:
        registry.add_visit(AMINA, "KB-005", **fields)
    assert words in caught.value.message
    assert registry.woman(AMINA, "KB-005")["visits"] == []


def test_a_code_is_unique_and_a_bad_one_is_refused(registry):
    registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="KB-006")
    with pytest.raises(BadRecord) as caught:
        registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="KB-006")
    assert caught.value.code == "duplicate_code"
    with pytest.raises(BadRecord):
        registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="a b")
    with pytest.raises(BadRecord):
        registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), phone="call me")


def test_only_an_admin_assigns_women_to_another_health_worker(registry):
    woman = registry.add_woman(TECH, village="Mathare", lmp=date(2026, 3, 1), health_worker="baraka")
    assert woman["health_worker"] == "baraka"
    with pytest.raises(RecordForbidden):
        registry.add_woman(AMINA, village="Mathare", lmp=date(2026, 3, 1), health_worker="baraka")
    with pytest.raises(BadRecord):
        registry.add_woman(TECH, village="Mathare", lmp=date(2026, 3, 1), health_worker="juma")  # a student


def test_the_due_list_puts_overdue_first_and_follows_the_birth(registry):
    seen = registry.add_woman(AMINA, village="A", lmp=TODAY - timedelta(weeks=22), code="DUE-SEEN")
    registry.add_visit(AMINA, seen["code"], visit_date=TODAY - timedelta(weeks=2))  # the 20-week contact
    registry.add_woman(AMINA, village="B", lmp=TODAY - timedelta(weeks=25, days=2), code="DUE-SOON")
    registry.add_visit(AMINA, "DUE-SOON", visit_date=TODAY - timedelta(weeks=5))
    registry.add_woman(AMINA, village="C", lmp=TODAY - timedelta(weeks=16), code="DUE-LATE")
    registry.add_woman(AMINA, village="D", lmp=TODAY - timedelta(weeks=42, days=3), code="DUE-TERM")
    mother = registry.add_woman(AMINA, village="E", lmp=TODAY - timedelta(weeks=39), code="DUE-BORN")
    registry.update_woman(AMINA, mother["code"], delivered_on=TODAY - timedelta(days=4))
    due = registry.due(AMINA)
    assert [row["code"] for row in due] == ["DUE-TERM", "DUE-BORN", "DUE-LATE", "DUE-SOON"]
    assert [row["needs_visit"] for row in due[1:]] == ["overdue", "overdue", "due"]
    assert due[0]["post_term"] and due[1]["next_contact"] == "day 3"
    assert registry.due(BARAKA) == []


def test_the_export_is_pseudonymous_and_safe_for_spreadsheets(registry):
    registry.add_woman(AMINA, village="=HYPERLINK(1)", lmp=date(2026, 1, 1), code="EX-1", phone="+254700000001")
    registry.add_visit(AMINA, "EX-1", systolic=150, diastolic=95, weight_kg=60, notes="Mama Neema, house by the well")
    registry.add_woman(AMINA, village="Kisumu", lmp=date(2026, 3, 1), code="EX-2")
    registry.add_woman(BARAKA, village="Mathare", lmp=date(2026, 3, 1), code="EX-3")
    text = csv_text(registry, AMINA)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["woman_code"] for row in rows] == ["EX-1", "EX-2"], "only her own women"
    assert rows[0]["village"] == "'=HYPERLINK(1)" and rows[0]["systolic"] == "150" and rows[0]["level"] == "urgent"
    assert rows[0]["referral_status"] == "referred" and rows[1]["visit_date"] == ""
    assert "+254700000001" not in text and "Neema" not in text
    assert len(list(csv.DictReader(io.StringIO(csv_text(registry, TECH))))) == 3


def test_an_acknowledged_write_survives_the_process_being_killed(kit, tmp_path):
    """A child registers a woman, prints 'stored' once the write returned, then waits to be killed with
    SIGKILL (no clean shutdown, no checkpoint). The record must be there when the box comes back."""
    child = textwrap.dedent(
        f"""
        import sys, time
        from datetime import date
        from pathlib import Path
        from edgekit import testing
        from edgekit_health.registry import Actor, Registry
        kit = testing.new_kit(Path({str(kit.settings.home)!r}))
        with kit.db.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        Registry(kit.db).add_woman(Actor("amina", "health_worker"), village="Kibera", lmp=date.today(), code="PWR-1")
        print("stored", flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "stored"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    with Session(kit.db) as session:
        assert session.exec(select(Woman).where(Woman.code == "PWR-1")).one().village == "Kibera"


def test_a_woman_marked_delivered_needs_the_date_of_the_birth(registry):
    registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="KB-007")
    with pytest.raises(BadRecord):
        registry.update_woman(AMINA, "KB-007", status="delivered")
    with pytest.raises(BadRecord):
        registry.update_woman(AMINA, "KB-007", village=" ")
    assert registry.woman(AMINA, "KB-007")["status"] == "pregnant"


def test_codes_the_box_makes_are_too_many_to_guess():
    # Registering under a code is an oracle for its existence (the code is unique on the box): the box's own codes
    # must be far too many to find one by trying. 30^8 is about 6.6e11; each wrong guess registers a woman.
    codes = {new_code() for _ in range(5000)}
    assert len(codes) == 5000
    assert len(set(CODE_ALPHABET)) ** sum(ch != "-" for ch in new_code().removeprefix("MW-")) >= 6 * 10**11
    assert all(ch in CODE_ALPHABET for code in codes for ch in code.removeprefix("MW-").replace("-", ""))


def test_another_workers_code_is_refused_like_her_own_and_the_try_is_audited(kit, registry):
    registry.add_woman(BARAKA, village="Kibera", lmp=date(2026, 1, 1), code="KB-777")
    registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code="KB-778")
    refusals = []
    for code in ("KB-777", "KB-778"):  # baraka's woman, then amina's own
        with pytest.raises(BadRecord) as caught:
            registry.add_woman(AMINA, village="Kibera", lmp=date(2026, 1, 1), code=code)
        refusals.append((caught.value.code, caught.value.message.replace(code, "CODE")))
    assert refusals[0] == refusals[1] == ("duplicate_code", refusals[0][1])
    # A health worker trying codes leaves a line for each try, under her name, for the admin to see.
    assert audit_lines(kit, "amina")[-2:] == [
        ("health.woman.create_refused", "KB-777"),
        ("health.woman.create_refused", "KB-778"),
    ]
    with pytest.raises(RecordNotFound):
        registry.woman(AMINA, "KB-777")  # still nothing of baraka's woman is shown to her
    assert [w["code"] for w in registry.women(AMINA)] == ["KB-778"]
