"""The receiving facility's word on a referral this box sent (arrived, treated, closed), taken into this box's own
referral record. It comes down from the district hub into the core's inbox whenever the box syncs (by network or
by USB, with or without this app running), so the registry takes it when a health worker next looks: the newest
word per referral, once.

Which is newer is decided by when each was said, as the hub decides it: a referral changed here after the
receiving facility spoke keeps its own status, and the record takes the word's own time (not the moment it was
taken here), so its echo up to the hub never outdates a later word the receiving box has not synced yet."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from edgekit.sdk import REFERRAL_STATUS, add_to_outbox, audit, inbound_records
from edgekit_health.hub_records import referral_record
from edgekit_health.tables import REFERRAL_STATUSES, Referral, Visit, Woman

MAX_ID = 2**63 - 1


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def sign_codes_of(session: Session, referral: Referral) -> str:
    visit = session.get(Visit, referral.visit_id) if referral.visit_id else None
    return visit.sign_codes if visit else ""


def said_at(record: dict) -> datetime:
    """When the receiving facility said it (the hub sends its time); a hub that does not, when it came here."""
    try:
        return _utc(datetime.fromisoformat(str(record["at"])))
    except (KeyError, ValueError):
        return _utc(record["received_at"])


def take_hub_word(session: Session) -> int:
    """Apply the newest word per referral that is newer than the referral's own last change; the caller commits
    (with its own audit entry). Each change is audited and goes up to the hub like any other. Returns how many."""
    newest: dict[int, dict] = {}
    for record in inbound_records(session, REFERRAL_STATUS):  # oldest first: the last one per referral wins
        try:
            newest[int(record["referral_id"])] = record
        except (KeyError, TypeError, ValueError):
            continue  # a word that names no referral: nothing of ours to change
    changed = 0
    for referral_id, record in newest.items():
        referral = session.get(Referral, referral_id) if 1 <= referral_id <= MAX_ID else None
        status = str(record.get("status", ""))
        if referral is None or status not in REFERRAL_STATUSES or status == referral.status:
            continue
        said = said_at(record)
        if said <= _utc(referral.updated_at):
            continue  # changed here after the receiving facility spoke: this box's own status is the newer
        woman = session.get(Woman, referral.woman_id)
        by = str(record.get("by_facility") or record.get("by_box") or "hub")
        referral.status, referral.updated_at, referral.updated_by = status, said, by[:64]
        session.add(referral)
        code = woman.code if woman else ""
        audit(
            session,
            f"hub:{record.get('by_box', '')}"[:64],
            "health.referral.update",
            code,
            f"referral={referral_id} {status}",
        )
        add_to_outbox(
            session, "health.referral", referral.id, referral_record(referral, code, sign_codes_of(session, referral))
        )
        changed += 1
    return changed
