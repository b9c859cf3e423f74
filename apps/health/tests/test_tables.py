"""The app's migrations build exactly the tables its code declares, in the app's own version table."""

import edgekit_health.tables  # noqa: F401  (declares the tables on the metadata)
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from edgekit import testing


def test_the_migrations_match_the_tables(kit):
    def health_only(_object, name, type_, _reflected, _compare_to):
        table = name if type_ == "table" else getattr(getattr(_object, "table", None), "name", "")
        return bool(table) and table.startswith("health_")

    with kit.db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": health_only})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert testing.app_revision(kit, "health") == "health_0001"
