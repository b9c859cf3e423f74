"""Apps' own knowledge packs: the folders their manifests name, and any they offer through register_knowledge,
kept indexed under the app's id. Incremental: only new or changed documents are read.

The server checks at start whether anything changed (hashing files, no model), and if so indexes in a child
process: the embedding model and what it allocates leave with the child, so a box idles at its smallest. It
serves while the child works (on a Pi, indexing after an update takes minutes, and triage, records and the pages
must not wait for it); kit.knowledge_indexing says so, and a question nothing indexed yet answers is told to come
back in a minute rather than that the documents do not say.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from sqlmodel import Session, select

from edgekit.installer import StartTask, no_progress
from edgekit.kit import Kit
from edgekit.knowledge.documents import file_sha256
from edgekit.knowledge.indexer import DOCUMENT_PATTERN, IndexReport
from edgekit.knowledge.packs import add_pack, imported_knowledge_names
from edgekit.settings import Settings
from edgekit.store.tables import KnowledgeDocument, KnowledgePack


def app_knowledge_folders(kit: Kit) -> list[tuple[str, Path]]:
    """(app id, folder) for every loaded app's knowledge."""
    folders: list[tuple[str, Path]] = []
    for app_id, record in kit.plugins.apps.items():
        if record.status == "loaded" and record.manifest is not None:
            folders += [(app_id, folder) for folder in record.manifest.knowledge_dirs() if folder.is_dir()]

    def register(app_id: str, folder) -> None:
        folders.append((app_id, Path(folder)))

    kit.plugins.call_each(
        "register_knowledge", register=register, for_app=lambda app_id: {"app": kit.app_contexts.get(app_id)}
    )
    return folders


def pack_name(app_id: str, folder: Path) -> str:
    return f"{app_id}-{folder.name}"


def folders_to_sync(kit: Kit) -> list[tuple[str, Path]]:
    """The apps' folders, less those a signed pack replaced: a newer copy of an app's documents that arrived on a
    USB stick (edgekit packs import) is indexed under the same name and wins over the one the app ships."""
    imported = imported_knowledge_names(kit.settings.home)
    return [
        (app_id, folder) for app_id, folder in app_knowledge_folders(kit) if pack_name(app_id, folder) not in imported
    ]


def sync_app_knowledge(kit: Kit, progress: StartTask = no_progress) -> list[IndexReport]:
    return [
        add_pack(kit, folder, app=app_id, name=pack_name(app_id, folder), progress=progress)
        for app_id, folder in folders_to_sync(kit)
    ]


def needs_sync(kit: Kit) -> bool:
    """True when an app's documents differ from what is indexed (a file added, changed or removed)."""
    with Session(kit.db) as session:
        for app_id, declared in folders_to_sync(kit):
            folder = declared.resolve()
            pack = session.exec(select(KnowledgePack).where(KnowledgePack.name == pack_name(app_id, folder))).first()
            if pack is None or Path(pack.path) != folder:
                return True
            indexed = {
                doc.path: doc.sha256
                for doc in session.exec(select(KnowledgeDocument).where(KnowledgeDocument.pack_id == pack.id))
            }
            on_disk = {path.relative_to(folder).as_posix(): path for path in folder.rglob(DOCUMENT_PATTERN)}
            if set(indexed) != set(on_disk) or any(file_sha256(p) != indexed[r] for r, p in on_disk.items()):
                return True
    return False


def _sync_in_this_process(settings: Settings) -> None:
    kit = Kit(settings)
    try:
        sync_app_knowledge(kit)
    finally:
        kit.close()


class BackgroundSync:
    """The indexing child, started and watched from a thread; kit.knowledge_indexing is set while it runs."""

    def __init__(self, kit: Kit):
        self.kit = kit
        self.child = multiprocessing.get_context("spawn").Process(
            target=_sync_in_this_process, args=(kit.settings,), name="edgekit-knowledge-sync"
        )
        self.watcher = threading.Thread(target=self._watch, name="edgekit-knowledge-watch", daemon=True)

    def start(self) -> BackgroundSync:
        self.kit.knowledge_indexing.set()
        self.child.start()
        self.watcher.start()
        return self

    def _watch(self) -> None:
        self.child.join()
        self.kit.knowledge_indexing.clear()

    def stop(self, timeout_s: float = 10) -> None:
        """At shutdown: a child still indexing is stopped; its open transaction rolls back and the next start
        indexes again (needs_sync sees what is missing)."""
        if self.child.is_alive():
            self.child.terminate()
        self.child.join(timeout_s)
        self.watcher.join(timeout_s)
