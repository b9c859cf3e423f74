"""Packs the hub sent down, on the box: fetch, check, install through the one pack importer, and say so.

The hub is trusted to say WHICH file (a list sealed by its key names each pack's sha256 and size) but not WHAT may
be installed: the pack itself must be signed by a technician's key this box trusts, checked by the same importer
`edgekit packs import` uses, so a pack signed by an unknown key is refused (pack_unknown_key) with nothing
installed. Model packs are large: the download streams to a file under the data directory (resumed with an HTTP
range after a cut), hashed on the way, never held in memory, and only after the free space was checked.

Each pack is remembered by sha256 in sync_setting and reported in the outbox (kind sync.pack), so the same pack by
network and by stick, or twice, is installed once; the hub stops offering it when the acknowledgement arrives.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from edgekit.errors import EdgekitError
from edgekit.packs import PackError
from edgekit.packs.importer import SPACE_MARGIN_BYTES, import_pack
from edgekit.packs.keys import parse_public_key
from edgekit.store.tables import utc_now
from edgekit.sync import state
from edgekit.sync.client import TIMEOUT_S, HubUnreachable, post_json
from edgekit.sync.envelope import check_signature, read_body, seal
from edgekit.sync.identity import BoxIdentity
from edgekit.sync.outbox import add_to_outbox

CHUNK = 1024 * 1024
DOWNLOADS = ".pack-downloads"  # under the data directory: the same disk the importer stages on
RECORD_KIND = "sync.pack"  # the hub settles a pack for this box when this record arrives
REQUEST_HEADER = "X-Edgekit-Request"
SETTING_PREFIX = "pack:"
# Refusals that another try cannot cure: the hub stops offering the pack (publishing it again re-offers it).
TRANSIENT_CODES = ("pack_no_space",)


class PackDownloadCorrupt(EdgekitError):
    code = "pack_download_corrupt"
    http_status = 502


@dataclass
class PackOutcome:
    name: str
    sha256: str
    status: str  # installed | already | refused | failed (not acknowledged: tried again next time)
    code: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "status": self.status, "code": self.code}


def _setting_key(sha256: str) -> str:
    return SETTING_PREFIX + sha256[:59]  # sync_setting keys are up to 64 characters


def known_outcome(session: Session, sha256: str) -> str:
    return state.get(session, _setting_key(sha256))


def remember(session: Session, item: dict, status: str, code: str = "") -> None:
    """This box's word on a pack, kept and queued for the hub in one transaction (the caller commits)."""
    state.put(session, _setting_key(item["sha256"]), f"{status}:{code}" if code else status)
    payload = {"name": item["name"], "sha256": item["sha256"], "status": status, "code": code}
    add_to_outbox(session, RECORD_KIND, item["sha256"], payload)


def verified_listing(envelope: dict, hub_key_line: str, box_name: str) -> list[dict]:
    body = read_body(envelope)
    if not hub_key_line:
        raise EdgekitError("This box does not know the hub's key yet: enrol first.", code="hub_key_unknown")
    check_signature(envelope, parse_public_key(hub_key_line, "the hub's key"))
    if body.get("type") != "packs" or body.get("box") != box_name:
        raise EdgekitError(f"This list of packs is for {body.get('box')}, not {box_name}.", code="sync_wrong_box")
    # The sha256 names the file on disk and in the URL: only 64 hex digits, never a path; an entry without a
    # whole size or name is passed over rather than failing the list.
    return [
        {"name": str(p["name"]), "sha256": str(p["sha256"]), "size": p["size"]}
        for p in body.get("packs", [])
        if isinstance(p, dict)
        and re.fullmatch(r"[0-9a-f]{64}", str(p.get("sha256", "")))
        and isinstance(p.get("size"), int)
        and p["size"] >= 0
        and p.get("name")
    ]


def require_space(directory: Path, needed: int) -> None:
    """The download and the importer's staged copy both land on this disk, with room left for the database."""
    directory.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise PackError(
            f"Not enough space in {directory} for a pack from the hub: {needed / 1e6:.0f} MB needed, "
            f"{free / 1e6:.0f} MB free. Free some space (edgekit models remove ID); it is tried again next sync.",
            code="pack_no_space",
            http_status=507,
        )


def install(kit_for_import: Callable[[], object], session_engine: Engine, item: dict, path: Path) -> PackOutcome:
    """Install a pack whose bytes match the hub's sha256, through the importer; remember the box's word."""
    with Session(session_engine) as session:
        if known_outcome(session, item["sha256"]).startswith("installed"):
            return PackOutcome(item["name"], item["sha256"], "already")
    try:
        import_pack(kit_for_import(), path)  # type: ignore[arg-type]
    except PackError as exc:
        if exc.code in TRANSIENT_CODES:
            return PackOutcome(item["name"], item["sha256"], "failed", exc.code)
        with Session(session_engine) as session:
            remember(session, item, "refused", exc.code)
            session.commit()
        return PackOutcome(item["name"], item["sha256"], "refused", exc.code)
    with Session(session_engine) as session:
        remember(session, item, "installed")
        session.commit()
    return PackOutcome(item["name"], item["sha256"], "installed")


def hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


# --- by network -----------------------------------------------------------------------------------------------


def _signed(identity: BoxIdentity, kind: str, **fields) -> dict:
    body = {"type": kind, "box": identity.name, "key": identity.public.fingerprint, "made_at": utc_now().isoformat()}
    return seal(body | fields, identity.private)


def download(hub_url: str, identity: BoxIdentity, item: dict, folder: Path) -> Path:
    """Fetch one pack to FOLDER/<sha256>.ekpack, resuming a partial file; refused unless every byte matches."""
    partial = folder / f"{item['sha256']}.part"
    have = partial.stat().st_size if partial.is_file() else 0
    if have > item["size"]:
        partial.unlink()
        have = 0
    require_space(folder, 2 * item["size"] - have + SPACE_MARGIN_BYTES)
    envelope = _signed(identity, "pack_fetch", sha256=item["sha256"])
    headers = {REQUEST_HEADER: base64.urlsafe_b64encode(json.dumps(envelope).encode()).decode()}
    if 0 < have < item["size"]:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(f"{hub_url}/api/packs/{item['sha256']}", headers=headers)
    try:
        if have < item["size"]:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                resumed = response.status == 206  # a hub that ignores the range sends it all
                # Never more than the sealed list promised (+1 to notice): a faulty hub cannot fill the disk.
                room = item["size"] - (have if resumed else 0) + 1
                with partial.open("ab" if resumed else "wb") as out:
                    while room > 0 and (block := response.read(min(CHUNK, room))):
                        out.write(block)
                        room -= len(block)
    except urllib.error.HTTPError as exc:
        raise EdgekitError(f"The hub answered {exc.code} for pack {item['name']}.", code="hub_error") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise HubUnreachable(f"The download of {item['name']} was cut: {getattr(exc, 'reason', exc)}.") from None
    sha256, size = hash_file(partial)
    if (sha256, size) != (item["sha256"], item["size"]):
        partial.unlink(missing_ok=True)  # never resumed from bad bytes
        raise PackDownloadCorrupt(
            f"The pack {item['name']} from the hub does not match its sha256 ({size} bytes): deleted, nothing "
            "installed; it is fetched again next sync."
        )
    return partial.rename(folder / f"{item['sha256']}.ekpack")


def forget_stale_downloads(folder: Path, offered: set[str]) -> None:
    """A cut download is kept to resume only while the hub still offers that pack; anything else in the folder (a
    pack since refused by stick, or a file left by a power cut during an install) is deleted, not kept forever."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.is_file() and (path.suffix != ".part" or path.stem not in offered):
            path.unlink(missing_ok=True)


def receive_by_network(
    engine: Engine, kit_for_import: Callable[[], object], identity: BoxIdentity, home: Path, hub_url: str
) -> list[PackOutcome]:
    """Take every pack the hub holds for this box, one at a time; acknowledge each the box decided on."""
    with Session(engine) as session:
        hub_key = state.get(session, state.HUB_KEY)
    listing = post_json(f"{hub_url}/api/packs", _signed(identity, "packs"))
    outcomes = []
    folder = home / DOWNLOADS
    items = verified_listing(listing, hub_key, identity.name)
    forget_stale_downloads(folder, {item["sha256"] for item in items})
    for item in items:
        with Session(engine) as session:
            known = known_outcome(session, item["sha256"])
        if known.startswith("installed"):
            outcome = PackOutcome(item["name"], item["sha256"], "already")
        else:
            try:
                path = download(hub_url, identity, item, folder)
            except PackDownloadCorrupt as exc:
                outcomes.append(PackOutcome(item["name"], item["sha256"], "failed", exc.code))
                continue
            except PackError as exc:  # no space: not acknowledged, tried again next sync
                outcomes.append(PackOutcome(item["name"], item["sha256"], "failed", exc.code))
                continue
            try:
                outcome = install(kit_for_import, engine, item, path)
            finally:
                path.unlink(missing_ok=True)
        if outcome.status != "failed":
            status = "refused" if outcome.status == "refused" else "installed"
            post_json(
                f"{hub_url}/api/packs/ack",
                _signed(identity, "pack_ack", sha256=item["sha256"], status=status, code=outcome.code),
            )
        outcomes.append(outcome)
    return outcomes


# --- by USB stick ---------------------------------------------------------------------------------------------


def receive_from_stick(
    engine: Engine, kit_for_import: Callable[[], object], identity: BoxIdentity, source: Path, root: str
) -> list[PackOutcome]:
    """Install the packs the hub put on a stick for this box (DIR/edgekit-sync/packs/<box>.json lists them)."""
    folder = source / root / "packs"
    listing_path = folder / f"{identity.name}.json"
    if not listing_path.is_file():
        return []
    try:
        envelope = json.loads(listing_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EdgekitError(f"{listing_path} cannot be read: {exc}.", code="sync_malformed") from None
    with Session(engine) as session:
        hub_key = state.get(session, state.HUB_KEY)
    outcomes = []
    for item in verified_listing(envelope, hub_key, identity.name):
        with Session(engine) as session:
            if known_outcome(session, item["sha256"]).startswith("installed"):
                outcomes.append(PackOutcome(item["name"], item["sha256"], "already"))
                continue
        path = folder / f"{item['sha256']}.ekpack"
        if not path.is_file() or hash_file(path) != (item["sha256"], item["size"]):
            outcomes.append(PackOutcome(item["name"], item["sha256"], "failed", "pack_download_corrupt"))
            continue
        outcomes.append(install(kit_for_import, engine, item, path))
    return outcomes
