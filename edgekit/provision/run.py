"""edgekit provision, start to end: check, render, write all or nothing, switch apps, make the first admin."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from edgekit.apps import set_enabled
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.provision.admin import create_admin, existing_role
from edgekit.provision.commit import Change, commit
from edgekit.provision.config import SiteConfig, SiteConfigError
from edgekit.provision.render import render


@dataclass
class ProvisionResult:
    changes: list[Change]
    admin: str
    admin_created: bool = False
    password: str | None = field(default=None, repr=False)  # shown once by the command, then gone
    apps: dict[str, bool] = field(default_factory=dict)
    tls_fingerprint: str | None = None  # the box's CA, for a technician to compare with what a phone shows
    next_steps: list[list[str]] = field(default_factory=list)


def provision(kit: Kit, config: SiteConfig, root: Path, *, dry_run: bool = False) -> ProvisionResult:
    installed = sorted(kit.plugins.apps)
    unknown = [app for app in config.apps if app not in installed]
    if unknown:
        raise SiteConfigError(
            f"apps.enabled names {', '.join(unknown)}, not installed on this box "
            f"(installed: {', '.join(installed) or 'none'}). Nothing was changed.",
            code="unknown_app",
        )
    role = existing_role(kit, config.admin)
    if role not in (None, "admin"):
        raise SiteConfigError(
            f"admin.name '{config.admin}' is an existing {role} account: choose another name. Nothing was changed.",
            code="user_exists",
        )
    changes = commit(render(config, kit.settings, root), dry_run=dry_run)
    result = ProvisionResult(changes, config.admin, next_steps=activation_steps(config))
    result.apps = {app: app in config.apps for app in installed}
    if dry_run:
        return result
    for app, enabled in result.apps.items():
        set_enabled(kit.settings.home, app, enabled)
    if role is None:
        result.password = create_admin(kit, config.admin)
        result.admin_created = True
    result.tls_fingerprint = provision_tls(kit, config)
    return result


def provision_tls(kit: Kit, config: SiteConfig) -> str:
    """The box's CA (kept if it exists: phones that installed it keep trusting the box) and a server certificate
    for its names and hotspot address (made again when those change)."""
    from edgekit.tls import fingerprint, init_tls

    # Only names the CA's constraints permit (.local and localhost): a bare hostname would fail every phone's check.
    names = ["edgekit.local", f"{config.hostname}.local", "localhost"]
    files = init_tls(kit.settings.home, config.id, names, [config.hotspot.ip])
    return fingerprint(files)


def activation_steps(config: SiteConfig) -> list[list[str]]:
    """What makes the written files take effect on a running box (each idempotent)."""
    steps = [
        ["systemd-sysusers"],
        ["systemd-tmpfiles", "--create", "/etc/tmpfiles.d/edgekit.conf"],
        ["hostname", config.hostname],
        ["systemctl", "daemon-reload"],
        ["udevadm", "control", "--reload"],
        ["systemctl", "restart", "systemd-journald"],
        ["systemctl", "try-restart", "avahi-daemon"],
    ]
    if config.hotspot.backend == "networkmanager":
        steps += [["nmcli", "connection", "reload"], ["nmcli", "connection", "up", "edgekit-hotspot"]]
    else:
        steps += [
            ["systemctl", "unmask", "hostapd"],
            ["systemctl", "enable", "--now", "systemd-networkd", "hostapd", "dnsmasq"],
        ]
    steps += [["systemctl", "enable", "edgekit"], ["systemctl", "restart", "edgekit"]]
    steps += [["systemctl", "enable", "--now", "edgekit-sync.timer"]]  # does nothing until the box enrols
    return steps


def activate(steps: list[list[str]], echo) -> None:
    """Run the steps in order; stop at the first that fails, naming it and the ones still to run."""
    for index, step in enumerate(steps):
        echo("$ " + " ".join(step))
        program = shutil.which(step[0])
        if program is None:
            raise EdgekitError(
                f"'{step[0]}' is not installed on this box. Still to do: {_rest(steps, index)}",
                code="activation_failed",
            )
        run = subprocess.run([program, *step[1:]], capture_output=True, text=True, check=False)
        if run.returncode != 0:
            reason = (run.stderr or run.stdout).strip().splitlines()[-1:] or [f"exit status {run.returncode}"]
            raise EdgekitError(
                f"'{' '.join(step)}' failed: {reason[0]}. Still to do: {_rest(steps, index)}",
                code="activation_failed",
            )


def _rest(steps: list[list[str]], index: int) -> str:
    return "; ".join("sudo " + " ".join(step) for step in steps[index:])
