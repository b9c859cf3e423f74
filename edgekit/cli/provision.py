"""edgekit provision: set a box up for its site, from site.toml or by answering questions."""

from __future__ import annotations

from pathlib import Path

import typer

from edgekit.cli.output import print_json
from edgekit.errors import EdgekitError
from edgekit.hookspecs import hookimpl
from edgekit.provision import values as fields

VERBS = {"written": "wrote", "unchanged": "same ", "removed": "removed"}
DRY_VERBS = {"written": "would write", "unchanged": "same       ", "removed": "would remove"}


def provision_command(
    ctx: typer.Context,
    config_path: Path = typer.Option(None, "--config", help="The site's settings (site.toml): no questions asked."),
    root: Path = typer.Option(Path("/"), "--root", help="Where the system files go; / is this box."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would change and write nothing."),
    activate_now: bool = typer.Option(False, "--activate", help="Then reload and start the services (needs --root /)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Set this box up for its site: service, Wi-Fi hotspot, local DNS, edgekit.local, logs, USB import, apps,
    trusted pack keys and the first admin account (its password is shown once)."""
    from edgekit.provision.config import load_site_config, parse_site_config
    from edgekit.provision.run import activate, provision

    kit = ctx.obj
    if activate_now and (dry_run or root.resolve() != Path("/")):
        raise EdgekitError(
            "--activate starts services on this box: use it with --root / and no --dry-run.", code="bad_arguments"
        )
    if config_path is not None:
        site = load_site_config(config_path)
    else:
        site = parse_site_config(ask_site_config(sorted(kit.plugins.apps)), source="your answers")
    result = provision(kit, site, root, dry_run=dry_run)
    if as_json:
        print_json(
            {
                "dry_run": dry_run,
                "files": [{"path": str(c.path), "status": c.status} for c in result.changes if c.status != "absent"],
                "apps": result.apps,
                "admin": {"name": result.admin, "created": result.admin_created, "password": result.password},
                "tls_ca_sha256": result.tls_fingerprint,
                "next_steps": [" ".join(step) for step in result.next_steps],
            }
        )
    else:
        _print_result(result, dry_run, activating=activate_now)
    if activate_now:
        activate(result.next_steps, lambda line: typer.echo(line, err=as_json))


def _print_result(result, dry_run: bool, activating: bool) -> None:
    verbs = DRY_VERBS if dry_run else VERBS
    for change in [c for c in result.changes if c.status != "absent"]:
        typer.echo(f"{verbs[change.status]}  {change.path}")
    for app, enabled in result.apps.items():
        typer.echo(f"app {app}: {'on' if enabled else 'off'}")
    if dry_run:
        return
    if result.admin_created:
        typer.secho(f"admin account: {result.admin}", fg="green")
        typer.secho(f"password (shown only this once; write it down now): {result.password}", fg="green", bold=True)
    else:
        typer.echo(f"admin account '{result.admin}' exists already: its password is unchanged")
    if result.tls_fingerprint:
        typer.echo(f"HTTPS: phones install the box's CA from http://<box>/secure; sha256 {result.tls_fingerprint}")
    if activating:
        return
    typer.echo("To start it all now, run these (or provision again with --activate):")
    for step in result.next_steps:
        typer.echo("  sudo " + " ".join(step))


# --- the questions --------------------------------------------------------------------------------------------


def _ask(label: str, check, default: str | None = None, *, secret: bool = False) -> str:
    if secret:  # click would hide the reason a hidden answer was refused: say it, then ask again
        while True:
            value = typer.prompt(label, hide_input=True, confirmation_prompt=True)
            try:
                check(value)
                return value
            except fields.Problem as problem:
                typer.echo(f"Error: {label} {problem}", err=True)

    def value_proc(value: str) -> str:
        try:
            check(value)
        except fields.Problem as problem:
            raise typer.BadParameter(f"{label} {problem}") from None
        return value

    return typer.prompt(label, default=default, value_proc=value_proc)


def _system_timezone() -> str:
    try:
        zone = Path("/etc/timezone").read_text().strip()
        return fields.timezone(zone)
    except (OSError, fields.Problem):
        return "Africa/Nairobi"


def ask_site_config(installed_apps: list[str]) -> dict:
    """The same table site.toml holds, from answers; each answer is checked as it is given."""
    name = _ask("Site name", fields.text)
    suggested_id = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())[:40] or None
    site = {
        "name": name,
        "id": _ask("Site id", fields.site_id, suggested_id if suggested_id and len(suggested_id) > 1 else None),
        "region": _ask("Region", lambda v: fields.text(v, required=False), ""),
        "languages": _ask(f"Languages ({', '.join(fields.LANGUAGES)})", fields.languages, ",".join(fields.LANGUAGES)),
        "timezone": _ask("Time zone", fields.timezone, _system_timezone()),
    }
    site["languages"] = list(fields.languages(site["languages"]))
    apps = _ask(
        f"Apps to switch on ({', '.join(installed_apps) or 'none installed'})",
        fields.app_list,
        ",".join(installed_apps),
    )
    hotspot = {
        "ssid": _ask("Wi-Fi name (SSID)", fields.ssid, f"edgekit-{site['id']}"[:32]),
        "passphrase": _ask("Wi-Fi passphrase (8-63 characters)", fields.passphrase, secret=True),
    }
    admin = _ask("First admin account name", fields.admin_name, "admin")
    keys = []
    while line := _ask("Trusted pack key 'ed25519 <key> <name>' (empty to finish)", _key_or_empty, ""):
        keys.append(line)
    return {
        "site": site,
        "apps": {"enabled": list(fields.app_list(apps))},
        "hotspot": hotspot,
        "admin": {"name": admin},
        "trusted_keys": keys,
    }


def _key_or_empty(value: str) -> None:
    if value.strip():
        fields.key_lines([value])


@hookimpl
def register_commands(cli):
    cli.command("provision")(provision_command)
