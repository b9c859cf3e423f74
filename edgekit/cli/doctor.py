"""edgekit doctor: what is wrong with this box, and the command that fixes each thing."""

from __future__ import annotations

import typer

from edgekit.cli.output import print_json
from edgekit.cli.progress import progress_bars
from edgekit.doctor.run import run_checks
from edgekit.hookspecs import hookimpl

MARKS = {"ok": ("ok  ", "green"), "warn": ("warn", "yellow"), "fail": ("FAIL", "red")}


def doctor_command(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Check Python, disk, memory, the site, clock, temperature, SD-card writes, power, models (sha256) and the
    database. Exit 1 if anything fails; each failure comes with the command that fixes it."""
    with progress_bars(enabled=not as_json) as progress:
        checks = run_checks(ctx.obj, progress)
    healthy = all(c.status != "fail" for c in checks)
    if as_json:
        print_json({"ok": healthy, "checks": [c.as_dict() for c in checks]})
    else:
        for check in checks:
            mark, color = MARKS[check.status]
            typer.secho(f"[{mark}] {check.name}: {check.detail}", fg=color)
            if check.fix and check.status != "ok":
                typer.echo(f"       fix: {check.fix}")
    if not healthy:
        raise typer.Exit(1)


@hookimpl
def register_commands(cli):
    cli.command("doctor")(doctor_command)
