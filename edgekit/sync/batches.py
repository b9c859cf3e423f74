"""Batches: a run of outbox rows in sequence order, sealed by the box's key. The same batch goes by HTTPS or on a
USB stick; the hub keeps each (box, sequence) once, so a batch may arrive any number of times."""

from __future__ import annotations

import json

from sqlmodel import Session

from edgekit.store.tables import OutboxEntry, utc_now
from edgekit.sync import outbox, state
from edgekit.sync.envelope import seal
from edgekit.sync.identity import BoxIdentity

BATCH_RECORDS = 200  # small enough that a slow link finishes one before it drops


def record_dict(entry: OutboxEntry) -> dict:
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "key": entry.record_key,
        "at": entry.created_at.isoformat(),
        "payload": json.loads(entry.payload),
    }


def next_batches(session: Session, identity: BoxIdentity, after_seq: int, size: int = BATCH_RECORDS):
    """Sealed batches of everything after AFTER_SEQ, oldest first (a generator: one batch in memory at a time)."""
    down_cursor = state.get_int(session, state.DOWN_CURSOR)
    while True:
        rows = outbox.pending(session, after_seq, size)
        if not rows:
            return
        yield seal_batch(identity, rows, down_cursor)
        last = rows[-1].seq
        assert last is not None  # read from the database
        after_seq = last


def seal_batch(identity: BoxIdentity, rows: list[OutboxEntry], down_cursor: int = 0) -> dict:
    body = {
        "type": "batch",
        "box": identity.name,
        "key": identity.public.fingerprint,
        "first_seq": rows[0].seq,
        "last_seq": rows[-1].seq,
        "down_cursor": down_cursor,
        "made_at": utc_now().isoformat(),
        "records": [record_dict(row) for row in rows],
    }
    return seal(body, identity.private)


def enrolment(identity: BoxIdentity, facility: str, district: str = "") -> dict:
    """The request a hub admin approves: the box's public key, signed by itself (it holds the private half)."""
    body = {
        "type": "enrol",
        "box": identity.name,
        "key": identity.public.fingerprint,
        "public_key": identity.public.line().strip(),
        "facility": facility,
        "district": district,
        "made_at": utc_now().isoformat(),
    }
    return seal(body, identity.private)


def pull_request(identity: BoxIdentity, after: int) -> dict:
    body = {"type": "pull", "box": identity.name, "key": identity.public.fingerprint, "after": after}
    return seal(body | {"made_at": utc_now().isoformat()}, identity.private)
