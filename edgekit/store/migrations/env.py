"""Alembic environment: the engine comes from edgekit.store.db, never from an ini file."""

from alembic import context
from sqlmodel import SQLModel

from edgekit.store import tables  # registers the tables on the metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        include_object=tables.compared_by_alembic,
    )
    with context.begin_transaction():
        context.run_migrations()
