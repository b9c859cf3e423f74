"""Signed packs: models and knowledge carried to a box with no internet on a technician's USB stick.

A pack is an uncompressed tar file (`.ekpack`; models are already dense, and a Pi's cores are better spent
elsewhere) holding `manifest.json` (every file with its size and sha256, and what each part is), `manifest.sig`
(an ed25519 signature over the manifest's exact bytes) and the files under `models/<id>/` and `knowledge/<name>/`.
A box installs a pack only when a key it trusts signed it and every file matches the manifest.
"""

from __future__ import annotations

from edgekit.errors import EdgekitError


class PackError(EdgekitError):
    """A pack that is refused. Nothing was installed: the code says why (pack_tampered, pack_unknown_key ...)."""

    code = "pack_invalid"
    http_status = 400
