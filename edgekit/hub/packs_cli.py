"""edgekit hub packs: publish a technician's signed pack for some boxes, and see what each box did with it."""

from __future__ import annotations

import json
from pathlib import Path

import typer

packs_cli = typer.Typer(help="Knowledge and model packs the hub sends down to boxes.", no_args_is_help=True)


@packs_cli.command("publish")
def publish(
    file: Path,
    to: list[str] = typer.Option(None, "--to", help="A box's name (again for more)."),
    all_boxes: bool = typer.Option(False, "--all", help="Every approved box."),
    by: str = typer.Option("hub_admin", help="Who publishes (kept with the pack)."),
):
    """Store a signed pack (.ekpack) at the hub; the boxes named take it at their next sync or from a stick.
    Each box checks the technician's signature against its own trusted keys: the hub never signs packs."""
    from edgekit.hub.cli import _engine, _settings
    from edgekit.hub.pack_publish import publish as store_and_address

    done = store_and_address(_engine(), _settings().home, file, to or [], all_boxes, by)
    boxes = ", ".join(done.boxes) or "no box"
    typer.echo(f"published {done.name} ({done.size / 1e6:.1f} MB, sha256 {done.sha256[:12]}) for {boxes}")


@packs_cli.command("list")
def list_packs(as_json: bool = typer.Option(False, "--json")):
    """Every published pack and, per box, pending, installed or refused (with the box's reason)."""
    from edgekit.hub.cli import _engine
    from edgekit.hub.pack_publish import published

    with _engine().begin() as connection:
        rows = published(connection)
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=1))
        return
    for row in rows:
        typer.echo(f"{row['name']} {row['sha256'][:12]} {row['size'] / 1e6:.1f} MB, signed by {row['signer']}")
        for target in row["boxes"]:
            typer.echo(f"  {target['box']:24} {target['status']} {target['code']}".rstrip())
