"""Render the templates in provisioning/ for one site: the files a box needs, as bytes, not yet written.

Templates are string.Template files: a value is put in once and never read again as a template, and every value
was checked by config.py first. Nothing here depends on the clock or on the order of a dict, so rendering twice
gives the same bytes.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from string import Template
from xml.sax.saxutils import escape

from edgekit.device import DEVICE_FILE
from edgekit.packs.keys import PUBLIC_SUFFIX, trusted_dir
from edgekit.provision.config import SiteConfig, SiteConfigError
from edgekit.provision.values import SAFE_PATH
from edgekit.settings import Settings

# What the web server, Python and onnxruntime need beside the models, inside the service's MemoryMax.
SERVICE_OVERHEAD_MB = 400
ZONEINFO = Path("/usr/share/zoneinfo")


@dataclass(frozen=True)
class Output:
    template: str  # under provisioning/
    target: str  # under the root, or "home:" + a path under the data directory
    mode: int = 0o644
    backend: str | None = None  # only for this hotspot backend


OUTPUTS = (
    Output("systemd/edgekit.service", "etc/systemd/system/edgekit.service"),
    Output("systemd/edgekit-usb-import@.service", "etc/systemd/system/edgekit-usb-import@.service"),
    Output("systemd/edgekit-sync.service", "etc/systemd/system/edgekit-sync.service"),
    Output("systemd/edgekit-sync.timer", "etc/systemd/system/edgekit-sync.timer"),
    Output("udev/90-edgekit-usb-import.rules", "etc/udev/rules.d/90-edgekit-usb-import.rules"),
    Output("systemd/journald.conf", "etc/systemd/journald.conf.d/edgekit.conf"),
    Output("system/sysusers.conf", "etc/sysusers.d/edgekit.conf"),
    Output("system/tmpfiles.conf", "etc/tmpfiles.d/edgekit.conf"),
    Output("system/polkit-poweroff.rules", "etc/polkit-1/rules.d/50-edgekit-poweroff.rules"),
    Output("system/hostname", "etc/hostname"),
    Output("system/hosts", "etc/hosts"),
    Output("system/timezone", "etc/timezone"),
    Output("mdns/edgekit.service", "etc/avahi/services/edgekit.service"),
    Output(
        "network/edgekit-hotspot.nmconnection",
        "etc/NetworkManager/system-connections/edgekit-hotspot.nmconnection",
        0o600,
        "networkmanager",
    ),
    Output(
        "network/nm-dnsmasq-shared.conf", "etc/NetworkManager/dnsmasq-shared.d/edgekit.conf", 0o644, "networkmanager"
    ),
    Output("network/hostapd.conf", "etc/hostapd/hostapd.conf", 0o600, "hostapd"),
    Output("network/dnsmasq.conf", "etc/dnsmasq.d/edgekit.conf", 0o644, "hostapd"),
    Output("network/hotspot.network", "etc/systemd/network/10-edgekit-hotspot.network", 0o644, "hostapd"),
    Output("system/device.toml", "home:" + DEVICE_FILE, 0o640),
)


@dataclass(frozen=True)
class PlannedFile:
    """One file to put in place: its bytes, or a symbolic link, or (remove=True) a file of ours to take away."""

    path: Path
    content: bytes = b""
    mode: int = 0o644
    link_to: str | None = None
    remove: bool = False


def templates_dir() -> Path:
    """provisioning/ beside the package in a checkout, or the copy inside the wheel."""
    package_dir = Path(__file__).resolve().parents[1]
    in_wheel = package_dir / "provisioning_data"
    return in_wheel if in_wheel.is_dir() else package_dir.parent / "provisioning"


def default_executable() -> Path:
    """The edgekit command beside the Python running this one (the virtual environment's)."""
    return Path(sys.executable).parent / "edgekit"


def render(config: SiteConfig, settings: Settings, root: Path) -> list[PlannedFile]:
    """Every file provisioning writes, in a fixed order; the other hotspot backend's files are marked for removal."""
    values = template_values(config, settings)
    source = templates_dir()
    planned = []
    for output in OUTPUTS:
        target = _target(output.target, root, settings.home)
        if output.backend not in (None, config.hotspot.backend):
            planned.append(PlannedFile(target, remove=True))
            continue
        text = Template((source / output.template).read_text(encoding="utf-8")).substitute(values)
        planned.append(PlannedFile(target, text.encode(), output.mode))
    planned.append(PlannedFile(root / "etc/localtime", link_to=str(ZONEINFO / config.timezone)))
    for key in config.trusted_keys:
        planned.append(
            PlannedFile(trusted_dir(settings.home) / f"{key.name}{PUBLIC_SUFFIX}", key.line().encode(), 0o644)
        )
    return planned


def _target(target: str, root: Path, home: Path) -> Path:
    return home / target.removeprefix("home:") if target.startswith("home:") else root / target


def template_values(config: SiteConfig, settings: Settings) -> dict[str, str]:
    home = _safe_path("the data directory (EDGEKIT_HOME)", settings.home)
    executable = _safe_path("server.executable", config.executable or default_executable())
    paths = [home, executable]
    models_environment = ""
    if settings.models_dir_override:
        models = _safe_path("EDGEKIT_MODELS_DIR", settings.models_dir_override)
        models_environment = f"\nEnvironment=EDGEKIT_MODELS_DIR={models}"
        paths.append(models)
    hotspot = config.hotspot
    dhcp_start, dhcp_end = hotspot.dhcp_range()
    country_lines = f"\ncountry_code={hotspot.country}\nieee80211d=1" if hotspot.country else ""
    values = {
        "site_name": config.name,
        "site_id": config.id,
        "timezone": config.timezone,
        "hostname": config.hostname,
        "home": str(home),
        "executable": str(executable),
        "models_environment": models_environment,
        # A program under /home needs /home readable; otherwise the service cannot see it at all.
        "protect_home": "read-only" if any(_under_home(p) for p in paths) else "yes",
        "port": str(config.port),
        "https_port": str(config.https_port),
        "memory_max_mb": str(config.memory_max_mb),
        "ram_budget_mb": str(config.memory_max_mb - SERVICE_OVERHEAD_MB),
        "log_file_kb": str(settings.log_file_kb),
        "site_name_xml": escape(config.name),
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{config.id}.hotspot.edgekit")),
        "interface": hotspot.interface,
        "ssid": hotspot.ssid,
        "passphrase": hotspot.passphrase,
        "channel": str(hotspot.channel),
        "country_lines": country_lines,
        "address": str(hotspot.address),
        "ip": hotspot.ip,
        "netmask": str(hotspot.address.netmask),
        "dhcp_start": dhcp_start,
        "dhcp_end": dhcp_end,
        "sync_interval_min": str(config.sync_interval_min),
        "sync_random_delay_min": str(config.sync_random_delay_min),
    }
    toml_values = {
        "site_name": config.name,
        "site_id": config.id,
        "region": config.region,
        "languages": list(config.languages),
        "timezone": config.timezone,
        "apps": list(config.apps),
        "trusted_keys": [key.name for key in config.trusted_keys],
        "ssid": hotspot.ssid,
        "backend": hotspot.backend,
        "interface": hotspot.interface,
        "address": str(hotspot.address),
        "hostname": config.hostname,
    }
    # A JSON string or list of strings is a valid TOML value.
    values.update({f"{key}_toml": json.dumps(value, ensure_ascii=False) for key, value in toml_values.items()})
    power = config.power or {}
    # Numbers and a list of two numbers, or false: each a valid TOML value as JSON writes it.
    values["power_table"] = "".join(
        f"{key} = {json.dumps(False if value is None else list(value) if isinstance(value, tuple) else value)}\n"
        for key, value in power.items()
    )
    return values


def _safe_path(what: str, path: Path) -> Path:
    path = Path(path).absolute()
    if not SAFE_PATH.match(str(path)):
        raise SiteConfigError(
            f"{what} {str(path)!r} has characters a systemd unit cannot hold safely: use letters, digits, "
            f"'.', '_', '-' and '/' only.",
            code="unsafe_value",
        )
    return path


def _under_home(path: Path) -> bool:
    return path.parts[:2] in (("/", "home"), ("/", "root"))
