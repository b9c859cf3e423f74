"""edgekit apps list | enable | disable | check | new"""

from __future__ import annotations

from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.errors import EdgekitError
from edgekit.hookspecs import hookimpl

apps_cli = typer.Typer(
    help="Assistant apps: what is installed, on and off, checks, and a new app.", no_args_is_help=True
)


@apps_cli.command("list")
def list_apps(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Installed apps: loaded, switched off, or failed with the reason."""
    records = [record.as_dict() for record in ctx.obj.plugins.apps.values()]
    if as_json:
        print_json(records)
        return
    if not records:
        typer.echo("No apps installed. Make one with: edgekit apps new NAME")
    colors = {"loaded": "green", "disabled": "yellow", "failed": "red"}
    for record in records:
        typer.secho(
            f"{record['id']:<16} {record['status']:<9} {record['name'] or ''} {record['version'] or ''}",
            fg=colors[record["status"]],
        )
        if record["reason"]:
            typer.echo(f"{'':<16} {record['reason']}")


def _set(ctx: typer.Context, app_id: str, enabled: bool) -> None:
    from edgekit.apps import set_enabled

    if app_id not in ctx.obj.plugins.apps:
        known = ", ".join(ctx.obj.plugins.apps) or "none"
        raise EdgekitError(f"No app '{app_id}' is installed (installed: {known}).", code="unknown_app")
    set_enabled(ctx.obj.settings.home, app_id, enabled)
    typer.echo(f"{app_id}: {'enabled' if enabled else 'disabled'} (restart the server to apply)")


@apps_cli.command("enable")
def enable(ctx: typer.Context, app_id: str = typer.Argument(..., metavar="ID")):
    """Switch an app on."""
    _set(ctx, app_id, True)


@apps_cli.command("disable")
def disable(ctx: typer.Context, app_id: str = typer.Argument(..., metavar="ID")):
    """Switch an app off: the box serves the others and keeps its data."""
    _set(ctx, app_id, False)


@apps_cli.command("check")
def check(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="An installed app id, or the path of an app's package folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Validate an app: manifest, edgekit version, declared models, knowledge documents, tests."""
    from edgekit.apps import check_app, load_manifest

    kit = ctx.obj
    record = kit.plugins.apps.get(target)
    if record is not None and record.manifest is not None:
        manifest = record.manifest
    elif Path(target).is_dir():
        manifest = load_manifest(Path(target).resolve())
    else:
        raise EdgekitError(f"'{target}' is neither an installed app nor an app's package folder.", code="unknown_app")
    checks = check_app(manifest, kit.catalog.ids())
    if as_json:
        print_json([c.__dict__ for c in checks])
    else:
        for c in checks:
            typer.secho(f"[{'ok  ' if c.ok else 'FAIL'}] {c.name}: {c.detail}", fg="green" if c.ok else "red")
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


@apps_cli.command("new")
def new(
    name: str = typer.Argument(..., help="The app id: lower-case letters, digits, '_'."),
    apps_dir: Path = typer.Option(Path("apps"), "--dir", help="Where to create it."),
):
    """Scaffold a working app that installs and passes its own tests with no edits."""
    from edgekit.scaffold import scaffold_app

    target = scaffold_app(name, apps_dir)
    typer.echo(f"created {target}")
    typer.echo(f"install it:  .venv/bin/pip install -e {target}")
    typer.echo(f"test it:     .venv/bin/pytest {target / 'tests'}")


@hookimpl
def register_commands(cli):
    cli.add_typer(apps_cli, name="apps")
