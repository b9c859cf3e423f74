"""Sync packs on a USB stick, for boxes the network does not reach: the same sealed batches as HTTPS, as files.

Up:   DIR/edgekit-sync/up/<box>/enrol.json and batch-<first>-<last>.json (`edgekit sync export --to DIR`)
Down: DIR/edgekit-sync/down/<box>.json, sealed by the hub (`edgekit hub export --to DIR`), read by
      `edgekit sync import DIR`.
A stick may be plugged into the box again and again: each export writes what the hub has not acknowledged, and the
hub keeps each record once. Files are written beside their name and renamed, so a stick pulled out half way leaves
whole files or none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from edgekit.errors import EdgekitError
from edgekit.sync import batches, inbox, renumber, state
from edgekit.sync.client import verified_down
from edgekit.sync.identity import BoxIdentity

ROOT = "edgekit-sync"


def write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        json.dump(document, stream)
        stream.flush()
        os.fsync(stream.fileno())
    temporary.replace(path)


def export_up(engine: Engine, identity: BoxIdentity, target: Path, facility: str, district: str = "") -> int:
    """Write the enrolment request and every batch the hub has not acknowledged. Returns the batch count."""
    folder = target / ROOT / "up" / identity.name
    write_json(folder / "enrol.json", batches.enrolment(identity, facility, district))
    written = 0
    with Session(engine) as session:
        for envelope in batches.next_batches(session, identity, state.get_int(session, state.ACKED_SEQ)):
            body = json.loads(envelope["body"])
            write_json(folder / f"batch-{body['first_seq']:012d}-{body['last_seq']:012d}.json", envelope)
            written += 1
    return written


def import_down(engine: Engine, identity: BoxIdentity, home: Path, source: Path) -> int:
    """Apply the hub's down pack for this box. Returns how many items were new."""
    path = source / ROOT / "down" / f"{identity.name}.json"
    try:
        envelope = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EdgekitError(f"No down pack for {identity.name} in {source}.", code="sync_pack_missing") from None
    except (OSError, ValueError) as exc:
        raise EdgekitError(f"{path} cannot be read: {exc}.", code="sync_malformed") from None
    with Session(engine) as session:
        body = verified_down(envelope, state.get(session, state.HUB_KEY), identity.name)
        applied = inbox.apply_items(session, home, body["items"])
        hub_acked = int(body.get("acked_seq", 0))
        # A box restored from an older backup never hears by USB that the hub refused its batch: its unsent rows
        # are renumbered past the hub's before ACKED_SEQ moves past them (committed with the items, then reported).
        renumber.report_hub_ahead(session, hub_acked)
        state.put(session, state.ACKED_SEQ, max(state.get_int(session, state.ACKED_SEQ), hub_acked))
        session.commit()
    return applied
