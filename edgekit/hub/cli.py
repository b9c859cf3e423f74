"""edgekit hub: the district hub's commands (PostgreSQL from EDGEKIT_HUB_DATABASE_URL). Thin: parse, call, print."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from edgekit.hookspecs import hookimpl

hub_cli = typer.Typer(help="The district hub: boxes' records on PostgreSQL.", no_args_is_help=True)
db_cli = typer.Typer(help="The hub's database.", no_args_is_help=True)
hub_cli.add_typer(db_cli, name="db")


def _add_packs_commands() -> None:
    from edgekit.hub.packs_cli import packs_cli

    hub_cli.add_typer(packs_cli, name="packs")


_add_packs_commands()


def _settings():
    from edgekit.hub.db import HubSettings

    return HubSettings()


def _engine():
    from edgekit.hub.db import create_hub_engine

    return create_hub_engine(_settings())


@db_cli.command("upgrade")
def db_upgrade():
    """Create the hub's tables or apply pending migrations (safe to run again)."""
    from edgekit.hub.db import migrate

    typer.echo(f"hub database: schema {migrate(_engine())}")


@hub_cli.command("serve")
def serve(host: str = typer.Option(None, help="Address to listen on."), port: int = typer.Option(None)):
    """Serve the boxes' API and the district's pages."""
    from edgekit.hub.serve import serve_hub

    serve_hub(_settings(), host, port)


@hub_cli.command("key")
def key():
    """Print the hub's public key: give it to USB-only boxes (edgekit sync trust-hub FILE)."""
    from edgekit.hub.enrol import hub_identity

    typer.echo(hub_identity(_settings().home)[1].line().strip())


@hub_cli.command("boxes")
def boxes(as_json: bool = typer.Option(False, "--json")):
    """Every box that asked to enrol: status, facility, last seen, what the hub holds."""
    from edgekit.hub.figures import boxes as list_boxes

    with _engine().connect() as connection:
        rows = list_boxes(connection)
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=1))
        return
    for row in rows:
        typer.echo(
            f"{row['name']:24} {row['status']:9} {row['facility']:30} seq {row['acked_seq']:>8}  "
            f"last seen {row['last_seen_at'] or 'never'}"
        )


def _decide(name: str, status: str, by: str) -> None:
    from edgekit.hub.enrol import decide

    with _engine().begin() as connection:
        decide(connection, name, status, by)
    typer.echo(f"{name}: {status}")


@hub_cli.command("approve")
def approve(name: str, by: str = typer.Option("hub_admin", help="Who approves (kept with the box).")):
    """Approve a box's enrolment: from now on its signed batches are accepted."""
    _decide(name, "approved", by)


@hub_cli.command("revoke")
def revoke(name: str, by: str = typer.Option("hub_admin")):
    """Revoke a box: everything it sends from now on is refused whole (what it sent before stays)."""
    _decide(name, "revoked", by)


@hub_cli.command("revoke-key")
def revoke_key(fingerprint: str):
    """Tell every box to stop trusting a technician's pack key (SHA256:...)."""
    from edgekit.hub.downlink import revoke_key as queue_revocation

    with _engine().begin() as connection:
        told = queue_revocation(connection, fingerprint)
    typer.echo(f"revocation queued for {told} boxes")


@hub_cli.command("user")
def add_user(
    name: str,
    role: str = typer.Option(..., help="hub_admin, health_officer or education_officer"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
):
    """Add a person who signs in to the hub's pages (or change their role and password)."""
    from edgekit.hub.users import add_user as create

    create(_engine(), name, role, password)
    typer.echo(f"{name}: {role}")


@hub_cli.command("import")
def import_packs(source: Path):
    """Import every box's sync pack from a USB stick (safe to run again: each record lands once)."""
    from edgekit.hub.usb import import_dir

    report = import_dir(_engine(), source)
    typer.echo(f"{report.batches} batches, {report.records} records, {report.new} new")
    for name in report.enrolments:
        typer.echo(f"enrolment waiting for approval: {name} (edgekit hub approve {name})")
    for line in report.refused:
        typer.secho(f"refused {line}", fg="red", err=True)


@hub_cli.command("export")
def export_down(to: Path = typer.Option(..., "--to", help="The USB stick."), box: list[str] = typer.Option(None)):
    """Write each approved box's down pack (referrals, statuses, revocations, packs published for it) and the hub's
    key to a USB stick."""
    from edgekit.hub.enrol import hub_identity
    from edgekit.hub.pack_delivery import export_packs
    from edgekit.hub.usb import export_down as write_packs
    from edgekit.sync.usb import ROOT

    settings = _settings()
    written = write_packs(_engine(), settings.home, to, box or None)
    (to / ROOT).mkdir(parents=True, exist_ok=True)
    (to / ROOT / "hub.pub").write_text(hub_identity(settings.home)[1].line(), encoding="utf-8")
    typer.echo(f"down packs for {len(written)} boxes in {to / ROOT / 'down'}")
    carried = export_packs(_engine(), settings.home, to, written)
    if carried:
        typer.echo(f"{carried} published packs in {to / ROOT / 'packs'}")


@hub_cli.command("report")
def report(
    format: str = typer.Option("csv", help="csv or dhis2"),
    since: str = typer.Option("", help="First month, YYYY-MM (default: a year ago)."),
    mapping: Path = typer.Option(None, help="DHIS2 mapping file (dataElements, orgUnits)."),
):
    """The health figures per facility and month, as CSV or DHIS2 dataValueSets JSON."""
    from edgekit.errors import BadInput
    from edgekit.hub import export, figures

    today = date.today()
    try:
        first = date.fromisoformat(f"{since}-01") if since else date(today.year - 1, today.month, 1)
    except ValueError:
        raise BadInput("A month is YYYY-MM.") from None
    engine = _engine()
    figures.refresh(engine)  # a report is read once: always from every record that has arrived
    with engine.connect() as connection:
        rows = figures.health_by_facility_month(connection, first, date.max)
    if format == "dhis2":
        if mapping is None:
            raise BadInput("The DHIS2 export needs --mapping FILE.")
        typer.echo(json.dumps(export.dhis2_data_value_sets(rows, export.read_mapping(mapping)), indent=1))
    else:
        typer.echo(export.health_csv(rows), nl=False)


@hookimpl
def register_commands(cli):
    cli.add_typer(hub_cli, name="hub")
