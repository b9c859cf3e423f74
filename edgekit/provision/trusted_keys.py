"""Trusted pack keys: the ed25519 public keys whose signatures a box accepts on model and knowledge packs.

One key per line, `ed25519 <base64 of the raw 32-byte key> <name>`, the format the packs use; provisioning
writes each to $EDGEKIT_HOME/keys/trusted/<name>.pub as that same single line.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path

KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TRUSTED_DIR = Path("keys") / "trusted"


@dataclass(frozen=True)
class TrustedKey:
    name: str
    key_b64: str

    def line(self) -> str:
        return f"ed25519 {self.key_b64} {self.name}\n"

    def relative_path(self) -> Path:
        return TRUSTED_DIR / f"{self.name}.pub"


def parse_key_line(line: object) -> TrustedKey:
    """A TrustedKey, or ValueError saying what is wrong with the line."""
    if not isinstance(line, str):
        raise ValueError("a trusted key must be a line of text")
    parts = line.strip().split()
    if len(parts) != 3 or parts[0] != "ed25519":
        raise ValueError(f"trusted key '{line.strip()[:40]}' is not 'ed25519 <base64 key> <name>'")
    _, encoded, name = parts
    if not KEY_NAME.match(name):
        raise ValueError(f"trusted key name '{name[:40]}' must be letters, digits, '.', '_' or '-'")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"trusted key '{name}' is not valid base64") from None
    if len(raw) != 32:
        raise ValueError(f"trusted key '{name}' decodes to {len(raw)} bytes; an ed25519 public key is 32")
    return TrustedKey(name, encoded)
