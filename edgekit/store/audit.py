"""The audit log: who did what, when. Written in the same transaction as the change it describes where there is
one, so a record and its audit entry survive a power cut together or not at all."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from edgekit.store.tables import AuditEntry

log = logging.getLogger("edgekit.audit")  # the name technicians read in the log, kept from before the move


def record(session: Session, actor: str, action: str, target: str = "", detail: str = "") -> AuditEntry:
    """Add an entry to the session; the caller commits it with the change it belongs to."""
    entry = AuditEntry(actor=actor, action=action, target=target, detail=detail)
    session.add(entry)
    log.info("%s %s %s %s", actor, action, target, detail)
    return entry


def recent(session: Session, limit: int = 100, actor: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    return list(session.exec(query))
