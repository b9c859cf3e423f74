"""Alembic environment for an app's own tables: the engine, the app's version table and its revisions folder
come from edgekit.store.app_schema, never from an ini file."""

from alembic import context

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        version_table=config.attributes["version_table"],
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
