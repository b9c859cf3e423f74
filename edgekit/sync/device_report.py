"""Device health and usage counters for the hub: versions, disk, battery, power profile, last errors, and how
many answers each app gave. Counts only: never a question or an answer."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from edgekit import __version__
from edgekit.store.tables import Exchange, PowerSample
from edgekit.sync.outbox import add_to_outbox

MB = 1024 * 1024
ERROR_LINES = 5
ERROR_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a stable snake_case code, as EdgekitError carries


def device_payload(session: Session, home: Path, apps: dict[str, str] | None = None) -> dict:
    disk = shutil.disk_usage(home)
    battery = session.exec(select(PowerSample).order_by(col(PowerSample.id).desc()).limit(1)).first()
    answers = dict(session.exec(select(Exchange.app, func.count()).group_by(Exchange.app)).all())
    return {
        "version": __version__,
        "apps": apps or {},
        "disk_free_mb": round(disk.free / MB),
        "disk_total_mb": round(disk.total / MB),
        "battery_percent": battery.battery_percent if battery else None,
        "charging": battery.charging if battery else None,
        "power_profile": battery.profile if battery else None,
        "answers_by_app": {app or "core": count for app, count in answers.items()},
        "last_errors": last_errors(home),
    }


def last_errors(home: Path) -> list[str]:
    """The newest ERROR lines of the server's log: when, which part, and the first error code in the message
    (engine_crashed, disk_full ...). Never the message itself: it may quote a question someone asked."""
    log = home / "logs" / "edgekit.log"
    try:
        with log.open("rb") as stream:
            stream.seek(max(0, log.stat().st_size - 64 * 1024))
            lines = stream.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []
    return [_summary(line) for line in lines if " ERROR " in line][-ERROR_LINES:]


def _summary(line: str) -> str:
    head, _, message = line.partition(": ")
    code = ERROR_CODE.search(message)
    return f"{head[:120]}{': ' + code.group(0) if code else ''}"


def queue_device_report(session: Session, home: Path, apps: dict[str, str] | None = None) -> None:
    add_to_outbox(session, "device.health", "device", device_payload(session, home, apps))
    session.commit()
