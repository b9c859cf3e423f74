"""edgekit backup --to DIR | restore --from DIR: the database and configuration, checked both ways."""

from __future__ import annotations

from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.cli.progress import progress_bars
from edgekit.hookspecs import hookimpl


def backup_command(
    ctx: typer.Context,
    to: Path = typer.Option(..., "--to", help="A new or empty folder (on a USB stick, say)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was backed up as JSON."),
):
    """Back up the database and configuration (the server may keep running).

    Models are listed, not copied: install them again from packs or PyPI."""
    from edgekit.backup.create import backup

    with progress_bars(enabled=not as_json) as progress:
        result = backup(ctx.obj, to, progress)
    if as_json:
        print_json(result.as_dict())
        return
    info = result.as_dict()
    typer.echo(f"backed up {len(info['files'])} files ({info['bytes'] / 1e6:.1f} MB) to {to}, checked")
    if info["models"]:
        typer.echo(f"models listed, not copied: {', '.join(info['models'])}")


def restore_command(
    ctx: typer.Context,
    source: Path = typer.Option(..., "--from", help="A folder written by edgekit backup."),
    as_json: bool = typer.Option(False, "--json", help="Print what was restored as JSON."),
):
    """Restore a backup (stop the server first).

    The backup is checked before anything changes; the current database is kept as edgekit.db.before-restore."""
    from edgekit.backup.restore import restore

    kit = ctx.obj
    kit.close()  # this command's own engine must not hold the database that is about to be replaced
    with progress_bars(enabled=not as_json) as progress:
        result = restore(kit.settings, source, progress)
    if as_json:
        print_json(result.as_dict())
        return
    typer.echo(f"restored {', '.join(result.restored)} from {source} (schema {result.schema_revision})")
    if result.kept:
        typer.echo(f"kept the previous copies: {', '.join(result.kept)}")
    if result.models_missing:
        typer.secho(
            f"models the backed-up box had that this one lacks: {', '.join(result.models_missing)} "
            f"(install them: edgekit packs import, or edgekit models pull ID)",
            fg="yellow",
        )


@hookimpl
def register_commands(cli):
    cli.command("backup")(backup_command)
    cli.command("restore")(restore_command)
