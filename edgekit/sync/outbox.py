"""The outbox: what a box sends to the district hub, written in the same transaction as the record it describes.

An app calls `add_to_outbox(session, kind, key, payload)` beside its own `session.add(...)`; both are committed
together or not at all, so the hub can never hear of a record the box lost, nor miss one the box kept. Each row
gets the box's next sequence number; the hub keeps each (box, sequence) once, however often it arrives.

What never leaves by default: phone numbers, free-text notes and the questions people asked. A site may opt in to
each (`edgekit sync share phone_numbers on`); the choice is shown on the box's device page. The filter is here, in
the core, so no app can forget it.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlmodel import Session, col, select

from edgekit.errors import BadInput
from edgekit.store.tables import OutboxEntry, SyncSetting

# What a site may opt in to share, and the payload fields each option lets through.
SHARE_OPTIONS: dict[str, tuple[str, ...]] = {
    "phone_numbers": ("phone",),
    "notes": ("notes", "signs", "reason"),
    "questions": ("question",),
}
PRIVATE_FIELDS = frozenset(field for fields in SHARE_OPTIONS.values() for field in fields)
SHARE_PREFIX = "share."
KIND_MAX = 48
KEY_MAX = 100


def add_to_outbox(session: Session, kind: str, key: object, payload: dict) -> OutboxEntry:
    """Queue one record for the hub in the caller's transaction (the caller commits). The payload is the record's
    current state, not a change: the hub keeps the newest by sequence number, so order of arrival never matters."""
    if not kind or len(kind) > KIND_MAX or "." not in kind:
        raise BadInput(f"An outbox kind is 'app.record' up to {KIND_MAX} characters, not '{kind}'.")
    key = str(key)
    if not key or len(key) > KEY_MAX:
        raise BadInput(f"An outbox record key is 1-{KEY_MAX} characters.")
    allowed = shared_fields(session)
    kept = {name: value for name, value in payload.items() if name not in PRIVATE_FIELDS or name in allowed}
    entry = OutboxEntry(kind=kind, record_key=key, payload=json.dumps(kept, default=_plain, sort_keys=True))
    session.add(entry)
    return entry


def _plain(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot travel to the hub")


def shared_options(session: Session) -> set[str]:
    rows = session.exec(select(SyncSetting).where(SyncSetting.key.startswith(SHARE_PREFIX))).all()
    return {row.key.removeprefix(SHARE_PREFIX) for row in rows if row.value == "on"}


def shared_fields(session: Session) -> set[str]:
    return {field for option in shared_options(session) for field in SHARE_OPTIONS.get(option, ())}


def set_share(session: Session, option: str, on: bool) -> None:
    if option not in SHARE_OPTIONS:
        raise BadInput(f"'{option}' is not something a site can share. Choose one of {', '.join(SHARE_OPTIONS)}.")
    key = SHARE_PREFIX + option
    row = session.get(SyncSetting, key) or SyncSetting(key=key)
    row.value = "on" if on else "off"
    session.add(row)


def pending(session: Session, after_seq: int, limit: int) -> list[OutboxEntry]:
    query = select(OutboxEntry).where(col(OutboxEntry.seq) > after_seq).order_by(col(OutboxEntry.seq)).limit(limit)
    return list(session.exec(query))


def last_seq(session: Session) -> int:
    from sqlalchemy import func

    return session.exec(select(func.max(OutboxEntry.seq))).one() or 0
