"""Checks for one value of a site's configuration, each against what its target file can hold.

Each returns the value (normalised) or raises Problem; a Problem marked unsafe is a value that could have changed a
system file (a newline in a unit, a `$(...)`, a systemd % specifier). config.py applies them to a whole site.toml;
the interactive questions of `edgekit provision` apply them to each answer as it is given.
"""

from __future__ import annotations

import ipaddress
import re
import zoneinfo
from pathlib import Path

from edgekit.accounts.roles import NAME_PATTERN
from edgekit.packs.keys import KeyProblem, PublicKey, parse_public_key

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


def hours(value: object) -> tuple[int, int] | None:
    """Two hours of the day, from and until ([19, 6]: the night), or false for none."""
    if value is False:
        return None
    if not isinstance(value, list) or len(value) != 2 or not all(isinstance(h, int) and 0 <= h <= 23 for h in value):
        raise Problem("must be two hours of the day from 0 to 23, such as [19, 6], or false")
    return (value[0], value[1])


def executable(value: object) -> Path:
    if not isinstance(value, str) or not SAFE_PATH.match(value):
        raise Problem("must be an absolute path of letters, digits, '.', '_', '-' and '/'", unsafe=True)
    return Path(value)


def key_lines(value: object) -> tuple[PublicKey, ...]:
    if not isinstance(value, list):
        raise Problem("must be a list of lines 'ed25519 <base64 key> <name>'")
    keys = []
    for line in value:
        if not isinstance(line, str):
            raise Problem("a trusted key must be a line of text")
        try:
            keys.append(parse_public_key(line, f"trusted key '{line.strip()[:40]}'"))
        except KeyProblem as exc:
            raise Problem(exc.message.rstrip("."), unsafe="\n" in line.strip()) from None
    names = [k.name for k in keys]
    if len(set(names)) != len(names):
        raise Problem("two keys have the same name")
    return tuple(keys)
