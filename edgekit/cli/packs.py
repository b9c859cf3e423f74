"""edgekit packs create | import | verify | list: signed packs of models and knowledge, for boxes with no internet."""

from __future__ import annotations

from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.cli.progress import progress_bars
from edgekit.errors import EdgekitError
from edgekit.hookspecs import hookimpl

packs_cli = typer.Typer(help="Signed packs of models and knowledge, carried on a USB stick.", no_args_is_help=True)


def _items(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


@packs_cli.command("create")
def create(
    ctx: typer.Context,
    models: str = typer.Option(None, "--models", help="Installed model ids, comma-separated."),
    knowledge: str = typer.Option(
        None, "--knowledge", help="Folders of Markdown documents, or app ids (their knowledge), comma-separated."
    ),
    wheel: list[Path] = typer.Option(
        None, "--wheel", help="A built wheel to carry (llama-cpp-python for one architecture); repeat for more."
    ),
    key: Path = typer.Option(..., "--key", help="Your private key (edgekit keys create)."),
    out: Path = typer.Option(..., "--out", help="The pack file to write (.ekpack)."),
    name: str = typer.Option(None, "--name", help="The pack's name (default: the file's name)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was packed as JSON."),
):
    """Pack installed models and knowledge folders into one signed file."""
    from edgekit.packs.create import create_pack
    from edgekit.packs.keys import load_private_key, private_key_is_encrypted

    passphrase = typer.prompt("Passphrase", hide_input=True) if private_key_is_encrypted(key) else None
    private, key_name = load_private_key(key, passphrase)
    with progress_bars(enabled=not as_json) as progress:
        pack = create_pack(
            ctx.obj,
            models=_items(models),
            knowledge=_items(knowledge),
            private_key=private,
            key_name=key_name,
            out=out,
            name=name,
            wheels=list(wheel or []),
            progress=progress,
        )
    if as_json:
        print_json(pack.as_dict())
        return
    parts = ", ".join(f"{part.type} {part.id}" for part in pack.manifest.parts)
    typer.echo(f"wrote {pack.path} ({pack.size / 1e6:.1f} MB): {parts}; signed by {key_name}")


@packs_cli.command("import")
def import_command(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A pack file, an unpacked pack, or a folder (USB stick) of *.ekpack."),
    as_json: bool = typer.Option(False, "--json", help="Print what was imported as JSON."),
):
    """Check each pack's signature and every file, then install it: all of a pack, or nothing of it."""
    from edgekit.packs.importer import import_all

    with progress_bars(enabled=not as_json) as progress:
        outcomes = import_all(ctx.obj, path, progress)
    failed = [(pack, outcome) for pack, outcome in outcomes if isinstance(outcome, EdgekitError)]
    if as_json:
        print_json(
            [
                {"pack": str(pack), "ok": False, "error": outcome.as_dict()}
                if isinstance(outcome, EdgekitError)
                else {"pack": str(pack), "ok": True, **outcome.as_dict()}
                for pack, outcome in outcomes
            ]
        )
    else:
        for pack, outcome in outcomes:
            if not isinstance(outcome, EdgekitError):
                what = ", ".join([*outcome.models, *outcome.knowledge, *outcome.wheels]) or "nothing"
                typer.echo(f"imported {pack.name} (signed by {outcome.signer}): {what}")
    for pack, error in failed:
        typer.secho(f"error [{error.code}]: {pack.name}: {error.message}", fg="red", err=True)
    if failed:
        raise typer.Exit(1)


@packs_cli.command("verify")
def verify(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A pack file or an unpacked pack."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Check a pack's signature and every file without installing anything."""
    from edgekit.packs.verify import verify_pack

    with progress_bars(enabled=not as_json) as progress:
        checked = verify_pack(path, ctx.obj.settings.home, progress)
    if as_json:
        print_json({"ok": True, **checked.as_dict()})
        return
    info = checked.as_dict()
    typer.echo(
        f"ok: {info['name']}, signed by {info['signer']} ({info['fingerprint']}), {info['files']} files, "
        f"{info['bytes'] / 1e6:.1f} MB"
    )


@packs_cli.command("list")
def list_command(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """The packs imported on this box."""
    from edgekit.packs.record import read_records

    records = read_records(ctx.obj.settings.home)
    if as_json:
        print_json(records)
        return
    if not records:
        typer.echo("No packs imported. Import one with: edgekit packs import FILE_OR_FOLDER")
    for record in records:
        what = ", ".join([*record.get("models", []), *record.get("knowledge", []), *record.get("wheels", [])])
        typer.echo(f"{record['name']:<24} {record.get('imported_at', '')}  by {record.get('signer', '?')}  {what}")


@hookimpl
def register_commands(cli):
    cli.add_typer(packs_cli, name="packs")
