"""edgekit db upgrade: create the database or bring its schema to the newest migration."""

from __future__ import annotations

import typer

from edgekit.hookspecs import hookimpl

db_cli = typer.Typer(help="The box's database.", no_args_is_help=True)


@db_cli.command("upgrade")
def upgrade(ctx: typer.Context):
    """Create the database or apply pending migrations (safe to run again)."""
    from edgekit.store import create_db_engine, migrate

    settings = ctx.obj.settings
    engine = create_db_engine(settings)
    try:
        revision = migrate(engine)
    finally:
        engine.dispose()
    typer.echo(f"database {settings.db_path}: schema {revision}")


@hookimpl
def register_commands(cli):
    cli.add_typer(db_cli, name="db")
