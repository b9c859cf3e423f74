"""edgekit classify IMAGE --model ID: the most likely labels for a photo, from a local vision model."""

from __future__ import annotations

from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl


def classify_command(
    ctx: typer.Context,
    image: Path = typer.Argument(..., help="A JPEG, PNG or WebP photo."),
    model: str = typer.Option(..., "--model", help="Id of an installed vision model."),
    top_k: int = typer.Option(None, "--top-k", min=1, max=100, help="How many labels (default: the model's)."),
    as_json: bool = typer.Option(False, "--json", help='Print {"model","labels":[{"label","probability"}],"unsure"}.'),
):
    """Say what a photo shows, with a local image classifier."""
    from edgekit.vision.classify import classify_image  # PIL and numpy load only for this command

    result = classify_image(ctx.obj.manager, model, image, top_k=top_k)
    if as_json:
        print_json(result.as_dict())
        return
    for score in result.labels:
        typer.echo(f"{score.probability:7.1%}  {score.label}")
    if result.unsure:
        typer.secho("Unsure: no label is likely enough to rely on. Try a closer, sharper photo.", fg="yellow")
    typer.secho(f"[{result.model}]", dim=True, err=True)


@hookimpl
def register_commands(cli):
    cli.command("classify")(classify_command)
