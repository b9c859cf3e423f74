"""edgekit ask "question": the answer streams to the terminal as the local model writes it."""

from __future__ import annotations

import sys

import typer

from edgekit.answer import ask
from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl


def ask_command(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question, in quotes."),
    max_tokens: int = typer.Option(None, "--max-tokens", min=1, max=4096, help="Longest answer, in tokens."),
    seed: int = typer.Option(None, "--seed", help="Fix the sampling seed for a repeatable answer."),
    as_json: bool = typer.Option(False, "--json", help='Print {"answer","model","tokens","latency_ms"}.'),
):
    """Ask the local chat model a question."""
    kit = ctx.obj

    def show(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    result = ask(
        kit.manager,
        question,
        max_tokens=max_tokens or kit.settings.max_tokens,
        seed=seed,
        on_text=(lambda _t: None) if as_json else show,
        db=kit.db,
        guard=kit.plugins.hook.before_answer,
    )
    if as_json:
        print_json(result.as_dict())
    else:
        typer.echo("")
        typer.secho(f"[{result.model}, {result.tokens} tokens, {result.latency_ms} ms]", dim=True, err=True)


@hookimpl
def register_commands(cli):
    cli.command("ask")(ask_command)
