"""The hub's schema on a real PostgreSQL: its own Alembic chain, idempotent, and `edgekit hub db upgrade`."""

from __future__ import annotations

import sqlalchemy as sa
from typer.testing import CliRunner

from edgekit.hub.db import current_revision, head_revision, migrate


def test_migrations_create_the_tables_once(hub_engine):
    assert current_revision(hub_engine) == head_revision()
    assert migrate(hub_engine) == head_revision()  # a second run changes nothing
    tables = set(sa.inspect(hub_engine).get_table_names())
    assert {"hub_box", "hub_record", "hub_woman", "hub_visit", "hub_referral", "hub_down", "hub_user"} <= tables
    assert "alembic_version_hub" in tables and "alembic_version" not in tables  # apart from the box's chain


def test_cli_upgrades_the_database_named_by_the_environment(hub_settings):
    from edgekit.cli.main import app

    result = CliRunner().invoke(app, ["hub", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"schema {head_revision()}" in result.output


def test_cli_refuses_without_a_database_url(monkeypatch):
    from edgekit.cli.main import app

    monkeypatch.delenv("EDGEKIT_HUB_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["hub", "db", "upgrade"])
    assert result.exit_code == 1
    assert "hub_database_not_set" in result.output


def test_the_hub_migrations_match_its_tables(hub_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from edgekit.hub.db import VERSION_TABLE
    from edgekit.hub.tables import metadata

    with hub_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
        views = connection.exec_driver_sql("SELECT matviewname FROM pg_matviews").scalars().all()
    assert views == ["hub_health_month"]


def test_the_migrations_go_down_and_up_again(hub_engine):
    from alembic import command

    from edgekit.hub.db import _config

    packs = {"hub_pack", "hub_pack_target"}
    assert packs <= set(sa.inspect(hub_engine).get_table_names())
    command.downgrade(_config(hub_engine), "0002")  # the packs that travel down, taken out again
    assert current_revision(hub_engine) == "0002"
    assert not packs & set(sa.inspect(hub_engine).get_table_names())
    command.downgrade(_config(hub_engine), "base")
    assert set(sa.inspect(hub_engine).get_table_names()) == {"alembic_version_hub"}
    assert migrate(hub_engine) == head_revision()
    assert packs <= set(sa.inspect(hub_engine).get_table_names())
