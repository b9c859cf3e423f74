"""edgekit embed "text": the text's embedding from the local embedding model."""

from __future__ import annotations

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl

SHOWN_VALUES = 8


def embed_command(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="The text, in quotes."),
    as_json: bool = typer.Option(False, "--json", help='Print {"model","dimensions","embedding"}.'),
):
    """Turn a text into a vector with the local embedding model (for search by meaning)."""
    kit = ctx.obj
    with kit.manager.acquire("embed") as engine:
        vector = engine.embed([text])[0]
    if as_json:
        print_json({"model": engine.spec.id, "dimensions": len(vector), "embedding": [float(v) for v in vector]})
        return
    shown = ", ".join(f"{v:+.4f}" for v in vector[:SHOWN_VALUES])
    typer.echo(f"{engine.spec.id}: {len(vector)} dimensions")
    typer.echo(f"[{shown}, ...]")


@hookimpl
def register_commands(cli):
    cli.command("embed")(embed_command)
