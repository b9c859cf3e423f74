"""edgekit users add | list | disable | enable | token"""

from __future__ import annotations

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl

users_cli = typer.Typer(help="Accounts: technicians, health workers, teachers, students.", no_args_is_help=True)


def _accounts(ctx: typer.Context):
    from edgekit.accounts.auth import Accounts

    kit = ctx.obj
    return Accounts(kit.db, kit.settings)


@users_cli.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Sign-in name, lower case."),
    role: str = typer.Option(..., "--role", help="admin, health_worker, teacher, student or guest."),
    pin: str = typer.Option(None, "--pin", help="4 to 8 digits, for phones."),
    password: str = typer.Option(None, "--password", help="At least 8 characters."),
):
    """Add a user. With neither --pin nor --password, asks for a PIN without echoing it."""
    if pin is None and password is None:
        pin = typer.prompt("PIN (4-8 digits)", hide_input=True, confirmation_prompt=True)
    user = _accounts(ctx).add_user(name, role, pin=pin, password=password)
    typer.echo(f"added {user.name} ({user.role})")


@users_cli.command("list")
def list_users(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Every account, with its role and whether it is disabled or locked."""
    from edgekit.accounts.auth import utc_now

    now = utc_now()
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "disabled": u.disabled,
            "locked": bool(u.locked_until and u.locked_until > now),
            "created_at": u.created_at.isoformat(timespec="seconds"),
        }
        for u in _accounts(ctx).list_users()
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("No users yet. Add the first technician: edgekit users add NAME --role admin")
    for row in rows:
        state = "disabled" if row["disabled"] else "locked" if row["locked"] else "active"
        typer.echo(f"{row['name']:<24} {row['role']:<14} {state}")


@users_cli.command("disable")
def disable(ctx: typer.Context, name: str = typer.Argument(...)):
    """Disable an account: its sessions end and its API tokens stop working."""
    _accounts(ctx).disable_user(name)
    typer.echo(f"disabled {name}")


@users_cli.command("enable")
def enable(ctx: typer.Context, name: str = typer.Argument(...)):
    """Enable an account that was disabled. Waits after wrong PINs live in the server: Unlock on its admin page
    ends them at once, and they never last longer than EDGEKIT_LOGIN_NAME_WAIT_MAX_S (300 s) anyway."""
    _accounts(ctx).enable_user(name)
    typer.echo(f"enabled {name}")


@users_cli.command("token")
def token(ctx: typer.Context, name: str = typer.Argument(...)):
    """Create an API token for NAME and print it alone on stdout (it is shown only this once)."""
    typer.echo(_accounts(ctx).create_token(name))


@hookimpl
def register_commands(cli):
    cli.add_typer(users_cli, name="users")
