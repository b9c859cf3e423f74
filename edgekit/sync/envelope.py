"""A signed envelope: the one shape every batch, enrolment, pull and down pack travels in, by network or USB.

The body is JSON text and the signature is over its exact bytes, so nothing has to be re-serialised the same way
to check it. A body names its sender; the receiver looks the sender's key up itself and never trusts a key the
body offers (except an enrolment, which a person must approve before it counts).
"""

from __future__ import annotations

import base64
import binascii
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edgekit.errors import EdgekitError
from edgekit.packs.keys import PublicKey

FORMAT = "edgekit-sync/1"
MAX_ENVELOPE_BYTES = 16 * 1024 * 1024


class SyncRefused(EdgekitError):
    code = "sync_refused"
    http_status = 400


def seal(body: dict, private: Ed25519PrivateKey) -> dict:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    signature = base64.b64encode(private.sign(text.encode("utf-8"))).decode()
    return {"format": FORMAT, "body": text, "signature": signature}


def read_body(envelope: object) -> dict:
    """The body as its sender claims it, not yet trusted: check_signature() decides that."""
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT or not isinstance(envelope.get("body"), str):
        raise SyncRefused("Not an edgekit sync envelope.", code="sync_malformed")
    if not envelope.get("signature"):
        raise SyncRefused("The batch is not signed: refused whole.", code="sync_unsigned")
    try:
        body = json.loads(envelope["body"])
    except ValueError:
        raise SyncRefused("The envelope's body is not JSON.", code="sync_malformed") from None
    if not isinstance(body, dict):
        raise SyncRefused("The envelope's body is not a JSON object.", code="sync_malformed")
    return body


def check_signature(envelope: dict, key: PublicKey) -> None:
    try:
        signature = base64.b64decode(envelope.get("signature") or "", validate=True)
        key.verifier().verify(signature, envelope["body"].encode("utf-8"))
    except (binascii.Error, InvalidSignature, ValueError):
        raise SyncRefused(
            f"The signature does not match the body for {key.name} ({key.fingerprint}): changed after signing, "
            "or sent by another box. Refused whole.",
            code="sync_signature_invalid",
        ) from None
