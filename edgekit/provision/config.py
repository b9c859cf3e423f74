"""The site configuration a technician gives `edgekit provision` (site.toml, or answers to its questions).

Every value ends up in a systemd unit, a Wi-Fi profile, a DNS or TOML file, so each is checked against what its
target can hold: a newline or a `$(...)` in a site name could add a line to a unit, and is refused with the code
`unsafe_value` before anything is written. Other mistakes are `bad_site_config`. All problems are reported at once.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from edgekit.errors import EdgekitError
from edgekit.packs.keys import PublicKey
from edgekit.provision.values import (
    BACKENDS,
    COUNTRY,
    DEFAULT_ADDRESS,
    DHCP_FIRST_HOST,
    LANGUAGES,
    Problem,
    address,
    admin_name,
    app_list,
    executable,
    hostname,
    hours,
    integer,
    interface,
    key_lines,
    languages,
    matching,
    passphrase,
    site_id,
    ssid,
    text,
    timezone,
)


class SiteConfigError(EdgekitError):
    code = "bad_site_config"
    http_status = 400


@dataclass(frozen=True)
class Hotspot:
    ssid: str
    passphrase: str = field(repr=False)  # never printed, never in device.toml
    backend: str = "networkmanager"
    interface: str = "wlan0"
    address: ipaddress.IPv4Interface = DEFAULT_ADDRESS
    channel: int = 6
    country: str | None = None

    @property
    def ip(self) -> str:
        return str(self.address.ip)

    def dhcp_range(self) -> tuple[str, str]:
        network = self.address.network
        return str(network.network_address + DHCP_FIRST_HOST), str(network.broadcast_address - 1)


@dataclass(frozen=True)
class SiteConfig:
    name: str
    id: str
    region: str
    languages: tuple[str, ...]
    timezone: str
    apps: tuple[str, ...]
    hotspot: Hotspot
    admin: str
    trusted_keys: tuple[PublicKey, ...] = ()
    hostname: str = "edgekit"
    port: int = 80
    https_port: int = 443
    memory_max_mb: int = 1536
    executable: Path | None = None  # the edgekit command the service runs; default: this one
    power: dict | None = None  # the [power] table: thresholds of the power profiles
    sync_interval_min: int = 15  # edgekit-sync.timer: how often the box syncs with the district hub
    sync_random_delay_min: int = 5  # each run up to this much later at random, so boxes do not all come at once


# --- the whole file ------------------------------------------------------------------------------------------

# section -> key -> (checker, required, default)
SCHEMA: dict[str, dict[str, tuple]] = {
    "site": {
        "name": (text, True, None),
        "id": (site_id, True, None),
        "region": (lambda v: text(v, required=False), False, ""),
        "languages": (languages, False, list(LANGUAGES)),
        "timezone": (timezone, True, None),
    },
    "apps": {"enabled": (app_list, True, None)},
    "hotspot": {
        "ssid": (ssid, True, None),
        "passphrase": (passphrase, True, None),
        "backend": (matching(re.compile("^(networkmanager|hostapd)$"), " or ".join(BACKENDS)), False, BACKENDS[0]),
        "interface": (interface, False, "wlan0"),
        "address": (address, False, str(DEFAULT_ADDRESS)),
        "channel": (integer(1, 13), False, 6),
        "country": (matching(COUNTRY, "two capital letters such as KE"), False, None),
    },
    "admin": {"name": (admin_name, True, None)},
    # Power profiles' thresholds (edgekit/power/config.py), copied into device.toml's [power] table.
    "power": {
        "eco_below": (integer(0, 100), False, 50),
        "critical_below": (integer(0, 100), False, 25),
        "shutdown_below": (integer(0, 100), False, 10),
        "eco_hours": (hours, False, [19, 6]),
        "hysteresis": (integer(0, 20), False, 3),
    },
    # The district hub: how often edgekit-sync.timer pushes and pulls (only once the box is enrolled).
    "sync": {
        "interval_min": (integer(5, 1440), False, 15),
        "random_delay_min": (integer(0, 60), False, 5),
    },
    "server": {
        "hostname": (hostname, False, "edgekit"),
        "port": (integer(1, 65535), False, 80),
        "https_port": (integer(1, 65535), False, 443),
        "memory_max_mb": (integer(512, 65536), False, 1536),
        "executable": (executable, False, None),
    },
}
TOP_LEVEL = {"trusted_keys": (key_lines, False, [])}


def parse_site_config(data: dict, source: str = "site.toml") -> SiteConfig:
    """Check every value; one SiteConfigError naming each problem, with the code unsafe_value if any of them
    could have broken a system file."""
    problems: list[Problem] = []
    values: dict[str, dict] = {}
    for name in data:
        if name not in SCHEMA and name not in TOP_LEVEL:
            problems.append(Problem(f"unknown section or key '{name}'"))
    for section, keys in SCHEMA.items():
        given = data.get(section, {})
        if not isinstance(given, dict):
            problems.append(Problem(f"[{section}] must be a table"))
            given = {}
        for key in given:
            if key not in keys:
                hint = " (there is no password setting: one is made and shown once)" if key == "password" else ""
                problems.append(Problem(f"{section}.{key}: unknown key{hint}"))
        values[section] = _check_keys(section + ".", keys, given, problems)
    top = _check_keys("", TOP_LEVEL, data, problems)
    _check_power(values.get("power", {}), problems)
    if problems:
        code = "unsafe_value" if any(p.unsafe for p in problems) else "bad_site_config"
        raise SiteConfigError(f"{source}: " + "; ".join(str(p) for p in problems) + ".", code=code)
    site, server = values["site"], values["server"]
    return SiteConfig(
        name=site["name"],
        id=site["id"],
        region=site["region"],
        languages=site["languages"],
        timezone=site["timezone"],
        apps=values["apps"]["enabled"],
        hotspot=Hotspot(**values["hotspot"]),
        admin=values["admin"]["name"],
        trusted_keys=top["trusted_keys"],
        hostname=server["hostname"],
        port=server["port"],
        https_port=server["https_port"],
        memory_max_mb=server["memory_max_mb"],
        executable=server["executable"],
        power=values["power"],
        sync_interval_min=values["sync"]["interval_min"],
        sync_random_delay_min=values["sync"]["random_delay_min"],
    )


def _check_power(power: dict, problems: list[Problem]) -> None:
    """The thresholds must fall in order: shutdown below critical below eco."""
    levels = [power.get(key) for key in ("shutdown_below", "critical_below", "eco_below")]
    if None not in levels and levels != sorted(levels):
        problems.append(Problem("power: shutdown_below <= critical_below <= eco_below is needed"))


def _check_keys(prefix: str, keys: dict[str, tuple], given: dict, problems: list[Problem]) -> dict:
    checked = {}
    for key, (check, required, default) in keys.items():
        if key not in given:
            if required:
                problems.append(Problem(f"{prefix}{key} is required"))
            checked[key] = check(default) if default is not None else None
            continue
        try:
            checked[key] = check(given[key])
        except Problem as problem:
            problems.append(Problem(f"{prefix}{key} {problem}", unsafe=problem.unsafe))
    return checked


def load_site_config(path: Path) -> SiteConfig:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteConfigError(f"{path} does not exist. Start from provisioning/site.example.toml.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SiteConfigError(f"{path}: not valid TOML ({exc}).") from exc
    return parse_site_config(data, source=str(path))
