"""The SQLite engine and its migrations.

WAL lets the web server read while a write is in flight; synchronous=FULL makes an acknowledged write survive a
power cut, which on a solar box is a daily event, not an accident.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from edgekit.errors import DataDirError, EdgekitError
from edgekit.settings import Settings

MIGRATIONS = str(Path(__file__).parent / "migrations")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_db_engine(settings: Settings) -> Engine:
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError.unwritable(settings.home, exc.strerror or str(exc)) from exc
    engine = create_engine(settings.db_url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    return ScriptDirectory(MIGRATIONS).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; a no-op when it is there already. Returns the revision."""
    try:
        if current_revision(engine) != head_revision():
            command.upgrade(_alembic_config(engine), "head")
        return current_revision(engine)
    except (DBAPIError, sqlite3.Error) as exc:
        raise _database_error(engine, exc) from exc


def _database_error(engine: Engine, exc: Exception) -> EdgekitError:
    path = Path(engine.url.database or "")
    text = str(exc)
    if "readonly" in text or "unable to open" in text:
        return DataDirError.unwritable(path, "the database cannot be written")
    if "disk is full" in text or "database or disk is full" in text:
        return DataDirError(f"The disk holding {path} is full. Free some space and try again.", code="disk_full")
    return EdgekitError(f"The database {path} cannot be used: {text.splitlines()[0]}", code="database_error")


def database_status(engine: Engine) -> dict[str, str | bool | None]:
    """What doctor reports: is the file sound and at the newest schema."""
    try:
        with engine.connect() as connection:
            integrity = connection.exec_driver_sql("PRAGMA quick_check").scalar()
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        current = current_revision(engine)
    except (DBAPIError, sqlite3.Error) as exc:
        return {"ok": False, "detail": str(exc).splitlines()[0], "revision": None}
    head = head_revision()
    ok = integrity == "ok" and current == head
    detail = "ok" if ok else (f"integrity: {integrity}" if integrity != "ok" else f"schema {current} is not {head}")
    return {"ok": ok, "detail": detail, "revision": current, "head": head, "journal_mode": journal}


def session_for(engine: Engine) -> Session:
    return Session(engine)
