"""Knowledge and model packs the hub sends down: a hub admin publishes a technician's signed pack for some boxes
(or every approved box); each box fetches it, checks it against the pack keys IT trusts, installs it and says so.

The hub never signs packs and is not trusted to: it only stores and forwards the technician's signed file, so a
hub that is broken into cannot put a model on a box. It keeps the file once under its sha256 (streamed, never read
into memory: a model pack may be a gigabyte) and one row per (pack, box) saying pending, installed or refused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection, Engine

from edgekit.errors import BadInput
from edgekit.hub import tables
from edgekit.hub.pack_tables import pack, pack_target
from edgekit.packs import PackError
from edgekit.packs.manifest import MANIFEST_FILE, MAX_MANIFEST_BYTES, parse_manifest
from edgekit.packs.source import open_pack, regular_files
from edgekit.sync.envelope import SyncRefused

CHUNK = 1024 * 1024
ACK_STATUSES = ("installed", "refused")
PACK_RECORD_KIND = "sync.pack"  # what a box writes to its outbox when it installed or refused a pack


@dataclass
class Published:
    id: int
    name: str
    sha256: str
    size: int
    boxes: list[str]


def packs_dir(home: Path) -> Path:
    return home / "packs"


def pack_file(home: Path, sha256: str) -> Path:
    return packs_dir(home) / f"{sha256}.ekpack"


def _claimed_manifest(path: Path):
    """The manifest as the pack claims it: enough to name it on the hub's pages. Whether its signature holds is
    for each box to decide, against its own trusted keys."""
    source = open_pack(path)
    try:
        files = regular_files(source)
        if MANIFEST_FILE not in files or files[MANIFEST_FILE].size > MAX_MANIFEST_BYTES:
            raise PackError(f"{path} is not an edgekit pack (no {MANIFEST_FILE}).", code="pack_invalid")
        with source.open(MANIFEST_FILE) as stream:
            return parse_manifest(stream.read(MAX_MANIFEST_BYTES))
    finally:
        source.close()


def _store(home: Path, source: Path) -> tuple[str, int]:
    """Copy the file under the hub's data directory, hashing as it goes; the same bytes are kept once."""
    directory = packs_dir(home)
    directory.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    descriptor, temporary = tempfile.mkstemp(prefix=".incoming-", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as out, source.open("rb") as stream:
            while block := stream.read(CHUNK):
                digest.update(block)
                size += len(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        os.replace(temporary, pack_file(home, sha256))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256, size


def _box_ids(connection: Connection, names: list[str], to_all: bool) -> dict[str, int]:
    approved = dict(
        connection.execute(select(tables.box.c.name, tables.box.c.id).where(tables.box.c.status == "approved")).all()
    )
    if to_all:
        return approved
    unknown = sorted(set(names) - set(approved))
    if unknown:
        raise SyncRefused(f"No approved box named {', '.join(unknown)}.", code="box_unknown")
    return {name: approved[name] for name in names}


def publish(engine: Engine, home: Path, source: Path, boxes: list[str], to_all: bool, by: str) -> Published:
    """Keep SOURCE (a signed .ekpack) and address it to BOXES or every approved box. Publishing the same file again
    adds boxes and offers it again to those that refused it (their trusted keys may have changed)."""
    if not boxes and not to_all:
        raise BadInput("Say which boxes the pack is for: --to BOX (again for more) or --all.", code="pack_no_target")
    if not source.is_file():
        raise PackError(f"{source} is not a pack file.", code="pack_not_found")
    with engine.connect() as connection:
        _box_ids(connection, boxes, to_all)  # an unknown box is refused before a byte is copied
    manifest = _claimed_manifest(source)
    sha256, size = _store(home, source)
    with engine.begin() as connection:
        targets = _box_ids(connection, boxes, to_all)
        values = {
            "name": manifest.name[:100],
            "sha256": sha256,
            "size": size,
            "signer": f"{manifest.signer_name} {manifest.signer_fingerprint}"[:120],
            "published_by": by[:64],
        }
        connection.execute(insert(pack).values(**values).on_conflict_do_nothing(index_elements=["sha256"]))
        pack_id = connection.execute(select(pack.c.id).where(pack.c.sha256 == sha256)).scalar_one()
        if targets:
            rows = [{"pack_id": pack_id, "box_id": box_id} for box_id in targets.values()]
            statement = insert(pack_target).values(rows)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["pack_id", "box_id"],
                    set_={"status": "pending", "code": "", "updated_at": func.now()},
                    where=pack_target.c.status == "refused",
                )
            )
            # A refusal the hub already holds was said before this publish: left in place it would settle the
            # target straight back to refused (_settle_from_records), so only a word sent after it counts.
            connection.execute(
                tables.other.delete().where(
                    tables.other.c.kind == PACK_RECORD_KIND,
                    tables.other.c.record_key == sha256,
                    tables.other.c.box_id.in_(list(targets.values())),
                    tables.other.c.payload["status"].astext == "refused",
                )
            )
    return Published(pack_id, manifest.name, sha256, size, sorted(targets))


def _settle_from_records(connection: Connection) -> None:
    """A box that installed (or refused) a pack from a USB stick says so in its outbox (kind sync.pack, keyed by
    sha256); once that record reached the hub, the pack is no longer pending for it."""
    connection.execute(
        pack_target.update()
        .where(
            pack_target.c.status == "pending",
            pack_target.c.pack_id == pack.c.id,
            tables.other.c.box_id == pack_target.c.box_id,
            tables.other.c.kind == PACK_RECORD_KIND,
            tables.other.c.record_key == pack.c.sha256,
            tables.other.c.payload["status"].astext.in_(ACK_STATUSES),
        )
        .values(
            status=tables.other.c.payload["status"].astext,
            code=func.coalesce(tables.other.c.payload["code"].astext, ""),
            updated_at=func.now(),
        )
    )


def pending_for(connection: Connection, box_id: int) -> list[dict]:
    """What this box has still to install, oldest first."""
    _settle_from_records(connection)
    rows = connection.execute(
        select(pack.c.id, pack.c.name, pack.c.sha256, pack.c.size)
        .join(pack_target, and_(pack_target.c.pack_id == pack.c.id, pack_target.c.box_id == box_id))
        .where(pack_target.c.status == "pending")
        .order_by(pack.c.id)
    )
    return [dict(row._mapping) for row in rows]


def acknowledge(connection: Connection, box_id: int, sha256: str, status: str, code: str = "") -> bool:
    """A box installed a pack (or refused it, with its code): it is not offered to that box again."""
    if status not in ACK_STATUSES:
        raise SyncRefused(f"A pack is acknowledged {' or '.join(ACK_STATUSES)}, not {status!r}.", code="sync_malformed")
    pack_id = connection.execute(select(pack.c.id).where(pack.c.sha256 == str(sha256))).scalar()
    if pack_id is None:
        return False
    changed = connection.execute(
        pack_target.update()
        .where(pack_target.c.pack_id == pack_id, pack_target.c.box_id == box_id, pack_target.c.status == "pending")
        .values(status=status, code=str(code)[:64], updated_at=func.now())
    ).rowcount
    return bool(changed)


def published(connection: Connection) -> list[dict]:
    """Every published pack with its boxes and what each did, for the admin page and `edgekit hub packs list`."""
    _settle_from_records(connection)
    rows = connection.execute(
        select(pack, tables.box.c.name.label("box"), pack_target.c.status, pack_target.c.code)
        .join(pack_target, pack_target.c.pack_id == pack.c.id)
        .join(tables.box, tables.box.c.id == pack_target.c.box_id)
        .order_by(pack.c.id, tables.box.c.name)
    ).mappings()
    found: dict[int, dict] = {}
    for row in rows:
        entry = found.setdefault(
            row["id"],
            {key: row[key] for key in ("id", "name", "sha256", "size", "signer", "published_at")} | {"boxes": []},
        )
        entry["boxes"].append({"box": row["box"], "status": row["status"], "code": row["code"]})
    return list(found.values())


def copy_to(home: Path, sha256: str, target: Path) -> None:
    """Put a stored pack on a USB stick (streamed; written beside its name and renamed, whole or not at all)."""
    destination = target / f"{sha256}.ekpack"
    source = pack_file(home, sha256)
    if destination.is_file() and destination.stat().st_size == source.stat().st_size:
        return  # the stick carries it already (the box checks every byte anyway)
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f".{sha256}.partial"
    with source.open("rb") as stream, partial.open("wb") as out:
        shutil.copyfileobj(stream, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(destination)
