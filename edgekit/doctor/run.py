"""Health checks for a technician: each says what it found and, when it fails, the command that fixes it."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import psutil

from edgekit.doctor.check import Check
from edgekit.doctor.host import host_checks
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.models.store import install_command
from edgekit.progress import StartTask, no_progress

MIN_FREE_MB = 500
LOW_FREE_MB = 2000
MIN_RAM_MB = 900
DAY_S = 24 * 3600


def check_python() -> Check:
    version = platform.python_version()
    if sys.version_info >= (3, 11):  # noqa: UP036  (a box may run edgekit from an older interpreter's venv copy)
        return Check("python", "ok", f"Python {version}")
    return Check("python", "fail", f"Python {version}; edgekit needs 3.11 or newer", "install python3.11")


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_data_dir(home: Path) -> Check:
    existing = _nearest_existing(home)
    free_mb = shutil.disk_usage(existing).free / 1e6
    writable = os.access(existing, os.W_OK)
    where = f"{home} ({free_mb:,.0f} MB free)"
    if not writable:
        return Check("data_dir", "fail", f"{where} is not writable", f"chown -R $(whoami) {existing}")
    if free_mb < MIN_FREE_MB:
        return Check("data_dir", "fail", f"{where}: too little space", "edgekit models remove ID")
    if free_mb < LOW_FREE_MB:
        return Check("data_dir", "warn", f"{where}: space is getting low", "edgekit models remove ID")
    return Check("data_dir", "ok", where)


def check_memory() -> Check:
    memory = psutil.virtual_memory()
    detail = f"{memory.total / 1e6:,.0f} MB total, {memory.available / 1e6:,.0f} MB available"
    if memory.total / 1e6 < MIN_RAM_MB:
        return Check("memory", "warn", detail + "; the default models want about 1 GB")
    return Check("memory", "ok", detail)


def check_models(kit: Kit, progress: StartTask) -> list[Check]:
    from edgekit.settings import chat_model_choice

    checks = [Check("chat_model", "ok", chat_model_choice(kit.settings))]
    for spec in kit.catalog.box_defaults(kit.settings.chat_model):
        name = f"model:{spec.id}"
        if kit.models.installed_spec(spec.id) is None:
            if spec.pullable:
                checks.append(Check(name, "fail", "not installed", f"edgekit models pull {spec.id}"))
            else:
                checks.append(
                    Check(
                        name,
                        "warn",
                        f"not built yet (recipe '{spec.source.recipe}')",
                        f"edgekit models build {spec.id}",
                    )
                )
            continue
        result = kit.models.verify(spec.id, progress)
        if result.ok:
            checks.append(Check(name, "ok", "installed, sha256 verified"))
        else:
            bad = ", ".join(f"{f.path}: {f.status}" for f in result.files if f.status != "ok")
            checks.append(Check(name, "fail", bad, install_command(spec, spec.id, force=True)))
    return checks


def check_database(kit: Kit) -> Check:
    from edgekit.store import create_db_engine, database_status

    if not kit.settings.db_path.exists():
        return Check("database", "fail", f"{kit.settings.db_path} does not exist yet", "edgekit db upgrade")
    engine = create_db_engine(kit.settings)
    try:
        status = database_status(engine)
    finally:
        engine.dispose()
    if status["ok"]:
        return Check(
            "database", "ok", f"{kit.settings.db_path}: schema {status['revision']}, {status['journal_mode']} journal"
        )
    return Check("database", "fail", f"{kit.settings.db_path}: {status['detail']}", "edgekit db upgrade")


def check_engine_crashes(home: Path, now: float | None = None) -> Check:
    """Worker crashes the server recorded: a model backing off fails, a crash in the last day warns."""
    import time

    from edgekit.workers.crashes import read_crashes

    now = time.time() if now is None else now
    crashes = read_crashes(home, now)
    if not crashes:
        return Check("engines", "ok", "no engine worker has crashed")
    worst = max(crashes, key=lambda c: (c["backoff_s"], c["last_at"]))
    detail = "; ".join(
        f"{c['id']}: {c['crashes_recent']} recent crashes ({c['crashes_total']} in all), last {c['last_at']} "
        f"{c['last_reason']}" + (f", loads refused for {c['backoff_s']} s" if c["backoff_s"] else "")
        for c in crashes
    )
    fix = f"edgekit models verify {worst['id']}; the worker's last words are in: edgekit logs --errors"
    if worst["backoff_s"]:
        return Check("engines", "fail", detail, fix)
    from datetime import datetime

    if now - datetime.fromisoformat(worst["last_at"]).timestamp() < DAY_S:
        return Check("engines", "warn", detail, fix)
    return Check("engines", "ok", detail)


def check_hub_sync(kit: Kit) -> Check:
    """Read only, like the database line: kit.db would migrate (or create) the database as a side effect."""
    from edgekit.store import create_db_engine
    from edgekit.sync.timer import doctor_check

    if not kit.settings.db_path.exists():
        return Check("hub_sync", "ok", "not enrolled with a district hub (no database yet)")
    engine = create_db_engine(kit.settings)
    try:
        return doctor_check(engine)
    finally:
        engine.dispose()


def run_checks(kit: Kit, progress: StartTask = no_progress) -> list[Check]:
    steps: list[Callable[[], list[Check] | Check]] = [
        check_python,
        lambda: check_data_dir(kit.settings.home),
        check_memory,
        lambda: host_checks(kit.settings),
        lambda: check_models(kit, progress),
        lambda: check_database(kit),
        lambda: check_engine_crashes(kit.settings.home),
        lambda: check_hub_sync(kit),
    ]
    checks: list[Check] = []
    for step in steps:
        try:
            found = step()
        except EdgekitError as exc:
            found = Check("error", "fail", exc.message)
        checks.extend(found if isinstance(found, list) else [found])
    return checks
