"""edgekit speak "text" --out FILE.wav: speak text with the box's voice and save it as a WAV file."""

from __future__ import annotations

from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.errors import EdgekitError
from edgekit.hookspecs import hookimpl


def speak_command(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="The text to speak, in quotes."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the WAV file.", dir_okay=False),
    lang: str = typer.Option("en", "--lang", help="Language code: en (Piper voice), sw, fr, ... (espeak-ng)."),
    as_json: bool = typer.Option(False, "--json", help='Print {"path","duration_s","voice","lang","sample_rate"}.'),
):
    """Speak text aloud into a WAV file (English with the Piper voice, other languages with espeak-ng)."""
    kit = ctx.obj
    from edgekit.speech.tts import synthesize_speech  # numpy and the voices load only for this command

    speech = synthesize_speech(kit.manager, text, lang)
    try:
        out.write_bytes(speech.wav)
    except OSError as exc:
        raise EdgekitError(
            f"Cannot write the speech to {out} ({exc.strerror or exc}). Choose a folder that exists and is writable.",
            code="output_unwritable",
        ) from exc
    report = {"path": str(out.resolve()), **speech.as_dict()}
    if as_json:
        print_json(report)
    else:
        typer.echo(report["path"])
        typer.secho(f"[{speech.voice}, {speech.duration_s:.1f} s, {speech.sample_rate} Hz]", dim=True, err=True)


@hookimpl
def register_commands(cli):
    cli.command("speak")(speak_command)
