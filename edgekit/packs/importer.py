"""Importing packs: check, stage, then install everything together or nothing.

1. The pack is checked (edgekit.packs.verify) and extracted into a staging directory inside the data directory, on
   the same filesystem, every byte hashed on the way. Nothing on the box has changed yet.
2. Each model goes into a staging directory of the model store (ModelStore.staged) with its entry and verified
   digests (record_staged); knowledge folders stay in the pack's staging directory.
3. All of them are swapped into place together (edgekit.swap): a failure half way, at the second model say, puts
   back what was there before the first. A pack is all-or-nothing; the packs of one USB stick are imported one by
   one, each all-or-nothing on its own.
   A wheel (edgekit.packs.wheels) is installed into the venv just before the swap, once everything is verified:
   pip replaces a distribution whole or not at all, and a wheel that fails leaves the models and knowledge as
   they were. A wheel whose tags do not fit this machine refuses the pack before anything is read.
4. The knowledge folders are indexed (edgekit.knowledge.packs.add_pack) and the import is recorded (packs.json).
   A failure while indexing leaves the files installed: `edgekit knowledge rebuild` finishes it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.knowledge.indexer import IndexReport
from edgekit.knowledge.packs import add_pack, imported_knowledge_dir, remove_pack
from edgekit.models.catalog import ENTRY_FILE
from edgekit.packs import PackError
from edgekit.packs.manifest import MANIFEST_FILE, Manifest, PackPart, wheel_path
from edgekit.packs.record import add_record
from edgekit.packs.source import SUFFIX, open_pack
from edgekit.packs.verify import CheckedPack, check_pack, copy_verified
from edgekit.packs.wheels import keep_and_install, require_fits
from edgekit.progress import StartTask, no_progress
from edgekit.store.tables import KnowledgePack
from edgekit.swap import swap_together

SPACE_MARGIN_BYTES = 32 * 1024 * 1024  # room left for the database and logs after the pack is in


@dataclass
class ImportResult:
    name: str
    source: str
    signer: str
    models: list[str]
    knowledge: list[str]
    wheels: list[str] = field(default_factory=list)
    reports: list[IndexReport] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "source": self.source,
            "signer": self.signer,
            "models": self.models,
            "knowledge": self.knowledge,
            "wheels": self.wheels,
            "indexed": [report.as_dict() for report in self.reports],
        }


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


def _existing_dir(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def _require_space(kit: Kit, manifest: Manifest) -> None:
    """The pack is unpacked beside the data; models kept on another disk are copied there as well."""
    home = kit.settings.home
    needed = {home: manifest.total_bytes + SPACE_MARGIN_BYTES}
    models_dir = _existing_dir(kit.settings.models_dir)
    if models_dir.stat().st_dev != home.stat().st_dev:
        model_bytes = sum(f.size for f in manifest.files if f.path.startswith("models/"))
        needed[models_dir] = model_bytes + SPACE_MARGIN_BYTES
    for path, need in needed.items():
        free = free_bytes(path)
        if free < need:
            raise PackError(
                f"Not enough space in {path} for the pack {manifest.name}: {need / 1e6:.0f} MB needed, "
                f"{free / 1e6:.0f} MB free. Free some space (edgekit models remove ID). Refused, nothing installed.",
                code="pack_no_space",
                http_status=507,
            )


def _knowledge_pack(kit: Kit, name: str) -> KnowledgePack | None:
    with Session(kit.db) as session:
        return session.exec(select(KnowledgePack).where(KnowledgePack.name == name)).first()


def _check_knowledge_names(kit: Kit, manifest: Manifest) -> None:
    """A pack's knowledge may replace an earlier import of itself or an app's own copy of the same folder; it never
    takes the name of a pack a technician added by hand."""
    root = imported_knowledge_dir(kit.settings.home).resolve()
    for part in _parts(manifest, "knowledge"):
        existing = _knowledge_pack(kit, part.id)
        if existing is None or Path(existing.path) == root / part.id:
            continue
        if part.app is not None and existing.app == part.app:
            continue  # the app's own copy: the imported one replaces it (see edgekit.knowledge.sync)
        raise PackError(
            f"A knowledge pack named '{part.id}' already comes from {existing.path}. Remove it first "
            f"(edgekit knowledge remove {part.id}). Refused, nothing installed.",
            code="pack_knowledge_conflict",
        )


def _parts(manifest: Manifest, kind: str) -> list[PackPart]:
    return [part for part in manifest.parts if part.type == kind]


def _install(kit: Kit, checked: CheckedPack, staging: Path, python: str) -> None:
    manifest = checked.manifest
    store = kit.models
    same_disk = _existing_dir(store.models_dir).stat().st_dev == staging.stat().st_dev
    with ExitStack() as stack:
        staged_models = []
        for part, spec, digests in checked.models:
            # The bytes are on this disk already (moved, not copied) unless the models live on another one.
            needed_mb = 1 if same_disk else spec.size_mb + 20
            model_staging = stack.enter_context(store.staged(spec, needed_mb=needed_mb))
            for path in [ENTRY_FILE, *digests]:
                (model_staging / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staging / part.dir / path, model_staging / path)
            store.record_staged(spec, model_staging, digests)
            staged_models.append((spec, model_staging))
        knowledge_root = imported_knowledge_dir(kit.settings.home)
        for part in _parts(manifest, "wheel"):
            keep_and_install(staging / wheel_path(part), kit.settings.home, python)
        with swap_together() as swap:
            for spec, model_staging in staged_models:
                swap.put(model_staging, store.model_dir(spec.id))
            for part in _parts(manifest, "knowledge"):
                swap.put(staging / part.dir, knowledge_root / part.id)


def _index_knowledge(kit: Kit, manifest: Manifest, progress: StartTask) -> list[IndexReport]:
    reports = []
    root = imported_knowledge_dir(kit.settings.home)
    for part in _parts(manifest, "knowledge"):
        folder = (root / part.id).resolve()
        existing = _knowledge_pack(kit, part.id)
        if existing is not None and Path(existing.path) != folder:
            remove_pack(kit, part.id)  # the app's own copy, replaced (checked before anything was installed)
        reports.append(add_pack(kit, folder, app=part.app, name=part.id, progress=progress))
    return reports


def import_pack(kit: Kit, path: Path, progress: StartTask = no_progress, python: str = sys.executable) -> ImportResult:
    """Check and install one pack (a file or an unpacked folder): all of it, or nothing. Wheels go into python's
    venv (this one unless told)."""
    home = kit.settings.home
    home.mkdir(parents=True, exist_ok=True)
    source = open_pack(path)
    try:
        checked = check_pack(source, home)
        manifest = checked.manifest
        for part in _parts(manifest, "wheel"):
            require_fits(part.id, list(part.tags), part.architecture or "any")
        _check_knowledge_names(kit, manifest)
        _require_space(kit, manifest)
        staging = Path(tempfile.mkdtemp(prefix=".pack-staging-", dir=home))
        try:
            copy_verified(checked, staging, progress)
            _install(kit, checked, staging, python)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        source.close()
    result = ImportResult(
        name=manifest.name,
        source=str(path),
        signer=checked.signer.name,
        models=[part.id for part in _parts(manifest, "model")],
        knowledge=[part.id for part in _parts(manifest, "knowledge")],
        wheels=[part.id for part in _parts(manifest, "wheel")],
    )
    add_record(
        home,
        {
            **{key: value for key, value in result.as_dict().items() if key != "indexed"},
            "fingerprint": checked.signer.fingerprint,
            "files": len(manifest.files),
            "bytes": manifest.total_bytes,
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    result.reports = _index_knowledge(kit, manifest, progress)
    return result


def packs_in(path: Path) -> list[Path]:
    """What `packs import PATH` imports: a pack file, an unpacked pack, or every *.ekpack in a folder (a USB
    stick), in name order."""
    if path.is_file() or (path / MANIFEST_FILE).is_file():
        return [path]
    if path.is_dir():
        found = sorted(p for p in path.glob(f"*{SUFFIX}") if p.is_file())
        if found:
            return found
        raise PackError(f"{path} holds no packs (*{SUFFIX}).", code="pack_not_found")
    raise PackError(f"{path} does not exist.", code="pack_not_found")


def import_all(
    kit: Kit, path: Path, progress: StartTask = no_progress, python: str = sys.executable
) -> list[tuple[Path, ImportResult | EdgekitError]]:
    """Import each pack found at path; a refused pack is reported and the next one is still imported."""
    outcomes: list[tuple[Path, ImportResult | EdgekitError]] = []
    for pack in packs_in(path):
        try:
            outcomes.append((pack, import_pack(kit, pack, progress, python)))
        except EdgekitError as exc:
            outcomes.append((pack, exc))
    return outcomes
