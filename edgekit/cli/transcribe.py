"""edgekit transcribe FILE: what the box's speech model hears in a recording."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl


def transcribe_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A recording: WAV, OGG, WebM, MP3 or M4A."),
    lang: str = typer.Option(None, "--lang", help="Language code (en, fr, sw...); detected when left out."),
    as_json: bool = typer.Option(False, "--json", help='Print {"text","language","duration_s","model"}.'),
):
    """Transcribe a recording with the local speech model."""
    kit = ctx.obj
    started = time.perf_counter()
    from edgekit.speech.stt import transcribe  # PyAV and numpy load only for this command

    result = transcribe(kit.manager, file, lang=lang)
    if as_json:
        print_json(result.as_dict())
        return
    typer.echo(result.text)
    elapsed = time.perf_counter() - started
    typer.secho(
        f"[{result.model}, {result.language}, {result.duration_s:.1f} s of audio in {elapsed:.1f} s]",
        dim=True,
        err=True,
    )


@hookimpl
def register_commands(cli):
    cli.command("transcribe")(transcribe_command)
