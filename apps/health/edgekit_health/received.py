"""Referrals other facilities sent to this one, as the receiving health worker meets them: the woman by her card
code, the danger signs and the date, never a name or a phone number (they do not travel unless the sending site
opted in, and this list shows neither). She marks each arrived, treated or closed; the word is audited, goes up to
the district hub and down to the sending box, whose own referral record then shows it (hub_word.py)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from edgekit.sdk import INBOUND_REFERRAL, EdgekitError, audit, inbound_records, mark_inbound
from edgekit_health.registry import MAX_ID, Actor, BadRecord, RecordNotFound, _require_role

RECEIVED_STATUSES = ("arrived", "treated", "closed")
OPEN_RECEIVED = ("", "referred")


def _sign_labels(codes: list[str], lang: str) -> list[dict]:
    from edgekit_health.triage.rules import load_rules

    rules = load_rules().rules
    return [{"code": code, "label": rules[code].label.get(lang, code) if code in rules else code} for code in codes]


def _view(record: dict, lang: str) -> dict:
    codes = [code for code in str(record.get("sign_codes") or "").split(",") if code]
    return {
        "id": record["id"],
        "from_facility": str(record.get("from_facility") or record.get("from_box") or ""),
        "woman_code": str(record.get("woman_code") or ""),
        "level": str(record.get("level") or ""),
        "signs": _sign_labels(codes, lang),
        "referred_on": str(record.get("created_at") or "")[:10],
        "status": record.get("status") or "referred",
        "reason": record.get("reason"),  # present only where the sending site opted in to share notes
    }


def received_referrals(engine: Engine, actor: Actor, lang: str = "en", status: str | None = None) -> list[dict]:
    """Newest first; STATUS 'open' for those not yet marked."""
    _require_role(actor)
    with Session(engine) as session:
        rows = [_view(record, lang) for record in reversed(inbound_records(session, INBOUND_REFERRAL))]
        if status == "open":
            rows = [row for row in rows if row["status"] in OPEN_RECEIVED]
        audit(session, actor.name, "health.referral.received.list", status or "", f"count={len(rows)}")
        session.commit()
    return rows


def mark_received(engine: Engine, actor: Actor, received_id: int, status: str, lang: str = "en") -> dict:
    _require_role(actor)
    if status not in RECEIVED_STATUSES:
        raise BadRecord(f"A referral received here is marked {', '.join(RECEIVED_STATUSES)}, not '{status}'.")
    with Session(engine) as session:
        try:
            if not 1 <= received_id <= MAX_ID:
                raise EdgekitError("out of range", code="not_found")
            mark_inbound(session, received_id, status, actor.name)  # audited, and queued for the hub
        except EdgekitError as exc:
            if exc.code == "not_found":
                raise RecordNotFound(f"No referral {received_id} was received here.") from None
            raise
        session.commit()
        [record] = [r for r in inbound_records(session, INBOUND_REFERRAL) if r["id"] == received_id]
    return _view(record, lang)
