"""edgekit knowledge add|list|rebuild|remove|search: the knowledge packs on this box, and a search to check them."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.cli.progress import progress_bars
from edgekit.hookspecs import hookimpl

knowledge_cli = typer.Typer(
    help="Knowledge packs: folders of Markdown documents the assistants cite.", no_args_is_help=True
)


class _WarningLine(logging.Handler):
    """One yellow line on stderr, looked up at each message (a test runner swaps stderr between commands)."""

    def emit(self, record: logging.LogRecord) -> None:
        typer.secho(f"warning: {record.getMessage()}", fg="yellow", err=True)


def _warn_on_stderr() -> None:
    """The knowledge modules log 'keywords only' when the embedding model is missing: a technician must see it."""
    logger = logging.getLogger("edgekit.knowledge")
    if not any(isinstance(handler, _WarningLine) for handler in logger.handlers):
        logger.addHandler(_WarningLine(logging.WARNING))


def _print_reports(reports, as_json: bool) -> None:
    if as_json:
        print_json([report.as_dict() for report in reports])
    else:
        for report in reports:
            typer.echo(
                f"{report.pack}: {len(report.added)} added, {len(report.updated)} updated, "
                f"{len(report.removed)} removed, {len(report.unchanged)} unchanged, {report.embedded} passages embedded"
                + (" (keywords only: no embedding model)" if report.keyword_only else "")
            )
    for report in reports:
        for error in report.failed:
            typer.secho(f"error [{error.code}]: {error.message}", fg="red", err=True)
    if any(report.failed for report in reports):
        raise typer.Exit(1)  # the good documents are indexed; the exit status says some were not


@knowledge_cli.command("add")
def add(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="The pack's folder of Markdown documents."),
    app: str = typer.Option(None, "--app", help="The app the pack serves (default: every app)."),
    name: str = typer.Option(None, "--name", help="The pack's name (default: the folder's name)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was indexed as JSON."),
):
    """Add a folder as a knowledge pack and index it (adding it again re-indexes what changed)."""
    from edgekit.knowledge.packs import add_pack

    _warn_on_stderr()
    with progress_bars(enabled=not as_json) as progress:
        report = add_pack(ctx.obj, path, app=app, name=name, progress=progress)
    _print_reports([report], as_json)


@knowledge_cli.command("list")
def list_command(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print the packs as JSON.")):
    """The packs on this box, with their documents and passages."""
    from edgekit.knowledge.packs import list_packs

    packs = list_packs(ctx.obj)
    if as_json:
        print_json([pack.as_dict() for pack in packs])
        return
    if not packs:
        typer.echo("No knowledge packs. Add one with: edgekit knowledge add PATH")
        return
    for pack in packs:
        typer.echo(
            f"{pack.name}  app={pack.app or '-'}  {pack.documents} documents  {pack.chunks} passages "
            f"({pack.embedded} embedded)  {pack.path}"
        )


@knowledge_cli.command("rebuild")
def rebuild_command(
    ctx: typer.Context,
    app: str = typer.Option(None, "--app", help="Only this app's packs."),
    as_json: bool = typer.Option(False, "--json", help="Print what was indexed as JSON."),
):
    """Re-index the packs: new and changed documents are read again, removed ones dropped."""
    from edgekit.knowledge.packs import rebuild

    _warn_on_stderr()
    with progress_bars(enabled=not as_json) as progress:
        reports = rebuild(ctx.obj, app=app, progress=progress)
    if not reports and not as_json:
        typer.echo("No knowledge packs to rebuild.")
    _print_reports(reports, as_json)


@knowledge_cli.command("remove")
def remove(ctx: typer.Context, name: str = typer.Argument(..., help="The pack's name (see: edgekit knowledge list).")):
    """Forget a pack and its index. Its folder is left as it is."""
    from edgekit.knowledge.packs import remove_pack

    remove_pack(ctx.obj, name)
    typer.echo(f"removed knowledge pack {name}")


@knowledge_cli.command("search")
def search(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question, in quotes."),
    app: str = typer.Option(None, "--app", help="Search this app's packs and the shared ones."),
    lang: str = typer.Option(None, "--lang", help="The asker's language (default: guessed from the question)."),
    k: int = typer.Option(4, "--k", "-k", help="At most this many passages."),
    as_json: bool = typer.Option(False, "--json", help="Print the passages as JSON."),
):
    """Search the packs as an assistant would, to check that a pack answers what it should."""
    from edgekit.knowledge import retrieve

    _warn_on_stderr()
    passages = retrieve(ctx.obj, question, app=app, lang=lang, k=k)
    if as_json:
        print_json([passage.as_dict() for passage in passages])
        return
    if not passages:
        typer.echo("No passage is relevant to this question.")
        return
    for number, passage in enumerate(passages, start=1):
        typer.echo(f"{number}. {passage.title}  [{passage.language}, score {passage.score:.2f}]")
        typer.echo(f"   {passage.source} - {passage.url}")
        typer.echo(f"   {passage.document_path}" + (f" > {passage.heading}" if passage.heading else ""))
        typer.echo(f"   {passage.snippet}")


@hookimpl
def register_commands(cli):
    cli.add_typer(knowledge_cli, name="knowledge")
