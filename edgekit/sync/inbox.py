"""What the hub sends down, applied on the box: referrals addressed to it, the status of referrals it sent, and
revocations of technicians' keys. Each item is kept under the hub's number, in the same transaction as the cursor
that says it was applied, so a down pack read twice, or a pull cut off half way, changes nothing."""

from __future__ import annotations

import json

from sqlmodel import Session, col, select

from edgekit.errors import BadInput
from edgekit.packs.keys import trusted_key_files
from edgekit.store import audit
from edgekit.store.tables import InboxEntry, utc_now
from edgekit.sync import state
from edgekit.sync.outbox import add_to_outbox

INBOUND_REFERRAL = "referral"  # a referral another box sent to this facility
REFERRAL_STATUS = "referral_status"  # the receiving facility's word on a referral this box sent
REVOKE_KEY = "revoke_key"  # a technician's key the district no longer trusts
RECEIVER_STATUSES = ("arrived", "treated", "closed")


def apply_items(session: Session, home, items: list[dict]) -> int:
    """Apply down items in order; returns how many were new. The caller commits."""
    cursor = state.get_int(session, state.DOWN_CURSOR)
    applied = 0
    for item in sorted(items, key=lambda item: int(item["id"])):
        hub_seq = int(item["id"])
        if hub_seq <= cursor or session.get(InboxEntry, hub_seq) is not None:
            continue
        payload = item.get("payload") or {}
        status = payload.get("status", "") if item["kind"] in (INBOUND_REFERRAL, REFERRAL_STATUS) else ""
        session.add(InboxEntry(hub_seq=hub_seq, kind=item["kind"], payload=json.dumps(payload), status=status))
        if item["kind"] == REVOKE_KEY:
            _untrust(home, payload.get("fingerprint", ""))
        applied += 1
        cursor = max(cursor, hub_seq)
    state.put(session, state.DOWN_CURSOR, cursor)
    return applied


def _untrust(home, fingerprint: str) -> None:
    for entry in trusted_key_files(home):
        if entry.key is not None and entry.key.fingerprint == fingerprint:
            entry.path.unlink(missing_ok=True)


def records_of(session: Session, kind: str) -> list[dict]:
    """What the hub sent down of one kind, oldest first: each item's payload with its number (`id`), `status`
    here, and when it was received and last changed (UTC)."""
    rows = session.exec(select(InboxEntry).where(InboxEntry.kind == kind).order_by(col(InboxEntry.hub_seq)))
    return [
        {**_referral_view(row), "kind": row.kind, "received_at": row.received_at, "updated_at": row.updated_at}
        for row in rows
    ]


def inbound_referrals(session: Session) -> list[dict]:
    rows = session.exec(select(InboxEntry).where(InboxEntry.kind == INBOUND_REFERRAL).order_by(col(InboxEntry.hub_seq)))
    return [_referral_view(row) for row in rows]


def sent_referral_statuses(session: Session) -> dict[str, str]:
    """The newest status the receiving facilities gave to this box's referrals, by this box's referral id."""
    rows = session.exec(select(InboxEntry).where(InboxEntry.kind == REFERRAL_STATUS).order_by(col(InboxEntry.hub_seq)))
    return {str(json.loads(row.payload)["referral_id"]): row.status for row in rows}


def mark_inbound(session: Session, hub_seq: int, status: str, actor: str) -> dict:
    """The receiving facility marks a referral arrived, treated or closed; the word goes up to the sending box.
    Audited here, in the caller's transaction, so no caller can change a health record without its entry."""
    if status not in RECEIVER_STATUSES:
        raise BadInput(f"A received referral is marked {', '.join(RECEIVER_STATUSES)}, not '{status}'.")
    row = session.get(InboxEntry, hub_seq)
    if row is None or row.kind != INBOUND_REFERRAL:
        raise BadInput(f"No referral {hub_seq} was received here.", code="not_found")
    payload = json.loads(row.payload)
    row.status, row.updated_at = status, utc_now()
    session.add(row)
    add_to_outbox(
        session,
        "sync.referral_status",
        f"{payload['from_box']}:{payload['referral_id']}",
        {"from_box": payload["from_box"], "referral_id": payload["referral_id"], "status": status, "by": actor},
    )
    audit.record(session, actor, "sync.referral.mark", str(payload.get("woman_code", "")), f"{hub_seq} {status}")
    return _referral_view(row)


def _referral_view(row: InboxEntry) -> dict:
    return {**json.loads(row.payload), "id": row.hub_seq, "status": row.status}
