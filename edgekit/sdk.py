"""The stable surface for apps: apps import edgekit.sdk and nothing else of the core.

(Minimal here: only the hub's outbox. The sdk work adds the rest; the lead merges the two.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = ["add_to_outbox"]


def add_to_outbox(session: Session, kind: str, key: object, payload: dict):
    """Queue a record for the district hub in the caller's transaction (edgekit/sync/outbox.py). Imported on
    first use: importing the SDK stays cheap."""
    from edgekit.sync.outbox import add_to_outbox as add

    return add(session, kind, key, payload)
