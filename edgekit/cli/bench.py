"""edgekit bench: chat, speech in, speech out and embedding speed on this box, and the peak memory."""

from __future__ import annotations

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl


def bench_command(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Measure each default model here: tokens/s, real-time factors, sentences/s, peak RSS."""
    from edgekit.bench import run_bench

    def step(name: str) -> None:
        typer.echo(f"measuring {name} ...", err=True)

    report = run_bench(ctx.obj, step)
    if as_json:
        print_json(report)
        return
    lines = {
        "chat": "chat   {model}: {tokens_per_s} tokens/s, first token {ttft_ms} ms ({threads} threads)",
        "stt": "stt    {model}: real-time factor {rtf} ({threads} threads)",
        "tts": "tts    {model}: real-time factor {rtf}",
        "embed": "embed  {model}: {sentences_per_s} sentences/s",
    }
    for name, line in lines.items():
        section = report[name]
        typer.echo(
            f"{name:<6} error [{section['error']}]: {section['message']}"
            if "error" in section
            else line.format(**section)
        )
    typer.echo(f"peak memory {report['peak_rss_mb']} MB")


@hookimpl
def register_commands(cli):
    cli.command("bench")(bench_command)
