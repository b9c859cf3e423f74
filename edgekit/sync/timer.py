"""The sync as edgekit-sync.timer runs it, and when it last worked and runs next.

A timer fires every few minutes whatever the box's state, so what is normal is not a failure here: a box that
never enrolled has nothing to do, one backing off waits, and an unreachable hub (the usual case for a box offline)
only lengthens the back-off. Each is one line in the journal and exit 0, so `systemctl --failed` lists only
what a person must act on (a revoked box, a refused batch).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from edgekit.sync import state
from edgekit.sync.client import HubUnreachable

TIMER_UNIT = "edgekit-sync.timer"


def reason_to_skip(engine: Engine) -> str | None:
    """Why a timed sync has nothing to do now, or None when it should run."""
    with Session(engine) as session:
        if not state.get(session, state.HUB_URL):
            return "not enrolled with a hub (edgekit sync enrol): nothing to do"
        wait = state.get_int(session, state.NEXT_ATTEMPT) - time.time()
    if wait > 0:
        return f"the hub was unreachable; backing off, next try in {int(wait)} s"
    return None


def timed_sync(box, echo) -> None:
    """Push and pull as the timer does; an unreachable hub is reported, not raised."""
    skip = reason_to_skip(box.engine)
    if skip:
        echo(skip)
        return
    try:
        result = box.push()
        echo(f"sent {result.sent_batches} batches; hub holds up to {result.acked_seq}; received {result.received}")
        outcomes = box.receive_packs()
    except HubUnreachable as exc:
        echo(f"{exc.message} Tried again after the back-off.")
        return
    for outcome in outcomes:
        echo(f"pack {outcome.name}: {outcome.status} {outcome.code}".rstrip())


def _iso(seconds: int) -> str | None:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds") if seconds > 0 else None


def next_timer_run(systemctl: str | None = None) -> str | None:
    """When systemd runs the timer next (its own words, e.g. 'Thu 2026-12-03 23:45:00 UTC'), or None when there
    is no systemd or the timer is not installed (a developer's machine, a container)."""
    systemctl = systemctl or shutil.which("systemctl")
    if systemctl is None:
        return None
    try:
        run = subprocess.run(
            [systemctl, "show", TIMER_UNIT, "--property=LoadState,NextElapseUSecRealtime"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    values = dict(line.partition("=")[::2] for line in run.stdout.splitlines())
    if run.returncode != 0 or values.get("LoadState") != "loaded":
        return None
    return values.get("NextElapseUSecRealtime") or None


def sync_times(engine: Engine) -> dict:
    with Session(engine) as session:
        last = state.get_int(session, state.LAST_SYNC)
    return {"last_sync": _iso(last), "next_timer_run": next_timer_run()}


STALE_AFTER_S = 2 * 86400  # two days without a sync: worth a technician's look, not yet a fault


def doctor_check(engine: Engine, now: float | None = None):
    """`edgekit doctor`'s line on the hub: the last sync that worked, the next timer run, the last error."""
    from edgekit.doctor.check import Check

    now = time.time() if now is None else now
    try:
        with Session(engine) as session:
            hub = state.get(session, state.HUB_URL)
            last = state.get_int(session, state.LAST_SYNC)
            error = state.get(session, state.LAST_ERROR)
    except (DBAPIError, sqlite3.Error) as exc:  # not migrated yet, or damaged: the database line says which
        return Check("hub_sync", "warn", f"not known: {str(exc).splitlines()[0]}", "edgekit db upgrade")
    if not hub:
        return Check("hub_sync", "ok", "not enrolled with a district hub")
    next_run = next_timer_run()
    parts = [f"hub {hub}", f"last sync {_iso(last) or 'never'}", f"next timer run {next_run or 'unknown (no systemd)'}"]
    if last and now - last < STALE_AFTER_S:
        return Check("hub_sync", "ok", "; ".join(parts))
    if error:
        parts.append(f"last error: {error}")
    return Check("hub_sync", "warn", "; ".join(parts), "edgekit sync push --now (and edgekit sync status)")
