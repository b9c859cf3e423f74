"""Three boxes and a hub on a real PostgreSQL: by network and by USB stick, each record lands exactly once, and a
referral sent from one facility is seen, closed and answered across boxes."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from edgekit.hub import usb as hub_usb
from edgekit.hub.enrol import decide
from edgekit.hub.users import add_user
from edgekit.sync import inbox
from edgekit.sync.client import HubUnreachable
from tests.hub.conftest import add_health_records, box_outbox, enrol_and_approve, free_port, hub_ledger


def _count(engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def _assert_ledger_matches(hub_engine, box) -> None:
    assert hub_ledger(hub_engine, box.name) == box_outbox(box)


def test_records_from_three_boxes_arrive_once(hub_server, hub_engine, make_box):
    boxes = [make_box(f"box-{n}", f"Facility {n}") for n in range(3)]
    for box in boxes:
        add_health_records(box, women=3)
        enrol_and_approve(box, hub_server.url, hub_engine)
        result = box.sync.push()
        assert result.acked_seq == max(box_outbox(box))
    for box in boxes:
        _assert_ledger_matches(hub_engine, box)
        assert box.sync.push().sent_batches == 1  # only the new device report: nothing else was waiting
    for box in boxes:
        _assert_ledger_matches(hub_engine, box)
    assert _count(hub_engine, "hub_woman") == 9
    assert _count(hub_engine, "hub_visit") == 12  # three routine visits and one with danger signs per box
    assert _count(hub_engine, "hub_referral") == 3
    assert _count(hub_engine, "hub_device") == 3


def test_offline_box_syncs_by_usb_then_network_without_duplicates(
    hub_server, hub_engine, hub_settings, make_box, tmp_path
):
    box = make_box("island", "Island Dispensary")
    stick = tmp_path / "stick"
    add_health_records(box, women=4)  # a week offline
    assert box.sync.export(stick) >= 1
    first = hub_usb.import_dir(hub_engine, stick)
    assert first.enrolments == ["island"] and first.batches == 0 and first.refused  # not approved yet: refused
    with hub_engine.begin() as connection:
        decide(connection, "island", "approved", "tests")
    imported = hub_usb.import_dir(hub_engine, stick)
    assert imported.new == len(box_outbox(box)) and not imported.refused
    again = hub_usb.import_dir(hub_engine, stick)  # the same pack twice changes nothing
    assert again.new == 0 and again.records == imported.records
    before = {table: _count(hub_engine, table) for table in ("hub_record", "hub_woman", "hub_visit", "hub_referral")}

    add_health_records(box, women=1)  # then the link comes back
    box.sync.enrol(hub_server.url, box.facility)  # learns the hub's key (already approved: nothing changes)
    result = box.sync.push()
    _assert_ledger_matches(hub_engine, box)
    assert result.acked_seq == max(box_outbox(box))
    assert _count(hub_engine, "hub_woman") == before["hub_woman"] + 1
    assert _count(hub_engine, "hub_visit") == before["hub_visit"] + 2


def test_back_off_when_the_hub_is_unreachable(make_box):
    box = make_box("far", "Far Clinic")
    add_health_records(box, women=1)
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(HubUnreachable):
        box.sync.push(dead)
    with pytest.raises(HubUnreachable) as waiting:
        box.sync.push(dead)  # not even tried: backing off
    assert "next try" in waiting.value.message
    from edgekit.sync.status import sync_status

    status = sync_status(box.kit.db)
    assert status["failures"] == 1 and 0 < status["retry_in_s"] <= 30 and status["waiting"] == len(box_outbox(box))


def test_referral_from_a_is_seen_and_closed_at_b_and_the_closure_reaches_a(hub_server, hub_engine, make_box, tmp_path):
    a = make_box("village-a", "Village A Dispensary")
    b = make_box("centre-b", "Mwembe Health Centre")
    for box in (a, b):
        enrol_and_approve(box, hub_server.url, hub_engine)
    add_health_records(a, women=1)
    a.sync.push()  # the referral reaches the hub before its facility is named
    with Session(a.kit.db) as session:
        from edgekit.store.tables import OutboxEntry

        referral_id = int(
            session.exec(sa.select(OutboxEntry.record_key).where(OutboxEntry.kind == "health.referral")).first()[0]
        )
    a.registry().update_referral(a.worker(), referral_id, "referred", facility="Mwembe Health Centre")
    a.sync.push()
    b.sync.push()
    with Session(b.kit.db) as session:
        [received] = inbox.inbound_referrals(session)
    assert received["from_box"] == "village-a" and received["level"] == "emergency"
    with Session(b.kit.db) as session:
        inbox.mark_inbound(session, received["id"], "arrived", "nurse")
        session.commit()
    b.sync.push()
    with Session(b.kit.db) as session:
        inbox.mark_inbound(session, received["id"], "closed", "nurse")
        session.commit()
    # B's closure goes by USB this time; A still hears it by network.
    stick = tmp_path / "stick"
    b.sync.export(stick)
    hub_usb.import_dir(hub_engine, stick)
    a.sync.push()
    with Session(a.kit.db) as session:
        statuses = inbox.sent_referral_statuses(session)
    assert statuses == {str(received["referral_id"]): "closed"}
    with hub_engine.connect() as connection:
        status = connection.execute(sa.text("SELECT status FROM hub_referral")).scalar()
    assert status == "closed"


def _get(url: str, user: str | None = None, password: str = "a long password", lang: str = "en"):
    request = urllib.request.Request(url, headers={"Accept-Language": lang})
    if user:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_pages_and_exports_follow_the_roles(hub_server, hub_engine, hub_settings, make_box):
    box = make_box("pages-box", "Kilifi Health Centre")
    enrol_and_approve(box, hub_server.url, hub_engine)
    add_health_records(box, women=3)
    box.sync.push()
    for name, role in (("admin", "hub_admin"), ("dho", "health_officer"), ("edo", "education_officer")):
        add_user(hub_engine, name, role, "a long password")

    assert _get(f"{hub_server.url}/health")[0] == 401
    status, page = _get(f"{hub_server.url}/health?since=2026-01", "dho")
    assert status == 200 and "Kilifi Health Centre" in page and "2026-03" in page
    assert _get(f"{hub_server.url}/health?since=2026-01", "dho", lang="sw")[1].count("Kituo") >= 1
    assert _get(f"{hub_server.url}/boxes", "dho")[0] == 403  # health figures only
    assert _get(f"{hub_server.url}/health", "edo")[0] == 403  # schools only
    assert _get(f"{hub_server.url}/edu", "edo")[0] == 200
    status, page = _get(f"{hub_server.url}/boxes", "admin")
    assert status == 200 and "pages-box" in page and "0.1.0" in page
    assert "<script" not in page

    status, csv_text = _get(f"{hub_server.url}/export/health.csv?since=2026-01", "dho")
    lines = csv_text.strip().splitlines()
    assert status == 200 and lines[0].startswith("facility,box,month,anc_on_time")
    march = next(line.split(",") for line in lines if ",2026-03," in line)
    assert march[3:5] == ["3", "0"]  # three women in their first contact window (10 weeks), no danger signs
    may = next(line.split(",") for line in lines if ",2026-05," in line)
    assert may[4] == "1"  # the visit with severe hypertension

    mapping = {
        "dataElements": {"anc_on_time": "deANC1", "danger_signs": "deDNG1"},
        "orgUnits": {"Kilifi Health Centre": "ouKILIFI"},
    }
    (hub_settings.home / "dhis2_mapping.json").write_text(json.dumps(mapping))
    status, text = _get(f"{hub_server.url}/export/dhis2.json?since=2026-01", "dho")
    values = json.loads(text)["dataValues"]
    assert status == 200
    assert {"dataElement": "deANC1", "period": "202603", "orgUnit": "ouKILIFI", "value": "3"} in values
    assert {"dataElement": "deDNG1", "period": "202605", "orgUnit": "ouKILIFI", "value": "1"} in values


def test_a_revoked_box_is_told_and_the_device_page_says_so(hub_server, hub_engine, make_box):
    from edgekit.errors import EdgekitError
    from edgekit.sync.status import sync_status

    box = make_box("stolen", "Stolen Box Clinic")
    enrol_and_approve(box, hub_server.url, hub_engine)
    add_health_records(box, women=1)
    box.sync.push()
    with hub_engine.begin() as connection:
        decide(connection, "stolen", "revoked", "tests")
    add_health_records(box, women=1)
    with pytest.raises(EdgekitError) as refused:
        box.sync.push()
    assert refused.value.code == "box_revoked"
    assert sync_status(box.kit.db)["last_error"].startswith("box_revoked")
    assert len(hub_ledger(hub_engine, "stolen")) < len(box_outbox(box))


def test_edu_records_reach_the_education_officer_only(hub_server, hub_engine, make_box):
    from edgekit.sync.outbox import add_to_outbox

    school = make_box("school-1", "Mtopanga Primary")
    enrol_and_approve(school, hub_server.url, hub_engine)
    with Session(school.kit.db) as session:  # what the edu app writes: pseudonyms and mastery, never names
        for pupil in ("P-7K2", "P-9QX", "P-3MD"):
            add_to_outbox(session, "edu.pupil", pupil, {"pseudonym": pupil, "class": "4B"})
        for pupil, mastery in (("P-7K2", 0.5), ("P-9QX", 0.7)):
            add_to_outbox(session, "edu.mastery", f"{pupil}:fractions", {"skill": "fractions", "mastery": mastery})
        session.commit()
    school.sync.push()
    add_user(hub_engine, "edo", "education_officer", "a long password")
    add_user(hub_engine, "dho", "health_officer", "a long password")
    status, page = _get(f"{hub_server.url}/edu", "edo")
    assert status == 200 and "Mtopanga Primary" in page and "fractions" in page and "60%" in page
    assert ">3<" in page  # three pupils
    assert _get(f"{hub_server.url}/edu", "dho")[0] == 403
