"""The `edgekit` command. Thin: each command parses, calls the core, prints. Commands arrive through the
register_commands hook, the core's own included. One handler turns an EdgekitError into a red line and exit 1."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import typer
from typer.core import TyperGroup

from edgekit import __version__
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.settings import load_settings


class EdgekitGroup(TyperGroup):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EdgekitError as exc:
            click.secho(f"error [{exc.code}]: {exc.message}", fg="red", err=True)
            ctx.exit(1)
        finally:
            kit = ctx.obj
            if isinstance(kit, Kit):
                kit.close()


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


def _disabled_apps() -> set[str]:
    """Apps a technician switched off stay out of the CLI too (read before settings from flags are known)."""
    from edgekit.apps import disabled_apps

    try:
        return disabled_apps(load_settings().home)
    except EdgekitError:
        return set()  # a bad setting is reported by the command itself


def _command_context(host, app_id: str, running: dict[str, Kit]):
    """An app's context for its commands: the kit is the one the running command built (its --home), which does
    not exist yet when commands are registered."""
    from edgekit.app_context import AppContext

    record = host.apps[app_id]
    if record.manifest is None:
        return None
    return AppContext(record.manifest, lambda: running["kit"])


def build_cli() -> typer.Typer:
    host = load_plugins(disabled=_disabled_apps())
    running: dict[str, Kit] = {}  # the kit of the command being run, for the apps' contexts
    cli = typer.Typer(
        cls=EdgekitGroup,
        help="edgekit: an offline AI appliance. Set up models, ask questions, serve the box.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )

    @cli.callback()
    def main(
        ctx: typer.Context,
        home: Path = typer.Option(None, "--home", help="Data directory (default: $EDGEKIT_HOME)."),
        version: bool = typer.Option(
            False, "--version", help="Print the version and stop.", is_eager=True, callback=_print_version
        ),
    ):
        settings = load_settings(home=home) if home else load_settings()
        ctx.obj = running["kit"] = Kit(settings, plugin_host=host)

    host.call_each(
        "register_commands", cli=cli, for_app=lambda app_id: {"app": _command_context(host, app_id, running)}
    )
    return cli


app = build_cli()


def run() -> None:
    app(prog_name="edgekit")


if __name__ == "__main__":
    sys.exit(run())
