"""Enrolment and refusals: only an approved box's own signed batches are kept; anything else is refused whole."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from edgekit.hub.enrol import decide, request_enrolment
from edgekit.hub.ingest import ingest
from edgekit.store.tables import OutboxEntry
from edgekit.sync import batches, outbox
from edgekit.sync.envelope import SyncRefused
from tests.hub.conftest import add_health_records, box_outbox


def _ledger_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM hub_record")).scalar()


def _envelope(box):
    with Session(box.kit.db) as session:
        return next(batches.next_batches(session, box.sync.identity(), 0))


def _ingest(engine, envelope):
    with engine.begin() as connection:
        return ingest(connection, envelope)


def _enrol(engine, box, approve=True):
    with engine.begin() as connection:
        request_enrolment(connection, batches.enrolment(box.sync.identity(), box.facility))
        if approve:
            decide(connection, box.name, "approved", "tests")


def test_unknown_pending_and_revoked_boxes_are_refused(hub_engine, make_box):
    box = make_box("kilifi-1", "Kilifi Health Centre")
    add_health_records(box, women=2)
    envelope = _envelope(box)
    with pytest.raises(SyncRefused) as refused:
        _ingest(hub_engine, envelope)
    assert refused.value.code == "box_unknown"
    _enrol(hub_engine, box, approve=False)
    with pytest.raises(SyncRefused) as refused:
        _ingest(hub_engine, envelope)
    assert refused.value.code == "box_not_approved"
    with hub_engine.begin() as connection:
        decide(connection, box.name, "approved", "tests")
    assert _ingest(hub_engine, envelope).new == len(json.loads(envelope["body"])["records"])
    with hub_engine.begin() as connection:
        decide(connection, box.name, "revoked", "tests")
    with pytest.raises(SyncRefused) as refused:
        _ingest(hub_engine, envelope)
    assert refused.value.code == "box_revoked"


def test_tampered_unsigned_and_borrowed_batches_are_refused_whole(hub_engine, make_box):
    a, b = make_box("box-a", "Facility A"), make_box("box-b", "Facility B")
    add_health_records(a, women=2)
    add_health_records(b, women=1)
    _enrol(hub_engine, a)
    _enrol(hub_engine, b)
    good = _envelope(a)

    tampered = dict(good, body=good["body"].replace('"routine"', '"emergency"', 1))
    assert tampered["body"] != good["body"]
    unsigned = {key: value for key, value in good.items() if key != "signature"}
    body = json.loads(good["body"])
    # B sends A's records under its own name, with A's signature: the key that must verify it is B's.
    borrowed_body = json.dumps(body | {"box": "box-b", "key": b.sync.identity().public.fingerprint})
    borrowed = dict(good, body=borrowed_body)
    # B signs A's records itself but still names A: the hub checks A's key, not the one that signed.
    forged = batches.seal(body, b.sync.identity().private)

    for envelope, code in (
        (tampered, "sync_signature_invalid"),
        (unsigned, "sync_unsigned"),
        (borrowed, "sync_signature_invalid"),
        (forged, "sync_signature_invalid"),
    ):
        with pytest.raises(SyncRefused) as refused:
            _ingest(hub_engine, envelope)
        assert refused.value.code == code
        assert _ledger_count(hub_engine) == 0  # refused whole: not one record of it kept

    first = _ingest(hub_engine, good)
    again = _ingest(hub_engine, good)  # A's own batch replayed as it was: lands once
    assert first.new == len(body["records"]) and again.new == 0
    assert _ledger_count(hub_engine) == len(body["records"])


def test_a_malformed_record_refuses_the_whole_batch(hub_engine, make_box):
    box = make_box("box-m", "Facility M")
    with Session(box.kit.db) as session:
        outbox.add_to_outbox(session, "health.visit", 1, {"id": 1, "visit_date": "2026-03-01"})
        session.commit()
    _enrol(hub_engine, box)
    body = json.loads(_envelope(box)["body"])
    body["records"].append({"seq": "two", "kind": "health.visit", "key": "2", "payload": {}, "at": "2026-01-01"})
    with pytest.raises(SyncRefused) as refused:
        _ingest(hub_engine, batches.seal(body, box.sync.identity().private))
    assert refused.value.code == "sync_malformed"
    assert _ledger_count(hub_engine) == 0
    for bad in ({"id": "seven"}, {"id": 2, "visit_date": "2026-13-45"}, {"id": 3, "systolic": 10**12}):
        with Session(box.kit.db) as session:
            outbox.add_to_outbox(session, "health.visit", bad["id"], bad)
            session.commit()
        with Session(box.kit.db) as session:
            envelope = list(batches.next_batches(session, box.sync.identity(), 0))[-1]
        with pytest.raises(SyncRefused) as refused:
            _ingest(hub_engine, envelope)
        assert refused.value.code == "sync_malformed"
        assert _ledger_count(hub_engine) == 0
        with Session(box.kit.db) as session:  # take it back out so the next case is tried alone
            session.delete(session.get(OutboxEntry, max(box_outbox(box))))
            session.commit()


def test_what_the_site_did_not_opt_in_to_never_leaves_the_box(make_box):
    box = make_box("box-p", "Facility P")
    add_health_records(box, women=1)
    sent = json.dumps(list(_records(box)))
    assert "+254 700" not in sent and "Zawadi" not in sent and "blurred vision" not in sent
    with Session(box.kit.db) as session:
        outbox.set_share(session, "phone_numbers", True)
        session.commit()
    add_health_records(box, women=1)
    sent = json.dumps(list(_records(box)))
    assert "+254 700" in sent and "Zawadi" not in sent  # only what was opted in to


def _records(box):
    from tests.hub.conftest import box_outbox

    return box_outbox(box).values()
