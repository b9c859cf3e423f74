"""Local storage: SQLite through SQLModel, one file in $EDGEKIT_HOME, schema kept by Alembic migrations."""

from edgekit.store.db import create_db_engine, database_status, migrate, session_for

__all__ = ["create_db_engine", "database_status", "migrate", "session_for"]
