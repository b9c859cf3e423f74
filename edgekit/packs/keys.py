"""Technicians' signing keys (ed25519) and the keys a box trusts.

A technician signs packs with a private key kept on their own machine; a box accepts a pack only when it is signed
by one of the public keys in $EDGEKIT_HOME/keys/trusted/<name>.pub. A public key is one line,
`ed25519 <base64 of the raw 32 bytes> <name>`, short enough to read over the phone and to put in a site config.
A key is known by its fingerprint, `SHA256:<base64 of the sha256 of the raw bytes>` (as OpenSSH shows them).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from edgekit.errors import EdgekitError

KEY_TYPE = "ed25519"
KEY_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # a file name, never hidden (as provisioning)
PRIVATE_SUFFIX = ".key"
PUBLIC_SUFFIX = ".pub"


class KeyProblem(EdgekitError):
    code = "key_invalid"
    http_status = 400


@dataclass(frozen=True)
class PublicKey:
    name: str
    raw: bytes  # the 32 bytes of the ed25519 public key

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    def line(self) -> str:
        return f"{KEY_TYPE} {base64.b64encode(self.raw).decode()} {self.name}\n"

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)


def fingerprint(raw: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def check_name(name: str) -> str:
    if not KEY_NAME_PATTERN.match(name):
        raise KeyProblem(
            f"Key name '{name}' must be letters, digits, '.', '_' or '-' (it names a file).",
            code="key_name_invalid",
        )
    return name


def default_key_name() -> str:
    """The technician's user name, made fit for a file name."""
    import getpass

    cleaned = re.sub(r"[^a-z0-9._-]+", "-", getpass.getuser().lower()).strip("-._")
    return cleaned[:64] or "technician"


def parse_public_key(text: str, origin: str) -> PublicKey:
    """One line `ed25519 BASE64 NAME`; anything else is a clear error naming where it came from."""
    fields = text.strip().split()
    if len(fields) != 3 or fields[0] != KEY_TYPE:
        raise KeyProblem(f"{origin} is not an edgekit public key: expected one line 'ed25519 BASE64 NAME'.")
    try:
        raw = base64.b64decode(fields[1], validate=True)
    except binascii.Error:
        raise KeyProblem(f"{origin}: the key is not valid base64.") from None
    if len(raw) != 32:
        raise KeyProblem(f"{origin}: an ed25519 public key is 32 bytes, this one is {len(raw)}.")
    return PublicKey(check_name(fields[2]), raw)


# --- key pairs ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    name: str
    private_path: Path
    public_path: Path
    public: PublicKey


def create_key_pair(name: str, out_dir: Path, passphrase: str | None = None) -> KeyPair:
    """Write NAME.key (PKCS#8 PEM, mode 0600, encrypted when a passphrase is given) and NAME.pub. An existing key
    is never overwritten: losing a private key means every box must be told to trust a new one."""
    check_name(name)
    private_path = out_dir / f"{name}{PRIVATE_SUFFIX}"
    public_path = out_dir / f"{name}{PUBLIC_SUFFIX}"
    for path in (private_path, public_path):
        if path.exists():
            raise KeyProblem(f"{path} exists: a key is never overwritten. Choose another --name.", code="key_exists")
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public = public_key_of(private, name)
    _write_new(private_path, pem, 0o600)  # created 0600: the secret is never readable by others, not even briefly
    _write_new(public_path, public.line().encode(), 0o644)
    return KeyPair(name, private_path, public_path, public)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    os.chmod(path, mode)  # the umask may have taken bits from the public key's mode


def private_key_is_encrypted(path: Path) -> bool:
    return b"ENCRYPTED" in _read_key(path).split(b"\n", 1)[0]


def load_private_key(path: Path, passphrase: str | None = None) -> tuple[Ed25519PrivateKey, str]:
    """The signing key and its name (the file name without .key)."""
    data = _read_key(path)
    try:
        key = serialization.load_pem_private_key(data, password=passphrase.encode() if passphrase else None)
    except TypeError:
        raise KeyProblem(f"{path} is protected by a passphrase: give it.", code="key_passphrase_needed") from None
    except ValueError:
        raise KeyProblem(
            f"{path} could not be read: a wrong passphrase, or not an edgekit private key.", code="key_unreadable"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"{path} is not an ed25519 key (edgekit keys create makes one).")
    name = path.name.removesuffix(PRIVATE_SUFFIX)
    return key, check_name(name)


def _read_key(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyProblem(f"Cannot read the key {path}: {exc.strerror or exc}.", code="key_not_found") from exc


def public_key_of(private: Ed25519PrivateKey, name: str) -> PublicKey:
    return PublicKey(name, _raw_public(private))


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# --- the keys this box trusts ---------------------------------------------------------------------------------


def trusted_dir(home: Path) -> Path:
    return home / "keys" / "trusted"


def private_dir(home: Path) -> Path:
    """Where `keys create` puts a key pair unless told otherwise; never copied by a backup."""
    return home / "keys" / "private"


@dataclass(frozen=True)
class TrustedKeyFile:
    """One file in keys/trusted: its key, or why it cannot be used (so `keys list` shows a broken file)."""

    name: str
    path: Path
    key: PublicKey | None
    problem: str = ""


def trusted_key_files(home: Path) -> list[TrustedKeyFile]:
    directory = trusted_dir(home)
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob(f"*{PUBLIC_SUFFIX}"), key=lambda p: p.name.removesuffix(PUBLIC_SUFFIX)):
        name = path.name.removesuffix(PUBLIC_SUFFIX)
        try:
            key = parse_public_key(path.read_text(encoding="utf-8"), str(path))
            # The file name is the key's name on this box: `keys untrust NAME` and the pack's signer refer to it.
            found.append(TrustedKeyFile(name, path, PublicKey(name, key.raw)))
        except (EdgekitError, OSError, UnicodeDecodeError) as exc:
            found.append(TrustedKeyFile(name, path, None, getattr(exc, "message", str(exc))))
    return found


def trusted_keys(home: Path) -> list[PublicKey]:
    return [entry.key for entry in trusted_key_files(home) if entry.key is not None]


def find_trusted(home: Path, key_fingerprint: str) -> PublicKey | None:
    return next((key for key in trusted_keys(home) if key.fingerprint == key_fingerprint), None)


def trust(home: Path, path: Path, name: str | None = None) -> tuple[PublicKey, bool]:
    """Add a public key file to the trusted keys. Returns the key and whether it was new (trusting the same key
    again changes nothing); a different key under a name already used is refused."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyProblem(f"Cannot read {path}: {getattr(exc, 'strerror', None) or exc}.", code="key_not_found") from exc
    key = parse_public_key(text, str(path))
    key = PublicKey(check_name(name), key.raw) if name else key
    for existing in trusted_keys(home):
        if existing.raw == key.raw:
            return existing, False
        if existing.name == key.name:
            raise KeyProblem(
                f"Another key is trusted as '{key.name}' ({existing.fingerprint}). Untrust it first "
                f"(edgekit keys untrust {key.name}) or give this one another name (--name).",
                code="key_exists",
            )
    directory = trusted_dir(home)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{key.name}{PUBLIC_SUFFIX}.tmp"
    temporary.write_text(key.line(), encoding="utf-8")
    temporary.replace(directory / f"{key.name}{PUBLIC_SUFFIX}")
    return key, True


def untrust(home: Path, name: str) -> None:
    path = trusted_dir(home) / f"{check_name(name)}{PUBLIC_SUFFIX}"
    if not path.is_file():
        known = ", ".join(entry.name for entry in trusted_key_files(home)) or "none"
        raise KeyProblem(f"No trusted key named '{name}'. Trusted keys: {known}.", code="key_not_found")
    path.unlink()
