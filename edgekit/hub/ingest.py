"""Ingest: one signed batch, in one transaction, each record exactly once.

The ledger (hub_record) takes each (box, seq) once: INSERT ... ON CONFLICT DO NOTHING tells which records are new,
and only those are applied to the tables the pages read, each keeping its newest state by sequence number. The box's
row is locked first, so two copies of a batch arriving together (network and USB) queue one behind the other. A
hub killed half way rolls the whole batch back; the box sends it again and it lands once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError

from edgekit.hub import tables
from edgekit.hub.enrol import authenticate
from edgekit.hub.upsert import as_json, insert_rows_sql
from edgekit.hub.upsert import upsert as _upsert
from edgekit.sync.envelope import SyncRefused

MAX_RECORDS = 5000
# WHO 2016: eight antenatal contacts, at 12, 20, 26, 30, 34, 36, 38 and 40 weeks; a visit up to a week after a
# contact's date still counts for it, and the windows follow on from each other (as apps/health's schedule).
ANC_WEEKS = (12, 20, 26, 30, 34, 36, 38, 40)
ANC_GRACE_DAYS = 7


@dataclass
class Ingested:
    box: str
    received: int
    new: int
    acked_seq: int


def anc_contact(gestational_days: int | None) -> int | None:
    if gestational_days is None or gestational_days < 0:
        return None
    return next((n for n, week in enumerate(ANC_WEEKS, 1) if gestational_days <= week * 7 + ANC_GRACE_DAYS), None)


def ingest(connection: Connection, envelope: dict) -> Ingested:
    """Check and keep one batch; the caller's transaction commits it, or nothing of it."""
    box, body = authenticate(connection, envelope)
    records = _checked_records(body)
    connection.execute(select(tables.box.c.id).where(tables.box.c.id == box["id"]).with_for_update())
    new = []
    if records:
        rows = [
            {
                "box_id": box["id"],
                "seq": r["seq"],
                "kind": r["kind"],
                "record_key": r["key"],
                "payload": r["payload"],
                "recorded_at": r["at"],
            }
            for r in records
        ]
        ledger = insert_rows_sql(tables.record, tuple(rows[0])) + " ON CONFLICT DO NOTHING RETURNING seq"
        inserted = set(connection.execute(text(ledger), {"rows": as_json(rows)}).scalars())
        _refuse_reused(connection, box, [r for r in records if r["seq"] not in inserted])
        new = [r for r in records if r["seq"] in inserted]
        try:
            _apply(connection, box, new)
        except (ValueError, TypeError, AttributeError, DataError) as exc:
            # One record the tables cannot take (a date that is not one, a number too large): the batch is
            # refused whole and rolled back, so the box's next try brings it again once it is fixed.
            raise SyncRefused(
                f"A record in the batch cannot be kept: {str(exc).splitlines()[0][:200]}", code="sync_malformed"
            ) from None
    acked = _advance_ack(connection, box["id"], box["acked_seq"])
    connection.execute(
        update(tables.box)
        .where(tables.box.c.id == box["id"])
        .values(
            acked_seq=acked,
            last_seen_at=func.now(),
            down_cursor=func.greatest(tables.box.c.down_cursor, int(body.get("down_cursor") or 0)),
        )
    )
    return Ingested(box["name"], len(records), len(new), acked)


class SeqReused(SyncRefused):
    code = "sync_seq_reused"
    http_status = 409

    def __init__(self, message: str, details: dict):
        super().__init__(message)
        self.details = details


# The ledger's own copies compared with the repeated records in the server (JSONB equality: key order and number
# spelling aside, the same content), so a stick imported twice ships no payloads back to Python.
REUSED_SQL = (
    "SELECT x.seq FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(seq bigint, kind text, record_key text, "
    "payload jsonb) JOIN hub_record r ON r.box_id = :box_id AND r.seq = x.seq "
    "WHERE r.kind <> x.kind OR r.record_key <> x.record_key OR r.payload <> x.payload ORDER BY x.seq"
)


def _refuse_reused(connection: Connection, box: dict, repeated: list[dict]) -> None:
    """Records the ledger already holds under these numbers: the same content is a harmless second copy; other
    content means the box gave a number twice (restored from an older backup), and keeping either silently would
    lose a record. Refused whole, with where the box must renumber from and to."""
    if not repeated:
        return
    rows = [{"seq": r["seq"], "kind": r["kind"], "record_key": r["key"], "payload": r["payload"]} for r in repeated]
    reused = list(connection.execute(text(REUSED_SQL), {"rows": as_json(rows), "box_id": box["id"]}).scalars())
    if not reused:
        return
    highest = connection.execute(select(func.max(tables.record.c.seq)).where(tables.record.c.box_id == box["id"]))
    hub_max = int(highest.scalar() or 0)
    raise SeqReused(
        f"The box {box['name']} sent record number {reused[0]} with other content than the hub already holds under "
        f"that number ({len(reused)} such in this batch): the box was probably restored from an older backup. "
        f"Nothing of this batch was kept. The box renumbers its new records after {hub_max} on its next push.",
        {"first_reused_seq": reused[0], "hub_max_seq": hub_max},
    )


def _checked_records(body: dict) -> list[dict]:
    records = body.get("records")
    if body.get("type") != "batch" or not isinstance(records, list) or len(records) > MAX_RECORDS:
        raise SyncRefused(f"A batch holds a list of up to {MAX_RECORDS} records.", code="sync_malformed")
    checked = []
    for r in records:
        try:
            ok = (
                isinstance(r["seq"], int)
                and r["seq"] > 0
                and isinstance(r["kind"], str)
                and 0 < len(r["kind"]) <= 48
                and isinstance(r["key"], str)
                and 0 < len(r["key"]) <= 100
                and isinstance(r["payload"], dict)
            )
            at = datetime.fromisoformat(r["at"])
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise SyncRefused("A record in the batch is malformed: refused whole.", code="sync_malformed")
        checked.append(r | {"at": at})
    if len({r["seq"] for r in checked}) != len(checked):
        raise SyncRefused("A batch names one sequence number twice: refused whole.", code="sync_malformed")
    return checked


def _advance_ack(connection: Connection, box_id: int, acked: int) -> int:
    """The highest sequence number up to which every record is held (records may arrive out of order by USB)."""
    while True:
        seqs = connection.execute(
            select(tables.record.c.seq)
            .where(tables.record.c.box_id == box_id, tables.record.c.seq > acked)
            .order_by(tables.record.c.seq)
            .limit(5000)
        ).scalars()
        moved = False
        for seq in seqs:
            if seq != acked + 1:
                return acked
            acked, moved = seq, True
        if not moved:
            return acked


# --- applying new records to the tables the pages read ---------------------------------------------------------


def _newest(records: list[dict]) -> list[dict]:
    """One record per key, the newest: a multi-row upsert must not touch one row twice."""
    by_key: dict[tuple, dict] = {}
    for r in records:
        key = (r["kind"], r["key"])
        if key not in by_key or by_key[key]["seq"] < r["seq"]:
            by_key[key] = r
    return sorted(by_key.values(), key=lambda r: r["seq"])


def _day(value) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _moment(value, fallback: datetime) -> datetime:
    try:
        return datetime.fromisoformat(value) if value else fallback
    except (TypeError, ValueError):
        return fallback


def _apply(connection: Connection, box: dict, records: list[dict]) -> None:
    from edgekit.hub import downlink

    groups: dict[str, list[dict]] = {}
    for r in _newest(records):
        groups.setdefault(r["kind"], []).append(r)
    box_id = box["id"]
    _upsert(
        connection, tables.woman, [_woman_row(box_id, r) for r in groups.pop("health.woman", [])], ["box_id", "code"]
    )
    _upsert(
        connection,
        tables.visit,
        [_visit_row(box_id, r) for r in groups.pop("health.visit", [])],
        ["box_id", "local_id"],
    )
    referrals = groups.pop("health.referral", [])
    if referrals:
        downlink.apply_referrals(connection, box, [_referral_row(box_id, r) for r in referrals], referrals)
    for r in groups.pop("sync.referral_status", []):
        downlink.apply_referral_status(connection, box, r["payload"], r["at"])
    devices = groups.pop("device.health", [])
    if devices:
        r = devices[-1]
        _upsert(
            connection,
            tables.device,
            [{"box_id": box_id, "payload": r["payload"], "reported_at": r["at"], "seq": r["seq"]}],
            ["box_id"],
        )
    others = [r for rows in groups.values() for r in rows]
    _upsert(
        connection,
        tables.other,
        [
            {"box_id": box_id, "kind": r["kind"], "record_key": r["key"], "payload": r["payload"], "seq": r["seq"]}
            for r in others
        ],
        ["box_id", "kind", "record_key"],
    )


def _woman_row(box_id: int, r: dict) -> dict:
    p = r["payload"]
    return {
        "box_id": box_id,
        "code": str(p.get("code") or r["key"])[:32],
        "village": str(p.get("village") or "")[:100],
        "lmp": _day(p.get("lmp")),
        "edd": _day(p.get("edd")),
        "status": str(p.get("status") or "")[:16],
        "delivered_on": _day(p.get("delivered_on")),
        "phone": p.get("phone"),
        "seq": r["seq"],
    }


def _visit_row(box_id: int, r: dict) -> dict:
    p = r["payload"]
    day = _day(p.get("visit_date")) or r["at"].date()
    return {
        "box_id": box_id,
        "local_id": int(p.get("id") or r["key"]),
        "woman_code": str(p.get("woman_code") or "")[:32],
        "visit_date": day,
        "month": day.replace(day=1),
        "gestational_days": p.get("gestational_days"),
        "anc_contact": anc_contact(p.get("gestational_days")),
        "systolic": p.get("systolic"),
        "diastolic": p.get("diastolic"),
        "weight_kg": p.get("weight_kg"),
        "temperature_c": p.get("temperature_c"),
        "sign_codes": str(p.get("sign_codes") or "")[:400],
        "level": str(p.get("level") or "routine")[:16],
        "notes": p.get("notes"),
        "seq": r["seq"],
    }


def _referral_row(box_id: int, r: dict) -> dict:
    p = r["payload"]
    created = _moment(p.get("created_at"), r["at"])
    return {
        "box_id": box_id,
        "local_id": int(p.get("id") or r["key"]),
        "woman_code": str(p.get("woman_code") or "")[:32],
        "level": str(p.get("level") or "")[:16],
        "status": str(p.get("status") or "referred")[:16],
        "facility": str(p.get("facility") or "")[:100],
        "month": created.date().replace(day=1),
        "created_at": created,
        "updated_at": _moment(p.get("updated_at"), r["at"]),
        "seq": r["seq"],
    }
