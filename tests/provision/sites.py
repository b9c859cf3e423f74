"""A valid site configuration for the provisioning tests, and a way to write it as site.toml."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

PASSPHRASE = "maize harvest 2025"
KEY_B64 = base64.b64encode(bytes(range(32))).decode()  # any 32 bytes make a well-formed public key

SITE = {
    "trusted_keys": [f"ed25519 {KEY_B64} packs-2025"],
    "site": {
        "name": "St. Mary's Clinic & School",
        "id": "ke-kilifi-001",
        "region": "Kilifi County, Kenya",
        "languages": ["en", "sw"],
        "timezone": "Africa/Nairobi",
    },
    "apps": {"enabled": ["agri", "health"]},
    "hotspot": {"ssid": "Kilifi Clinic AI", "passphrase": PASSPHRASE},
    "admin": {"name": "amina"},
}


def site(**changes) -> dict:
    """SITE with changes given as section__key=value (value None removes the key)."""
    data = copy.deepcopy(SITE)
    for dotted, value in changes.items():
        section, _, key = dotted.partition("__")
        table = data.setdefault(section, {}) if key else data
        key = key or section
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return data


def to_toml(data: dict) -> str:
    """Enough TOML for these tables: strings, numbers and lists of strings (JSON writes them the TOML way)."""
    lines = [f"{key} = {json.dumps(value)}" for key, value in data.items() if not isinstance(value, dict)]
    for section, table in data.items():
        if isinstance(table, dict):
            lines.append(f"\n[{section}]")
            lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def write_site(path: Path, data: dict | None = None) -> Path:
    path.write_text(to_toml(SITE if data is None else data), encoding="utf-8")
    return path
