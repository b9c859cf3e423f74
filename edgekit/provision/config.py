"""The site configuration a technician gives `edgekit provision` (site.toml, or answers to its questions).

Every value ends up in a systemd unit, a Wi-Fi profile, a DNS or TOML file, so each is checked against what its
target can hold: a newline or a `$(...)` in a site name could add a line to a unit, and is refused with the code
`unsafe_value` before anything is written. Other mistakes are `bad_site_config`. All problems are reported at once.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from edgekit.auth import NAME_PATTERN
from edgekit.errors import EdgekitError
from edgekit.provision.trusted_keys import TrustedKey, parse_key_line

LANGUAGES = ("en", "sw", "fr")
BACKENDS = ("networkmanager", "hostapd")
SITE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
APP_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
INTERFACE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
TIMEZONE = re.compile(r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/-]*$")
# Characters that mean something to a shell, a systemd unit (% specifiers, \\ escapes), XML or TOML quoting.
UNSAFE_TEXT = set('\\`$;|<>"%{}')
DHCP_FIRST_HOST = 10  # leases start here; the box's own address sits below it
DEFAULT_ADDRESS = ipaddress.IPv4Interface("10.42.0.1/24")  # NetworkManager's own choice for a shared connection


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
    trusted_keys: tuple[TrustedKey, ...] = ()
    hostname: str = "edgekit"
    port: int = 80
    memory_max_mb: int = 1536
    executable: Path | None = None  # the edgekit command the service runs; default: this one


# --- one value at a time (the interactive prompts use these too) -------------------------------------------


class Problem(ValueError):
    def __init__(self, message: str, *, unsafe: bool = False):
        super().__init__(message)
        self.unsafe = unsafe


def text(value: object, *, required: bool = True, max_chars: int = 80) -> str:
    if not isinstance(value, str):
        raise Problem("must be text")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise Problem("must be one line (no newlines or control characters)", unsafe=True)
    bad = sorted(set(value) & UNSAFE_TEXT)
    if bad:
        raise Problem(f"must not contain {' '.join(bad)} (they could change a system file)", unsafe=True)
    value = value.strip()
    if required and not value:
        raise Problem("is required")
    if len(value) > max_chars:
        raise Problem(f"is at most {max_chars} characters")
    return value


def matching(pattern: re.Pattern, what: str):
    def check(value: object) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            unsafe = isinstance(value, str) and bool(set(value) & (UNSAFE_TEXT | set("\n\r")))
            raise Problem(f"must be {what}", unsafe=unsafe)
        return value

    return check


site_id = matching(SITE_ID, "2-40 lower-case letters, digits or '-', such as ke-kilifi-001")
hostname = matching(HOSTNAME, "a host name: lower-case letters, digits and '-', such as edgekit")
interface = matching(INTERFACE, "a network interface name such as wlan0")
app_id = matching(APP_ID, "an app id such as agri")


def admin_name(value: object) -> str:
    return matching(NAME_PATTERN, "2-32 lower-case letters, digits, '.', '-' or '_'")(
        value.strip().lower() if isinstance(value, str) else value
    )


def languages(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise Problem(f"must be a list of one or more of {', '.join(LANGUAGES)}")
    unknown = [v for v in value if v not in LANGUAGES]
    if unknown:
        raise Problem(f"{', '.join(unknown)} not offered; choose from {', '.join(LANGUAGES)}")
    return tuple(dict.fromkeys(value))


def timezone(value: object) -> str:
    zone = matching(TIMEZONE, "a time zone such as Africa/Nairobi")(value)
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Problem(f"'{zone}' is not a known time zone (for example Africa/Nairobi, Africa/Kinshasa)") from None
    return zone


def app_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise Problem("must be a list of app ids")
    return tuple(dict.fromkeys(app_id(v) for v in value))


def ssid(value: object) -> str:
    name = text(value, max_chars=32)
    if len(name.encode()) > 32:
        raise Problem("is at most 32 bytes (a Wi-Fi rule)")
    if name != value:
        raise Problem("must not start or end with a space")
    return name


def passphrase(value: object) -> str:
    if not isinstance(value, str):
        raise Problem("must be text")
    if any(not (32 <= ord(c) < 127) for c in value):
        raise Problem("must be plain ASCII letters, digits and symbols on one line (WPA2)", unsafe=True)
    if "\\" in value:
        raise Problem("must not contain \\ (it is an escape in the Wi-Fi profile)", unsafe=True)
    if not 8 <= len(value) <= 63:
        raise Problem("must be 8 to 63 characters (WPA2)")
    if value != value.strip():
        raise Problem("must not start or end with a space")
    return value


def address(value: object) -> ipaddress.IPv4Interface:
    try:
        found = ipaddress.IPv4Interface(str(value))
    except ValueError:
        raise Problem("must be an address with its prefix, such as 10.42.0.1/24") from None
    network = found.network
    if not network.is_private or not 16 <= network.prefixlen <= 26:
        raise Problem("must be in a private network of size /16 to /26, such as 10.42.0.1/24")
    if int(found.ip) - int(network.network_address) not in range(1, DHCP_FIRST_HOST):
        raise Problem(f"must be one of the first {DHCP_FIRST_HOST - 1} addresses of its network (e.g. 10.42.0.1)")
    return found


def integer(low: int, high: int):
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Problem(f"must be a whole number from {low} to {high}")
        return value

    return check


def executable(value: object) -> Path:
    if not isinstance(value, str) or not SAFE_PATH.match(value):
        raise Problem("must be an absolute path of letters, digits, '.', '_', '-' and '/'", unsafe=True)
    return Path(value)


def key_lines(value: object) -> tuple[TrustedKey, ...]:
    if not isinstance(value, list):
        raise Problem("must be a list of lines 'ed25519 <base64 key> <name>'")
    keys = []
    for line in value:
        try:
            keys.append(parse_key_line(line))
        except ValueError as exc:
            raise Problem(str(exc), unsafe="\n" in str(line)) from None
    names = [k.name for k in keys]
    if len(set(names)) != len(names):
        raise Problem("two keys have the same name")
    return tuple(keys)


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
    "server": {
        "hostname": (hostname, False, "edgekit"),
        "port": (integer(1, 65535), False, 80),
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
        memory_max_mb=server["memory_max_mb"],
        executable=server["executable"],
    )


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
