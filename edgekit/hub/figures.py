"""The district's figures, per facility and month, read from the view hub_health_month (migration 0002).

WHO antenatal contacts on time: a woman's first visit inside one of the eight contact windows counts once, in the
month it happened. Danger signs: visits where triage found any. Referrals made in the month, and of those, how
many arrived (arrived, treated, closed at the receiving end) and how many were closed (treated or closed)."""

from __future__ import annotations

import threading
import time
from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

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
    """SELECT b.facility, b.name AS box, m.month, m.anc_on_time, m.danger_signs, m.referrals_made,
              m.referrals_arrived, m.referrals_closed
       FROM hub_health_month m JOIN hub_box b ON b.id = m.box_id
       WHERE m.month >= :since AND m.month < :until
       ORDER BY m.month DESC, b.facility, b.name"""
)


def health_by_facility_month(connection: Connection, since: date, until: date) -> list[dict]:
    """From the materialized view (migration 0002); FiguresFreshness keeps it fresh enough."""
    return [dict(row) for row in connection.execute(_HEALTH, {"since": since, "until": until}).mappings()]


class FiguresFreshness:
    """Refresh the view when records arrived since the last refresh and it is older than MAX_AGE_S: a district's
    figures may be a minute old; a page must never wait on a scan of every visit at every load."""

    def __init__(self, engine: Engine, max_age_s: float):
        self.engine = engine
        self.max_age_s = max_age_s
        self.refreshed_at = 0.0  # monotonic
        # The database's clock at the last refresh, less a minute: a batch whose transaction began just before
        # the refresh and committed after it is caught by the next one.
        self.data_as_of = None
        self.lock = threading.Lock()

    def ensure(self) -> None:
        if time.monotonic() - self.refreshed_at < self.max_age_s:
            return
        with self.lock:
            if time.monotonic() - self.refreshed_at < self.max_age_s:
                return
            started = time.monotonic()
            with self.engine.connect() as connection:
                now, last_seen = connection.execute(
                    text("SELECT now() - interval '1 minute', max(last_seen_at) FROM hub_box")
                ).one()
            if self.data_as_of is None or (last_seen is not None and last_seen >= self.data_as_of):
                refresh(self.engine)  # something arrived since: a quiet hub never rescans
                self.data_as_of = now
            self.refreshed_at = started


def refresh(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("REFRESH MATERIALIZED VIEW CONCURRENTLY hub_health_month")


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
