"""Keeping what power work cost, and the battery log, in the database; and flushing it before a power cut."""

from __future__ import annotations

from typing import TYPE_CHECKING

from edgekit.power.energy import EnergyUse
from edgekit.power.sources import PowerReading

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as DbEngine

SPEECH_IN, SPEECH_OUT = "speech_in", "speech_out"


def record_energy(db: DbEngine, kind: str, energy: EnergyUse, app: str | None = None) -> None:
    """Speech heard or spoken: model work that is not an answer of its own."""
    from edgekit.store import session_for
    from edgekit.store.tables import EnergyUse as EnergyRow

    with session_for(db) as session:
        session.add(
            EnergyRow(
                kind=kind,
                app=app,
                energy_j=energy.joules,
                energy_method=energy.method,
                power_profile=energy.profile,
                cpu_s=energy.cpu_s,
                wall_s=energy.wall_s,
            )
        )
        session.commit()


def record_sample(db: DbEngine, reading: PowerReading, profile: str) -> None:
    from edgekit.store import session_for
    from edgekit.store.tables import PowerSample

    with session_for(db) as session:
        session.add(
            PowerSample(
                battery_percent=reading.battery_percent,
                charging=reading.charging,
                draw_w=reading.draw_w,
                profile=profile,
            )
        )
        session.commit()


def checkpoint(db: DbEngine) -> tuple[int, int, int]:
    """Copy the write-ahead log into the database file and empty it, so a cut after this loses nothing and the
    next start has no log to replay: (busy, log pages, pages copied)."""
    with db.connect() as connection:
        row = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return int(row[0]), int(row[1]), int(row[2])


def measured(kit, kind: str, app: str | None, work):
    """Run `work` (speech heard or spoken) and keep what it cost; a failure to keep it never fails the work."""
    import logging

    meter = kit.power.meter()
    result = work()
    try:
        record_energy(kit.db, kind, meter.stop(), app)
    except Exception:  # the person gets their speech even if the record cannot be written (a full disk)
        logging.getLogger("edgekit.power").exception("keeping the energy of %s failed", kind)
    return result
