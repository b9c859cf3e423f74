"""The device file: what `edgekit provision` decided about this box, kept as $EDGEKIT_HOME/device.toml.

Settings reads its [site] table as one more source, below flags and environment variables and above the
defaults, so settings still flow one way (CLI flags -> Settings -> commands) and a site's time zone or languages
reach `edgekit doctor` and /healthz the way every other setting does. The Wi-Fi passphrase is never in it: that
secret lives only in the hotspot's own root-only file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from edgekit.errors import EdgekitError

DEVICE_FILE = "device.toml"

# [site] key in device.toml -> Settings field
SITE_FIELDS = {
    "name": "site_name",
    "id": "site_id",
    "region": "region",
    "languages": "languages",
    "timezone": "timezone",
    "chat_model": "chat_model",  # a technician's pin; otherwise chosen by the box's memory (settings.py)
}


class DeviceFileError(EdgekitError):
    code = "bad_device_file"


def device_file(home: Path) -> Path:
    return home / DEVICE_FILE


def read_device_file(home: Path) -> dict:
    """The whole device file; {} when the box was never provisioned; DeviceFileError when it is damaged."""
    path = device_file(home)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DeviceFileError(
            f"{path} cannot be read ({exc}). Write it again with: sudo edgekit provision --config site.toml"
        ) from exc


def site_settings(home: Path) -> dict:
    """The Settings fields the device file sets. A damaged file sets none (doctor reports it): a broken
    device.toml must never stop the CLI that repairs it from starting."""
    try:
        site = read_device_file(home).get("site", {})
    except DeviceFileError:
        return {}
    if not isinstance(site, dict):
        return {}
    return {field: site[key] for key, field in SITE_FIELDS.items() if key in site}
