"""The district's figures, per facility and month, straight from the tables ingest keeps (indexed by month, box).

WHO antenatal contacts on time: a woman's first visit inside one of the eight contact windows counts once, in the
month it happened. Danger signs: visits where triage found any. Referrals made in the month, and of those, how
many arrived (arrived, treated, closed at the receiving end) and how many were closed (treated or closed)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Connection

HEALTH_COLUMNS = (
    "facility",
    "box",
    "month",
    "anc_on_time",
    "danger_signs",
    "referrals_made",
    "referrals_arrived",
    "referrals_closed",
)

_HEALTH = text(
    """
    WITH first_in_window AS (
        SELECT box_id, woman_code, anc_contact, min(visit_date) AS day
        FROM hub_visit WHERE anc_contact IS NOT NULL
        GROUP BY box_id, woman_code, anc_contact
    ), anc AS (
        SELECT box_id, date_trunc('month', day)::date AS month, count(*) AS n
        FROM first_in_window WHERE day >= :since AND day < :until GROUP BY 1, 2
    ), signs AS (
        SELECT box_id, month, count(*) FILTER (WHERE sign_codes <> '') AS n
        FROM hub_visit WHERE month >= :since AND month < :until GROUP BY 1, 2
    ), refs AS (
        SELECT box_id, month, count(*) AS made,
               count(*) FILTER (WHERE status IN ('arrived', 'treated', 'closed')) AS arrived,
               count(*) FILTER (WHERE status IN ('treated', 'closed')) AS closed
        FROM hub_referral WHERE month >= :since AND month < :until GROUP BY 1, 2
    ), keys AS (
        SELECT box_id, month FROM anc UNION SELECT box_id, month FROM signs UNION SELECT box_id, month FROM refs
    )
    SELECT b.facility, b.name AS box, k.month, coalesce(anc.n, 0) AS anc_on_time, coalesce(signs.n, 0) AS danger_signs,
           coalesce(refs.made, 0) AS referrals_made, coalesce(refs.arrived, 0) AS referrals_arrived,
           coalesce(refs.closed, 0) AS referrals_closed
    FROM keys k JOIN hub_box b ON b.id = k.box_id
    LEFT JOIN anc ON anc.box_id = k.box_id AND anc.month = k.month
    LEFT JOIN signs ON signs.box_id = k.box_id AND signs.month = k.month
    LEFT JOIN refs ON refs.box_id = k.box_id AND refs.month = k.month
    ORDER BY k.month DESC, b.facility, b.name
    """
)


def health_by_facility_month(connection: Connection, since: date, until: date) -> list[dict]:
    return [dict(row) for row in connection.execute(_HEALTH, {"since": since, "until": until}).mappings()]


def boxes(connection: Connection) -> list[dict]:
    rows = connection.execute(
        text(
            """SELECT b.name, b.facility, b.district, b.status, b.last_seen_at, b.acked_seq, d.payload, d.reported_at
               FROM hub_box b LEFT JOIN hub_device d ON d.box_id = b.id ORDER BY b.facility, b.name"""
        )
    ).mappings()
    found = []
    for row in rows:
        device = row["payload"] or {}
        found.append(
            {
                "name": row["name"],
                "facility": row["facility"],
                "status": row["status"],
                "last_seen_at": row["last_seen_at"],
                "acked_seq": row["acked_seq"],
                "version": device.get("version"),
                "disk_free_mb": device.get("disk_free_mb"),
                "battery_percent": device.get("battery_percent"),
                "power_profile": device.get("power_profile"),
                "errors": device.get("last_errors") or [],
            }
        )
    return found


def schools(connection: Connection) -> list[dict]:
    """Per school (box): pupils, and mastery per skill where the edu app reports it (edu.pupil, edu.mastery)."""
    rows = connection.execute(
        text(
            """SELECT b.facility, b.name AS box,
                      count(*) FILTER (WHERE o.kind = 'edu.pupil') AS pupils,
                      o2.skill, o2.mastery
               FROM hub_box b JOIN hub_other o ON o.box_id = b.id AND o.kind LIKE 'edu.%'
               LEFT JOIN LATERAL (
                   SELECT payload->>'skill' AS skill, avg((payload->>'mastery')::float) AS mastery
                   FROM hub_other WHERE box_id = b.id AND kind = 'edu.mastery' AND payload ? 'skill'
                   GROUP BY 1 ORDER BY 1 LIMIT 50
               ) o2 ON true
               GROUP BY b.facility, b.name, o2.skill, o2.mastery ORDER BY b.facility, o2.skill"""
        )
    ).mappings()
    return [dict(row) for row in rows]
