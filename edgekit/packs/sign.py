"""Signing a manifest and checking its signature against the keys this box trusts.

The signature is checked against every trusted key, never only the one the manifest names: the manifest is not
trusted until its signature is, so what it claims about its signer only decides how a refusal is worded.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edgekit.packs import PackError
from edgekit.packs.keys import PublicKey, trusted_keys
from edgekit.packs.manifest import claimed_fingerprint

SIGNATURE_BYTES = 64


def sign_manifest(manifest_bytes: bytes, private: Ed25519PrivateKey) -> bytes:
    """The detached signature file: the 64-byte ed25519 signature in base64, one line."""
    return base64.b64encode(private.sign(manifest_bytes)) + b"\n"


def verify_manifest(manifest_bytes: bytes, signature_file: bytes, home: Path) -> PublicKey:
    """The trusted key that signed these exact bytes, or pack_unknown_key / pack_signature_invalid."""
    try:
        signature = base64.b64decode(signature_file.strip(), validate=True)
    except binascii.Error:
        signature = b""
    if len(signature) == SIGNATURE_BYTES:
        for key in trusted_keys(home):
            try:
                key.verifier().verify(signature, manifest_bytes)
                return key
            except InvalidSignature:
                continue
    claimed = claimed_fingerprint(manifest_bytes)
    if claimed is not None and claimed not in {key.fingerprint for key in trusted_keys(home)}:
        raise PackError(
            f"The pack is signed by a key this box does not trust ({claimed}). Trust the technician's public key "
            f"first (edgekit keys trust FILE). Refused, nothing installed.",
            code="pack_unknown_key",
        )
    raise PackError(
        "The pack's signature does not match its manifest: the manifest was changed after signing, or the "
        "signature is damaged. Refused, nothing installed.",
        code="pack_signature_invalid",
    )
