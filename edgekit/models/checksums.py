"""sha256 of model files, and a stamp so that a verified file is not hashed again on every load.

The stamp records size and modification time beside the digest. Any write to the file (a flipped byte, a
truncated copy) changes one of them, and then the file is hashed in full again before anything may load it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

CHUNK = 1024 * 1024
STAMP_FILE = ".verified.json"

Progress = Callable[[int], None]  # called with bytes just processed


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
            if progress:
                progress(len(block))
    return digest.hexdigest()


def _fingerprint(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def read_stamp(model_dir: Path) -> dict[str, dict]:
    try:
        return json.loads((model_dir / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return {}


def write_stamp(model_dir: Path, digests: dict[str, str]) -> None:
    stamp = {rel: {"sha256": digest, "stat": _fingerprint(model_dir / rel)} for rel, digest in digests.items()}
    tmp = model_dir / (STAMP_FILE + ".tmp")
    tmp.write_text(json.dumps(stamp, indent=1))
    os.replace(tmp, model_dir / STAMP_FILE)


def stamp_still_valid(model_dir: Path, rel: str, expected: str | None, stamp: dict[str, dict]) -> bool:
    """True when the file was verified before and has not been touched since."""
    entry = stamp.get(rel)
    if not entry:
        return False
    if expected is not None and entry.get("sha256") != expected:
        return False
    try:
        return entry.get("stat") == _fingerprint(model_dir / rel)
    except OSError:
        return False
