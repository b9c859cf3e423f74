"""Alembic environment for the hub: the engine comes from edgekit.hub.db, never from an ini file."""

from alembic import context

from edgekit.hub.db import VERSION_TABLE
from edgekit.hub.tables import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()
