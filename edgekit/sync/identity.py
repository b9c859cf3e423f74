"""The box's own ed25519 key pair: its name at the hub and what signs every batch it sends.

Made once with the project's key code (edgekit/packs/keys.py, as technicians' pack keys) and kept under
$EDGEKIT_HOME/keys/box/; never copied off the box. Losing it means enrolling again under a new key.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edgekit.packs.keys import PRIVATE_SUFFIX, PublicKey, check_name, create_key_pair, load_private_key, public_key_of


@dataclass(frozen=True)
class BoxIdentity:
    name: str
    private: Ed25519PrivateKey
    public: PublicKey


def identity_dir(home: Path) -> Path:
    return home / "keys" / "box"


def load_identity(home: Path, name: str | None = None) -> BoxIdentity:
    """The box's key pair, made on first use under NAME (default: the site id or the host name)."""
    directory = identity_dir(home)
    existing = sorted(directory.glob(f"*{PRIVATE_SUFFIX}")) if directory.is_dir() else []
    if existing:
        private, key_name = load_private_key(existing[0])
    else:
        pair = create_key_pair(check_name(name or _default_name()), directory)
        private, key_name = load_private_key(pair.private_path)
    return BoxIdentity(key_name, private, public_key_of(private, key_name))


def _default_name() -> str:
    import re

    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", socket.gethostname()).strip("-._")
    return cleaned[:64] or "box"
