"""Reading rendered files back the way their programs would."""

from __future__ import annotations

import configparser
from pathlib import Path


def unit_options(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values...]}}: keys such as Environment= and ExecStartPre= repeat."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path}: '{line}' is outside any section"
        key, sep, value = line.partition("=")
        assert sep, f"{path}: '{line}' is not key=value"
        assert not value.endswith("\\"), f"{path}: a continued line"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def keyfile(path: Path) -> configparser.ConfigParser:
    """A NetworkManager keyfile (GLib key-file syntax: INI with '#' comments, case-sensitive keys)."""
    parser = configparser.ConfigParser(interpolation=None, strict=True, comment_prefixes=("#",))
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def key_values(path: Path) -> list[tuple[str, str]]:
    """hostapd, dnsmasq: one key=value (or bare key) per line, '#' comments."""
    pairs = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs.append((key, value))
    return pairs
