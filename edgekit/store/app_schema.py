"""An app's own tables, migrated by the app's own Alembic revisions.

Each app keeps its revisions in a folder named by its manifest (`migrations = "migrations"`) and its place in
its own version table, `alembic_version_<app id>`. So an app can be added, switched off or removed without the
core's migrations knowing of it, and a database that an app once touched still opens when the app is gone: its
tables simply stay, unread. Table names start with the app id (`health_visit`), as the manifest promises.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from edgekit.store.db import _database_error

ENVIRONMENT = str(Path(__file__).parent / "app_migrations")


def version_table(app_id: str) -> str:
    return f"alembic_version_{app_id}"


def _config(engine: Engine, app_id: str, revisions: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", ENVIRONMENT)
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(revisions))
    config.attributes["engine"] = engine
    config.attributes["version_table"] = version_table(app_id)
    return config


def app_head(app_id: str, revisions: Path, engine: Engine | None = None) -> str | None:
    return ScriptDirectory.from_config(_config(engine, app_id, revisions)).get_current_head()


def app_revision(engine: Engine, app_id: str) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(
            connection, opts={"version_table": version_table(app_id)}
        ).get_current_revision()


def migrate_app(engine: Engine, app_id: str, revisions: Path) -> str | None:
    """Bring one app's tables to its newest revision; a no-op when they are there. Returns the revision."""
    try:
        if app_revision(engine, app_id) != app_head(app_id, revisions, engine):
            command.upgrade(_config(engine, app_id, revisions), "head")
        return app_revision(engine, app_id)
    except (DBAPIError, sqlite3.Error) as exc:
        raise _database_error(engine, exc) from exc
