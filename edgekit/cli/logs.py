"""edgekit logs: what the service said lately, in plain words."""

from __future__ import annotations

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl

COLORS = {"emergency": "red", "alert": "red", "critical": "red", "error": "red", "warning": "yellow"}


def logs_command(
    ctx: typer.Context,
    lines: int = typer.Option(50, "--lines", "-n", min=1, help="How many entries, newest last."),
    since: str = typer.Option(None, "--since", help="From when: 2024-05-01, '2024-05-01 14:30', today, -2h."),
    errors: bool = typer.Option(False, "--errors", help="Only warnings and errors."),
    source: str = typer.Option("auto", "--source", help="auto (the journal, else the file), journal or file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Recent logs of the edgekit service and USB imports: time, level in words, message."""
    from edgekit.errors import BadInput
    from edgekit.logs.reader import parse_since, recent_logs

    if source not in ("auto", "journal", "file"):
        raise BadInput(f"--source is auto, journal or file, not '{source}'.", code="bad_arguments")
    start = parse_since(since) if since else None
    origin, entries = recent_logs(ctx.obj.settings.logs_dir, lines, start, errors, source)
    if as_json:
        print_json({"source": origin, "entries": [entry.as_dict() for entry in entries]})
        return
    typer.secho(f"from {origin}", dim=True, err=True)
    if not entries:
        typer.echo(
            "No log entries"
            + (" with warnings or errors" if errors else "")
            + (f" since {since}" if since else "")
            + "."
        )
    for entry in entries:
        unit = "" if entry.unit in ("", "edgekit.service") else f"[{entry.unit.removesuffix('.service')}] "
        typer.secho(
            f"{entry.time:%Y-%m-%d %H:%M:%S}  {entry.level:<8} {unit}{entry.message}", fg=COLORS.get(entry.level)
        )


@hookimpl
def register_commands(cli):
    cli.command("logs")(logs_command)
