"""edgekit power: the profile in force, pinning one, calibrating, what the box spent, and the solar kit it needs."""

from __future__ import annotations

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl

power_cli = typer.Typer(help="Power: profiles, energy per answer, sizing a solar kit.", no_args_is_help=True)
PROFILE_CHOICES = ("normal", "eco", "critical", "auto")


def site_zone(settings):
    from datetime import UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(settings.timezone) if settings.timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@power_cli.command("status")
def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """The profile in force and why, the battery, and how energy is counted on this box."""
    state = ctx.obj.power.as_dict()
    if as_json:
        print_json(state)
        return
    profile, power = state["profile"], state["power"]
    typer.echo(f"profile {profile['name']}: {state['reason']}")
    typer.echo(
        f"  threads {profile['threads']}, models {', '.join(profile['tasks'])}, answers up to {profile['max_tokens']} "
        f"tokens, keep-alive {profile['keep_alive_s']:g} s, batch {profile['batch_size']}, voice {profile['voice']}"
    )
    battery = "no battery (mains)" if not power["has_battery"] else f"battery {power['battery_percent']}%"
    typer.echo(f"  {battery}, {'charging' if power['charging'] else 'not charging'}")
    calibration = state["calibration"]
    counted = state["energy_source"] or (
        f"estimated from CPU time: {calibration['idle_w']} W idle, {calibration['core_w']} W a busy core "
        f"({calibration['source']})"
    )
    typer.echo(f"  energy: {counted}")


@power_cli.command("profile")
def profile(ctx: typer.Context, name: str = typer.Argument(..., help="normal, eco, critical, or auto.")):
    """Pin a profile (the running server follows within its check interval), or go back to auto."""
    from edgekit.errors import BadInput
    from edgekit.power.config import pin_profile

    if name not in PROFILE_CHOICES:
        raise BadInput(f"The profile is one of {', '.join(PROFILE_CHOICES)}, not '{name}'.", code="bad_arguments")
    pin_profile(ctx.obj.settings.home, None if name == "auto" else name)
    decision, _ = ctx.obj.power.refresh()
    typer.echo(f"profile {decision.profile}: {decision.reason}")


@power_cli.command("calibrate")
def calibrate_command(
    ctx: typer.Context,
    seconds: float = typer.Option(20, "--seconds", min=1, help="How long to measure idle, then busy."),
    idle_w: float = typer.Option(None, "--idle-w", help="Idle draw you measured with a power meter (W)."),
    busy_w: float = typer.Option(None, "--busy-w", help="Draw with every core busy, from the same meter (W)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Measure the idle draw and the draw per busy core (with an energy counter or the battery's readings), or
    keep the figures you give; answers without a counter are estimated from them."""
    from edgekit.power.calibrate import calibrate

    result = calibrate(ctx.obj.power, seconds, idle_w, busy_w)
    if as_json:
        print_json(result.as_dict())
        return
    typer.echo(f"idle {result.idle_w} W, {result.core_w} W more for each busy core ({result.source})")
    if not result.measured_at:
        typer.echo(
            "nothing on this box measures energy (no RAPL, PMIC or battery reading): measure the box with a USB power "
            "meter, idle and with every core busy, then: edgekit power calibrate --idle-w W --busy-w W"
        )


@power_cli.command("report")
def report(
    ctx: typer.Context,
    days: int = typer.Option(7, "--days", min=1, max=366, help="How many days, today included."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Wh per day, per app and per answer kind, from the answers' own records."""
    from edgekit.power.report import KINDS, power_report

    kit = ctx.obj
    data = power_report(kit.db, days, zone=site_zone(kit.settings))
    if as_json:
        print_json(data)
        return
    typer.echo(f"{'day':<12}{'Wh':>9}{'answers':>9}" + "".join(f"{kind:>12}" for kind in KINDS))
    for day in data["by_day"]:
        typer.echo(f"{day['day']:<12}{day['wh']:>9.3f}{day['answers']:>9}" + "".join(f"{day[k]:>12.3f}" for k in KINDS))
    per_answer = data["wh_per_answer"]
    typer.echo(
        f"total {data['total_wh']:.3f} Wh for {data['answers']} answers"
        + (f" ({per_answer * 1000:.2f} mWh an answer)" if per_answer else "")
    )
    for app, wh in data["by_app"].items():
        typer.echo(f"  {app}: {wh:.3f} Wh")
    methods = ", ".join(f"{count} {method}" for method, count in data["methods"].items())
    typer.echo(f"records: {methods or 'none'}")


@power_cli.command("plan")
def plan(
    ctx: typer.Context,
    hours: float = typer.Option(8, "--hours", min=0, max=24, help="Busy hours a day."),
    questions: int = typer.Option(300, "--questions", min=0, help="Questions a day."),
    days: int = typer.Option(30, "--days", min=1, help="Days of this box's records to average."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """The Wh a day, and the battery and panel to buy for one and for two days without sun, from this box's own
    figures, with the assumptions."""
    from edgekit.power.report import power_report, sizing_plan

    kit = ctx.obj
    measured = power_report(kit.db, days, zone=site_zone(kit.settings))["wh_per_answer"]
    result = sizing_plan(hours, questions, measured, kit.power.calibration)
    if as_json:
        print_json(result.as_dict())
        return
    typer.echo(
        f"{questions} questions over {hours:g} busy hours: {result.wh_per_day:.0f} Wh a day "
        f"({result.wh_per_answer * 1000:.2f} mWh an answer, {result.wh_per_answer_from})"
    )
    for option in result.options:
        typer.echo(
            f"  {option['days_without_sun']} day(s) without sun: battery {option['battery_wh']} Wh "
            f"({option['battery_ah_12v']} Ah at 12.8 V LiFePO4), panel {option['panel_w']} W -> buy "
            f"{option['panel_to_buy_w']} W"
        )
    typer.echo("assumptions:")
    for name, value in result.assumptions.items():
        typer.echo(f"  {name}: {value}")


@power_cli.command("clock")
def clock(ctx: typer.Context, action: str = typer.Argument(..., help="save, or restore (as root, at boot).")):
    """Save the time now, or set the clock forward to the last saved time if a power cut sent it back."""
    from edgekit.errors import BadInput
    from edgekit.power.clock import clear_restore, restore_clock, save_time

    home = ctx.obj.settings.home
    if action == "save":
        save_time(home)
        clear_restore(home)  # someone set the clock right: doctor stops warning
        typer.echo("time saved")
    elif action == "restore":
        done = restore_clock(home)
        typer.echo("the clock is not behind the saved time" if done.set_to is None else "clock set forward")
    else:
        raise BadInput(f"The action is save or restore, not '{action}'.", code="bad_arguments")


@hookimpl
def register_commands(cli):
    cli.add_typer(power_cli, name="power")
