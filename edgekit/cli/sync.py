"""edgekit sync: this box and the district hub (enrol, push and pull, USB packs, what the site shares)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from edgekit.hookspecs import hookimpl

sync_cli = typer.Typer(help="Send this box's records to the district hub, by network or USB.", no_args_is_help=True)


def _sync(ctx: typer.Context):
    from edgekit.sync.service import BoxSync

    kit = ctx.obj
    apps = {app_id: record.manifest.version for app_id, record in kit.plugins.apps.items() if record.manifest}
    return BoxSync(kit.settings, kit.db, apps, kit=kit)


def _print_packs(outcomes) -> None:
    """One line per pack from the hub; a refused or failed one in red on stderr, with its code."""
    for outcome in outcomes:
        line = f"pack {outcome.name}: {outcome.status}" + (f" [{outcome.code}]" if outcome.code else "")
        trouble = outcome.status in ("refused", "failed")
        typer.secho(line, fg="red" if trouble else None, err=trouble)


@sync_cli.command("identity")
def identity(ctx: typer.Context, name: str = typer.Option(None, help="The box's name at the hub (first time).")):
    """Print this box's name and public key (made on first use)."""
    box = _sync(ctx).identity(name)
    typer.echo(box.public.line().strip())
    typer.echo(f"fingerprint {box.public.fingerprint}")


@sync_cli.command("enrol")
def enrol(
    ctx: typer.Context,
    hub: str = typer.Option(..., help="The hub's address, e.g. https://hub.district.example"),
    facility: str = typer.Option(None, help="This facility's name (default: the site's name)."),
    district: str = typer.Option(""),
    name: str = typer.Option(None, help="This box's name at the hub (default: the site id or host name)."),
):
    """Ask the hub to enrol this box; a hub admin approves it (edgekit hub approve NAME)."""
    answer = _sync(ctx).enrol(hub, facility, district, name)
    typer.echo(f"{answer['box']}: {answer['status']}")


@sync_cli.command("push")
def push(
    ctx: typer.Context,
    hub: str = typer.Option(None, help="The hub (default: the one enrolled with)."),
    now: bool = typer.Option(False, "--now", help="Try at once, even while backing off."),
    timer: bool = typer.Option(
        False, "--timer", help="As edgekit-sync.timer runs it: quiet when not enrolled, backing off or unreachable."
    ),
):
    """Send what the hub lacks, then take what it has for this box (records, referrals, packs)."""
    box = _sync(ctx)
    if timer:
        from edgekit.sync.timer import timed_sync

        timed_sync(box, typer.echo)
        return
    result = box.push(hub, now)
    typer.echo(f"sent {result.sent_batches} batches; hub holds up to {result.acked_seq}; received {result.received}")
    _print_packs(box.receive_packs(hub))


@sync_cli.command("export")
def export(
    ctx: typer.Context, to: Path = typer.Option(..., "--to", help="The USB stick."), facility: str = typer.Option(None)
):
    """Write this box's sync pack (signed batches and enrolment request) to a USB stick for the hub."""
    written = _sync(ctx).export(to, facility)
    typer.echo(f"{written} batches written to {to}")


@sync_cli.command("import")
def import_down(ctx: typer.Context, source: Path):
    """Read the hub's down pack for this box from a USB stick (referrals, statuses, revocations), then install the
    knowledge and model packs the hub put on it for this box (each checked against this box's trusted keys)."""
    box = _sync(ctx)
    typer.echo(f"{box.import_down(source)} new items")
    _print_packs(box.receive_packs_from(source))


@sync_cli.command("trust-hub")
def trust_hub(ctx: typer.Context, path: Path):
    """Trust the hub's public key (edgekit hub key), for a box that only ever syncs by USB."""
    from sqlmodel import Session

    from edgekit.packs.keys import parse_public_key
    from edgekit.sync import state

    key = parse_public_key(path.read_text(encoding="utf-8"), str(path))
    with Session(ctx.obj.db) as session:
        state.put(session, state.HUB_KEY, key.line().strip())
        session.commit()
    typer.echo(f"hub key {key.fingerprint}")


@sync_cli.command("share")
def share(ctx: typer.Context, option: str, value: str = typer.Argument(..., help="on or off")):
    """Opt this site in (or out) of sharing phone_numbers, notes or questions with the hub (off by default)."""
    from sqlmodel import Session

    from edgekit.errors import BadInput
    from edgekit.store import audit
    from edgekit.sync.outbox import set_share

    if value not in ("on", "off"):
        raise BadInput("Say on or off.")
    with Session(ctx.obj.db) as session:
        set_share(session, option, value == "on")
        audit.record(session, "technician", "sync.share", option, value)
        session.commit()
    typer.echo(f"share {option}: {value}")


@sync_cli.command("status")
def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")):
    """What the hub holds, what waits, back-off, what the site shares, referrals received."""
    from edgekit.sync.status import sync_status

    data = sync_status(ctx.obj.db)
    typer.echo(json.dumps(data, indent=1) if as_json else "\n".join(f"{k}: {v}" for k, v in data.items()))


@sync_cli.command("referrals")
def referrals(ctx: typer.Context):
    """Referrals other facilities sent here, and the status of those this box sent."""
    from sqlmodel import Session

    from edgekit.sync.inbox import inbound_referrals, sent_referral_statuses

    with Session(ctx.obj.db) as session:
        for row in inbound_referrals(session):
            typer.echo(
                f"{row['id']:>6} from {row['from_facility'] or row['from_box']}: {row['woman_code']} "
                f"{row['level']} {row['status']}"
            )
        for referral_id, word in sent_referral_statuses(session).items():
            typer.echo(f"sent referral {referral_id}: {word}")


@sync_cli.command("mark")
def mark(ctx: typer.Context, referral: int, status: str, by: str = typer.Option("technician")):
    """Mark a referral received here as arrived, treated or closed; the sending facility hears it."""
    from sqlmodel import Session

    from edgekit.sync.inbox import mark_inbound

    with Session(ctx.obj.db) as session:
        mark_inbound(session, referral, status, by)  # audited inside, in this transaction
        session.commit()
    typer.echo(f"referral {referral}: {status}")


@hookimpl
def register_commands(cli):
    cli.add_typer(sync_cli, name="sync")
