"""What travels down: referrals to the box of the facility they were sent to, the receiving facility's word back
to the sending box, and revocations of technicians' keys. Queued in hub_down in the same transaction as the record
that caused them; a box takes them by pull (HTTPS) or in a down pack (USB), both sealed by the hub's key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from edgekit.hub import tables
from edgekit.hub.enrol import authenticate
from edgekit.hub.upsert import upsert as _upsert
from edgekit.sync.envelope import SyncRefused, seal

PULL_ITEMS = 500
PACK_ITEMS = 100_000  # a stick carries everything the box has not applied
RECEIVER_STATUSES = ("arrived", "treated", "closed")
# A pull answers with the box's referrals, so a captured pull must not be replayable later: its made_at must be
# within this much of the hub's clock, either way (boxes keep time by NTP from the hub's network, or by hand).
PULL_WINDOW = timedelta(minutes=15)


def _queue(connection: Connection, box_id: int, kind: str, payload: dict) -> None:
    connection.execute(insert(tables.down).values(box_id=box_id, kind=kind, payload=payload))


def _facility_boxes(connection: Connection, sender_id: int) -> dict[str, int]:
    rows = connection.execute(
        select(tables.box.c.facility, tables.box.c.id).where(
            tables.box.c.status == "approved", tables.box.c.id != sender_id, tables.box.c.facility != ""
        )
    )
    return {_facility_key(facility): box_id for facility, box_id in rows}


def _facility_key(facility: str) -> str:
    return " ".join(facility.split()).lower()


def apply_referrals(connection: Connection, box: dict, rows: list[dict], records: list[dict]) -> None:
    """Keep the sender's newest state of each referral; one whose facility has an enrolled box goes down to that
    box, once per facility it is addressed to."""
    facilities = _facility_boxes(connection, box["id"])
    ids = [row["local_id"] for row in rows]
    known = dict(
        connection.execute(
            select(tables.referral.c.local_id, tables.referral.c.to_box_id).where(
                tables.referral.c.box_id == box["id"], tables.referral.c.local_id.in_(ids)
            )
        ).all()
    )
    for row in rows:
        row["to_box_id"] = facilities.get(_facility_key(row["facility"]))
    # The receiving facility's word (arrived, treated, closed) is newer than the sender's "referred".
    newer = {
        "status": "CASE WHEN EXCLUDED.updated_at >= hub_referral.updated_at THEN EXCLUDED.status "
        "ELSE hub_referral.status END",
        "updated_at": "GREATEST(hub_referral.updated_at, EXCLUDED.updated_at)",
    }
    _upsert(connection, tables.referral, rows, ["box_id", "local_id"], newer)
    for row, record in zip(rows, records, strict=True):
        # New to the hub, or its facility named only now (set after the visit): the receiving box hears of it once.
        if row["to_box_id"] is not None and known.get(row["local_id"], -1) != row["to_box_id"]:
            payload = record["payload"]
            _queue(
                connection,
                row["to_box_id"],
                "referral",
                {
                    "from_box": box["name"],
                    "from_facility": box["facility"],
                    "referral_id": row["local_id"],
                    "woman_code": row["woman_code"],
                    "level": row["level"],
                    "status": row["status"],
                    "created_at": row["created_at"].isoformat(),
                    "sign_codes": str(payload.get("sign_codes") or "")[:400],  # codes, never the worker's words
                    **({"reason": payload["reason"]} if "reason" in payload else {}),
                },
            )


def apply_referral_status(connection: Connection, box: dict, payload: dict, at: datetime) -> None:
    """The receiving box marks a referral arrived, treated or closed: only the box it was addressed to may."""
    sender = connection.execute(
        select(tables.box.c.id).where(tables.box.c.name == str(payload.get("from_box", "")))
    ).scalar()
    status = str(payload.get("status", ""))
    try:
        local_id = int(payload["referral_id"])
    except (KeyError, TypeError, ValueError):
        return  # no referral id, or not a number
    if sender is None or status not in RECEIVER_STATUSES:
        return  # kept in the ledger; nothing to apply
    changed = connection.execute(
        tables.referral.update()
        .where(
            tables.referral.c.box_id == sender,
            tables.referral.c.local_id == local_id,
            tables.referral.c.to_box_id == box["id"],
            tables.referral.c.updated_at <= at,
        )
        .values(status=status, updated_at=at)
    ).rowcount
    if changed:
        _queue(
            connection,
            sender,
            "referral_status",
            {
                "referral_id": local_id,
                "status": status,
                "by_box": box["name"],
                "by_facility": box["facility"],
                # When the receiving facility said it: the sending box keeps this as its record's time, so its
                # echo of the word never outdates a later word from the receiving box that is still on its way.
                "at": at.isoformat(),
            },
        )


def revoke_key(connection: Connection, fingerprint: str) -> int:
    """Tell every approved box to stop trusting a technician's key. Returns how many boxes were told."""
    if not fingerprint.startswith("SHA256:"):
        raise SyncRefused("A key is named by its fingerprint, SHA256:...", code="bad_input")
    boxes = connection.execute(select(tables.box.c.id).where(tables.box.c.status == "approved")).scalars().all()
    for box_id in boxes:
        _queue(connection, box_id, "revoke_key", {"fingerprint": fingerprint})
    return len(boxes)


def _sealed_items(connection: Connection, box: dict, after: int, private, limit: int = PULL_ITEMS) -> dict:
    rows = connection.execute(
        select(tables.down.c.id, tables.down.c.kind, tables.down.c.payload)
        .where(tables.down.c.box_id == box["id"], tables.down.c.id > after)
        .order_by(tables.down.c.id)
        .limit(limit)
    )
    items = [{"id": row.id, "kind": row.kind, "payload": row.payload} for row in rows]
    acked = connection.execute(select(tables.box.c.acked_seq).where(tables.box.c.id == box["id"])).scalar()
    return seal({"type": "down", "box": box["name"], "acked_seq": acked, "items": items}, private)


def pull(connection: Connection, envelope: dict, private) -> dict:
    box, body = authenticate(connection, envelope)
    if body.get("type") != "pull":
        raise SyncRefused("Not a pull request.", code="sync_malformed")
    check_fresh(body.get("made_at"))
    after = int(body.get("after") or 0)
    connection.execute(
        tables.box.update()
        .where(tables.box.c.id == box["id"])
        .values(down_cursor=func.greatest(tables.box.c.down_cursor, after), last_seen_at=func.now())
    )
    return _sealed_items(connection, box, after, private)


def check_fresh(made_at: object, now: datetime | None = None) -> None:
    """Refuse a request made too long ago or in the future (a replay, or a box whose clock is wrong)."""
    now = now or datetime.now(UTC)
    try:
        made = datetime.fromisoformat(str(made_at))
        made = made if made.tzinfo else made.replace(tzinfo=UTC)
    except ValueError:
        raise SyncRefused("A pull names when it was made (made_at).", code="sync_malformed") from None
    if abs(made - now) > PULL_WINDOW:
        minutes = int(PULL_WINDOW.total_seconds() // 60)
        raise SyncRefused(
            f"This pull was made at {made.isoformat(timespec='seconds')}, the hub's clock says "
            f"{now.isoformat(timespec='seconds')}: more than {minutes} minutes apart, so it is refused as a "
            "possible replay. If the box's clock is wrong, set it (date -s) and sync again.",
            code="sync_stale_request",
        )


def down_pack(connection: Connection, box_name: str, private) -> dict:
    box = connection.execute(select(tables.box).where(tables.box.c.name == box_name)).mappings().first()
    if box is None or box["status"] != "approved":
        raise SyncRefused(f"No approved box named {box_name}.", code="box_unknown")
    return _sealed_items(connection, dict(box), box["down_cursor"], private, limit=PACK_ITEMS)
