"""The hub's settings, its PostgreSQL engine and its own Alembic migrations (apart from the box's chain)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from edgekit.errors import EdgekitError

MIGRATIONS = str(Path(__file__).parent / "migrations")
VERSION_TABLE = "alembic_version_hub"


def default_hub_home() -> Path:
    return Path.home() / ".local" / "share" / "edgekit-hub"


class HubSettings(BaseSettings):
    """Every field from the environment with the EDGEKIT_HUB_ prefix (EDGEKIT_HUB_DATABASE_URL ...)."""

    model_config = SettingsConfigDict(env_prefix="EDGEKIT_HUB_", extra="ignore")

    database_url: str = Field(
        default="", description="postgresql+psycopg://user@/dbname?host=/run/postgresql (SQLAlchemy URL)."
    )
    home: Path = Field(default_factory=default_hub_home, description="The hub's key and files.")
    # Loopback by default: the hub speaks plain HTTP (passwords, signed but unencrypted batches), so it is reached
    # through the HTTPS proxy in front of it (docs/hub.md); EDGEKIT_HUB_HOST=0.0.0.0 is a deliberate choice.
    host: str = "127.0.0.1"
    port: int = 8090
    pool_size: int = Field(default=5, ge=1)
    figures_max_age_s: float = Field(default=60, ge=0, description="How old the district's figures may be.")


def create_hub_engine(settings: HubSettings) -> Engine:
    if not settings.database_url:
        raise EdgekitError(
            "Set EDGEKIT_HUB_DATABASE_URL to the hub's PostgreSQL, e.g. postgresql+psycopg://edgekit@/edgekit_hub.",
            code="hub_database_not_set",
        )
    if not settings.database_url.startswith("postgresql"):
        raise EdgekitError(
            "The hub runs on PostgreSQL: EDGEKIT_HUB_DATABASE_URL must be postgresql+psycopg://...",
            code="hub_database_not_postgresql",
        )
    return create_engine(settings.database_url, pool_size=settings.pool_size, pool_pre_ping=True)


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    """The newest migration's revision (None only if the hub shipped with no migrations at all)."""
    return ScriptDirectory(MIGRATIONS).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def migrate(engine: Engine) -> str | None:
    try:
        if current_revision(engine) != head_revision():
            command.upgrade(_config(engine), "head")
        return current_revision(engine)
    except DBAPIError as exc:
        raise EdgekitError(
            f"The hub's database cannot be used: {str(exc).splitlines()[0]}", code="hub_database_error"
        ) from exc
