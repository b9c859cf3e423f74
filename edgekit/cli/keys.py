"""edgekit keys create | trust | list | untrust: technicians' signing keys and the keys this box trusts."""

from __future__ import annotations

from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl

keys_cli = typer.Typer(
    help="Signing keys for packs: make a key pair, choose which keys this box trusts.", no_args_is_help=True
)


@keys_cli.command("create")
def create(
    ctx: typer.Context,
    name: str = typer.Option(None, "--name", help="The key's name (default: your user name)."),
    out: Path = typer.Option(
        None, "--out", help="Folder for NAME.key and NAME.pub (default: $EDGEKIT_HOME/keys/private)."
    ),
    passphrase: bool = typer.Option(False, "--passphrase", help="Protect the private key with a passphrase (asked)."),
):
    """Make an ed25519 key pair for signing packs. The private key is written readable by you alone."""
    from edgekit.packs.keys import create_key_pair, default_key_name, private_dir

    secret = typer.prompt("Passphrase", hide_input=True, confirmation_prompt=True) if passphrase else None
    pair = create_key_pair(name or default_key_name(), out or private_dir(ctx.obj.settings.home), secret)
    typer.echo(f"private key  {pair.private_path}  (keep it secret; sign packs with --key)")
    typer.echo(f"public key   {pair.public_path}  (give it to boxes: edgekit keys trust FILE)")
    typer.echo(f"fingerprint  {pair.public.fingerprint}")


@keys_cli.command("trust")
def trust(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A public key file (one line: ed25519 BASE64 NAME)."),
    name: str = typer.Option(None, "--name", help="Trust it under this name (default: the name in the file)."),
):
    """Accept packs signed by this key."""
    from edgekit.packs.keys import trust as trust_key

    key, new = trust_key(ctx.obj.settings.home, path, name)
    typer.echo(f"{'trusted' if new else 'already trusted'} {key.name}  {key.fingerprint}")


@keys_cli.command("list")
def list_keys(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """The keys this box trusts, with their fingerprints."""
    from edgekit.packs.keys import trusted_key_files

    rows = [
        {
            "name": entry.name,
            "fingerprint": entry.key.fingerprint if entry.key else None,
            "path": str(entry.path),
            "problem": entry.problem or None,
        }
        for entry in trusted_key_files(ctx.obj.settings.home)
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("No trusted keys: this box refuses every pack. Add one with: edgekit keys trust FILE")
    for row in rows:
        if row["problem"]:
            typer.secho(f"{row['name']:<24} unusable: {row['problem']}", fg="red")
        else:
            typer.echo(f"{row['name']:<24} {row['fingerprint']}")


@keys_cli.command("untrust")
def untrust(ctx: typer.Context, name: str = typer.Argument(..., help="The key's name (see: edgekit keys list).")):
    """Stop accepting packs signed by this key (packs already imported stay)."""
    from edgekit.packs.keys import untrust as untrust_key

    untrust_key(ctx.obj.settings.home, name)
    typer.echo(f"untrusted {name}")


@hookimpl
def register_commands(cli):
    cli.add_typer(keys_cli, name="keys")
