"""edgekit ask [APP] "question": the answer streams to the terminal as the local model writes it.

With an app, the answer comes from that app's knowledge with its sources (the grounded pipeline); without one,
the chat model answers alone.
"""

from __future__ import annotations

import sys

import typer

from edgekit.cli.output import print_json
from edgekit.errors import BadInput
from edgekit.hookspecs import hookimpl


def ask_command(
    ctx: typer.Context,
    words: list[str] = typer.Argument(..., metavar="[APP] QUESTION", help="An app id (optional), then the question."),
    lang: str = typer.Option(None, "--lang", help="The question's language (en, sw, fr ...), for apps."),
    max_tokens: int = typer.Option(None, "--max-tokens", min=1, max=4096, help="Longest answer, in tokens."),
    seed: int = typer.Option(None, "--seed", help="Fix the sampling seed for a repeatable answer."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
):
    """Ask the local chat model, or an app (its documents, with sources)."""
    kit = ctx.obj
    if len(words) > 2:
        raise BadInput('Put the question in quotes: edgekit ask agri "How do I store maize?"', code="bad_arguments")

    def show(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    stream = (lambda _t: None) if as_json else show
    if len(words) == 2:
        from edgekit.grounded import answer_question
        from edgekit.knowledge.sync import sync_app_knowledge

        sync_app_knowledge(kit)  # new or changed documents only: milliseconds when nothing changed

        result = answer_question(kit, words[0], words[1], lang=lang, max_tokens=max_tokens, seed=seed, on_text=stream)
        if as_json:
            print_json(result.as_dict())
            return
        typer.echo("")
        for number, citation in enumerate(result.citations, start=1):
            typer.secho(f"[{number}] {citation.title} ({citation.source}) {citation.url}", fg="cyan")
        typer.secho(f"[{result.model}, {result.latency_ms} ms]", dim=True, err=True)
        return
    from edgekit.answer import ask

    result = ask(
        kit.manager,
        words[0],
        max_tokens=max_tokens or kit.settings.max_tokens,
        seed=seed,
        on_text=stream,
        db=kit.db,
        guard=kit.plugins.guard,
    )
    if as_json:
        print_json(result.as_dict())
    else:
        typer.echo("")
        typer.secho(f"[{result.model}, {result.tokens} tokens, {result.latency_ms} ms]", dim=True, err=True)


@hookimpl
def register_commands(cli):
    cli.command("ask")(ask_command)
