"""edgekit health ...: triage, the registry, the due list, referrals and the district export from the box's shell.

Whoever has the box's shell is its technician, so commands act as admin, named `shell:<login>` in the audit log.
`--as NAME` acts as one health worker instead (her list, her audit lines).
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import date
from pathlib import Path

import typer

from edgekit.sdk import EdgekitError

health_cli = typer.Typer(
    help="Mother and baby health: danger-sign triage, visits, referrals, export.", no_args_is_help=True
)
women_cli = typer.Typer(help="The women a health worker visits.", no_args_is_help=True)
referrals_cli = typer.Typer(help="Referrals to a health facility and what became of them.", no_args_is_help=True)
health_cli.add_typer(women_cli, name="women")
health_cli.add_typer(referrals_cli, name="referrals")

AS_OPTION = typer.Option(None, "--as", help="Act as this health worker's account (default: the technician).")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON for scripts.")
LEVEL_STYLE = {"emergency": "bold white on red", "urgent": "bold black on yellow", "routine": "green"}


def _registry(ctx: typer.Context):
    from edgekit_health.registry import Registry

    return Registry(ctx.obj.db)


def _actor(ctx: typer.Context, name: str | None):
    from sqlmodel import Session

    from edgekit.sdk import find_account
    from edgekit_health.registry import ROLES, Actor

    if name is None:
        return Actor(f"shell:{getpass.getuser()}", "admin")
    with Session(ctx.obj.db) as session:
        account = find_account(session, name)
    if account is None or account.role not in ROLES:
        raise EdgekitError(f"'{name}' is not a health worker's or admin's account on this box.", code="unknown_user")
    return Actor(account.name, account.role)


def _date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EdgekitError(f"{what} '{value}' is not a date like 2026-03-14.", code="bad_date") from None


def _blood_pressure(value: str | None) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    top, _, bottom = value.replace(" ", "").partition("/")
    if not (top.isdigit() and bottom.isdigit()):
        raise EdgekitError(f"Blood pressure '{value}' should look like 120/80.", code="bad_record")
    return int(top), int(bottom)


def _print(data) -> None:
    typer.echo(json.dumps(data, indent=1, ensure_ascii=False))


@health_cli.command("triage")
def triage_command(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="What the health worker sees and hears, in her own words."),
    lang: str | None = typer.Option(None, "--lang", help="en, sw or fr (guessed when not given)."),
    bp: str | None = typer.Option(None, "--bp", help="Blood pressure, e.g. 150/100."),
    temperature: float | None = typer.Option(None, "--temp", help="Temperature in °C."),
    as_json: bool = JSON_OPTION,
):
    """Danger-sign triage: emergency (refer now), urgent (facility today) or routine."""
    from rich.console import Console

    from edgekit_health.triage import triage

    systolic, diastolic = _blood_pressure(bp)
    result = triage(text, lang, systolic=systolic, diastolic=diastolic, temperature_c=temperature)
    if as_json:
        _print(result.as_dict())
        return
    console = Console()
    console.print(f" {result.level.upper()} ", style=LEVEL_STYLE[result.level])
    console.print(result.advice)
    for sign in result.signs:
        console.print(f"  - {sign.label}  [dim]({sign.evidence})[/dim]")
    for source in result.sources:
        console.print(f"  [dim]source: {source}[/dim]")


@health_cli.command("dates")
def dates_command(
    lmp: str | None = typer.Option(None, "--lmp", help="First day of the last menstrual period (YYYY-MM-DD)."),
    edd: str | None = typer.Option(None, "--edd", help="Expected date of delivery, if known instead."),
    today: str | None = typer.Option(None, "--today", help="Work out the schedule as on this day."),
    as_json: bool = JSON_OPTION,
):
    """Expected date of delivery, gestational age today and the eight WHO antenatal contacts."""
    from edgekit_health import schedule

    on = _date(today, "--today") or date.today()
    first, due = schedule.pregnancy_dates(lmp=_date(lmp, "--lmp"), edd=_date(edd, "--edd"), today=on)
    contacts = schedule.antenatal_contacts(first, [], on)
    data = {
        "lmp": first.isoformat(),
        "edd": due.isoformat(),
        "gestational_age": str(schedule.gestational_age(first, on)),
        "contacts": [{"number": c.number, "label": c.label, "due": c.due.isoformat()} for c in contacts],
    }
    if as_json:
        _print(data)
        return
    typer.echo(f"LMP {data['lmp']}  EDD {data['edd']}  gestational age today {data['gestational_age']}")
    for contact in data["contacts"]:
        typer.echo(f"  contact {contact['number']} at {contact['label']:>8}: {contact['due']}")


@women_cli.command("add")
def add_woman(
    ctx: typer.Context,
    village: str = typer.Option(..., "--village"),
    lmp: str | None = typer.Option(None, "--lmp", help="First day of the last menstrual period (YYYY-MM-DD)."),
    edd: str | None = typer.Option(None, "--edd", help="Expected date of delivery, instead of the LMP."),
    code: str | None = typer.Option(None, "--code", help="Her card's code (made up when not given)."),
    phone: str | None = typer.Option(None, "--phone"),
    health_worker: str | None = typer.Option(None, "--health-worker", help="The account that visits her."),
    as_user: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
):
    """Register a pregnant woman under a pseudonymous code (no name is kept)."""
    woman = _registry(ctx).add_woman(
        _actor(ctx, as_user),
        village=village,
        lmp=_date(lmp, "--lmp"),
        edd=_date(edd, "--edd"),
        code=code,
        phone=phone,
        health_worker=health_worker,
    )
    if as_json:
        _print(woman)
        return
    typer.echo(f"registered {woman['code']} ({woman['village']}): EDD {woman['edd']}, {woman['gestational_age']}")
    typer.echo(f"next contact: {woman['next_contact']} on {woman['next_due']}")


@women_cli.command("list")
def list_women(
    ctx: typer.Context,
    health_worker: str | None = typer.Option(None, "--health-worker"),
    as_user: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
):
    """The women on the register (a health worker's own, or everyone's for the technician)."""
    women = _registry(ctx).women(_actor(ctx, as_user), health_worker)
    if as_json:
        _print(women)
        return
    for woman in women:
        flag = f"  [{woman['needs_visit']}]" if woman["needs_visit"] else ""
        typer.echo(f"{woman['code']:<10} {woman['village']:<20} {woman['status']:<10} EDD {woman['edd']}{flag}")
    typer.echo(f"{len(women)} women")


@women_cli.command("show")
def show_woman(ctx: typer.Context, code: str, as_user: str | None = AS_OPTION, as_json: bool = JSON_OPTION):
    """One woman's record: dates, schedule, visits and referrals."""
    woman = _registry(ctx).woman(_actor(ctx, as_user), code)
    if as_json:
        _print(woman)
        return
    typer.echo(f"{woman['code']}  {woman['village']}  {woman['status']}  health worker {woman['health_worker']}")
    typer.echo(f"LMP {woman['lmp']}  EDD {woman['edd']}  gestational age {woman['gestational_age'] or '-'}")
    for contact in woman["schedule"]:
        typer.echo(f"  {contact['label']:>15}  {contact['due']}  {contact['status']}")
    for visit in woman["visits"]:
        typer.echo(f"  visit {visit['visit_date']}  BP {visit['blood_pressure'] or '-'}  {visit['level']}")
    for referral in woman["referrals"]:
        typer.echo(f"  referral {referral['id']}  {referral['level']}  {referral['status']}: {referral['reason']}")


@women_cli.command("delivered")
def delivered(
    ctx: typer.Context,
    code: str,
    on: str = typer.Option(..., "--on", help="Date of the birth (YYYY-MM-DD)."),
    as_user: str | None = AS_OPTION,
):
    """Record the birth: her schedule becomes the postnatal contacts."""
    woman = _registry(ctx).update_woman(_actor(ctx, as_user), code, delivered_on=_date(on, "--on"))
    typer.echo(f"{woman['code']} delivered on {woman['delivered_on']}; next: {woman['next_contact']}")


@health_cli.command("visit")
def add_visit(
    ctx: typer.Context,
    code: str,
    on: str | None = typer.Option(None, "--date", help="Day of the visit (default today)."),
    bp: str | None = typer.Option(None, "--bp", help="Blood pressure, e.g. 120/80."),
    weight: float | None = typer.Option(None, "--weight", help="Weight in kg."),
    temperature: float | None = typer.Option(None, "--temp", help="Temperature in °C."),
    signs: str = typer.Option("", "--signs", help="What was found, in your own words."),
    notes: str = typer.Option("", "--notes"),
    lang: str | None = typer.Option(None, "--lang"),
    as_user: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
):
    """Record a visit; danger signs found open a referral at once."""
    systolic, diastolic = _blood_pressure(bp)
    result = _registry(ctx).add_visit(
        _actor(ctx, as_user),
        code,
        visit_date=_date(on, "--date"),
        systolic=systolic,
        diastolic=diastolic,
        weight_kg=weight,
        temperature_c=temperature,
        signs=signs,
        notes=notes,
        lang=lang,
    )
    if as_json:
        _print(result)
        return
    visit = result["visit"]
    typer.echo(f"visit {visit['id']} for {code} on {visit['visit_date']}: {visit['level']}")
    if result["triage"] and result["triage"]["refer"]:
        typer.echo(result["triage"]["advice"])
    if result["referral"]:
        typer.echo(f"referral {result['referral']['id']} opened: {result['referral']['reason']}")


@health_cli.command("due")
def due(
    ctx: typer.Context,
    health_worker: str | None = typer.Option(None, "--health-worker"),
    as_user: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
):
    """Women with a visit due this week or overdue (and pregnancies past 42 weeks)."""
    rows = _registry(ctx).due(_actor(ctx, as_user), health_worker)
    if as_json:
        _print(rows)
        return
    for row in rows:
        what = "PAST TERM" if row["post_term"] else row["needs_visit"]
        typer.echo(
            f"{what:<9} {row['code']:<10} {row['village']:<20} {row['next_contact'] or '-'} {row['next_due'] or ''}"
        )
    typer.echo(f"{len(rows)} to visit")


@referrals_cli.command("list")
def list_referrals(
    ctx: typer.Context,
    status: str | None = typer.Option("open", "--status", help="open, referred, arrived, treated, not_reached, closed"),
    as_user: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
):
    """Referrals (open ones by default)."""
    rows = _registry(ctx).referrals(_actor(ctx, as_user), None if status == "all" else status)
    if as_json:
        _print(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']:>4} {row['woman_code']:<10} {row['level']:<9} {row['status']:<11} {row['reason']}")
    typer.echo(f"{len(rows)} referrals")


@referrals_cli.command("update")
def update_referral(
    ctx: typer.Context,
    referral_id: int,
    status: str,
    facility: str | None = typer.Option(None, "--facility"),
    as_user: str | None = AS_OPTION,
):
    """Say what became of a referral: arrived, treated, not_reached or closed."""
    row = _registry(ctx).update_referral(_actor(ctx, as_user), referral_id, status, facility)
    typer.echo(f"referral {row['id']} for {row['woman_code']}: {row['status']}")


@health_cli.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="The CSV file to write for the district."),
    as_user: str | None = AS_OPTION,
):
    """Visits as CSV for the district: pseudonymous codes and measurements; no phones, no notes."""
    from edgekit_health.export import csv_text

    text = csv_text(_registry(ctx), _actor(ctx, as_user))
    temporary = out.with_name(out.name + ".part")
    try:
        # Health records: readable by the technician who made the file, not by every account on the laptop.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        temporary.replace(out)  # a half-written export is never left under the real name
    except OSError as exc:
        raise EdgekitError(f"Cannot write {out}: {exc.strerror or exc}.", code="export_failed") from exc
    typer.echo(f"wrote {text.count(chr(10)) - 1} rows to {out}")
