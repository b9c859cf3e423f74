"""edgekit db upgrade: create the database or bring its schema to the newest migration."""

from __future__ import annotations

import typer

from edgekit.hookspecs import hookimpl

db_cli = typer.Typer(help="The box's database.", no_args_is_help=True)


@db_cli.command("upgrade")
def upgrade(ctx: typer.Context):
    """Create the database or apply pending migrations (safe to run again)."""
    from edgekit.store.app_schema import app_revision
    from edgekit.store.db import current_revision

    kit = ctx.obj
    engine = kit.db  # migrates the core's tables, then each loaded app's
    apps = [
        (app_id, app_revision(engine, app_id))
        for app_id, record in sorted(kit.plugins.apps.items())
        if record.manifest is not None and record.manifest.migrations
    ]
    typer.echo(f"database {kit.settings.db_path}: schema {current_revision(engine)}")
    for app_id, revision in apps:
        typer.echo(f"  app {app_id}: schema {revision}")


@hookimpl
def register_commands(cli):
    cli.add_typer(db_cli, name="db")
