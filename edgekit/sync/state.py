"""The box's sync state, one value per key in sync_setting: hub address, acknowledgements, back-off."""

from __future__ import annotations

from sqlmodel import Session

from edgekit.store.tables import SyncSetting

HUB_URL = "hub.url"
HUB_KEY = "hub.key"  # the hub's public key line, learnt at enrolment: down packs must be signed by it
ACKED_SEQ = "state.acked_seq"  # the hub holds every record up to this sequence number
DOWN_CURSOR = "state.down_cursor"  # the last down item this box applied
FAILURES = "state.failures"
NEXT_ATTEMPT = "state.next_attempt"  # unix time before which an automatic push does not try the network
LAST_ERROR = "state.last_error"
LAST_SYNC = "state.last_sync"
REVOKED = "state.revoked"


def get(session: Session, key: str, default: str = "") -> str:
    row = session.get(SyncSetting, key)
    return row.value if row else default


def get_int(session: Session, key: str) -> int:
    value = get(session, key, "0")
    return int(value) if value.lstrip("-").isdigit() else 0


def put(session: Session, key: str, value: object) -> None:
    row = session.get(SyncSetting, key) or SyncSetting(key=key)
    row.value = str(value)
    session.add(row)
