"""The packs on this box: add a folder, list, rebuild, remove. Indexing itself is in indexer.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import Session, select

from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.knowledge.indexer import IndexReport, index_pack
from edgekit.progress import StartTask, no_progress
from edgekit.store.tables import KNOWLEDGE_FTS, KnowledgeChunk, KnowledgeDocument, KnowledgePack

IMPORTED_DIR = "knowledge"  # $EDGEKIT_HOME/knowledge/<name>/: folders that arrived in signed packs


def imported_knowledge_dir(home: Path) -> Path:
    return home / IMPORTED_DIR


def imported_knowledge_names(home: Path) -> set[str]:
    """Knowledge folders installed from signed packs (hidden names are staging or old copies)."""
    directory = imported_knowledge_dir(home)
    if not directory.is_dir():
        return set()
    return {path.name for path in directory.iterdir() if path.is_dir() and not path.name.startswith(".")}


@dataclass
class PackSummary:
    name: str
    path: str
    app: str | None
    added_at: datetime
    documents: int
    chunks: int
    embedded: int

    def as_dict(self) -> dict:
        return {**self.__dict__, "added_at": self.added_at.isoformat()}


def add_pack(
    kit: Kit, path: Path, *, app: str | None = None, name: str | None = None, progress: StartTask = no_progress
) -> IndexReport:
    """Register a folder as a pack (named after the folder unless told) and index it. Adding the same folder
    again is a rebuild."""
    folder = path.expanduser().resolve()
    if not folder.is_dir():
        raise EdgekitError(
            f"{path} is not a folder: a knowledge pack is a folder of Markdown files.", code="pack_not_found"
        )
    name = name or folder.name
    with Session(kit.db) as session:
        pack = session.exec(select(KnowledgePack).where(KnowledgePack.name == name)).first()
        if pack is not None and Path(pack.path) != folder:
            raise EdgekitError(
                f"A knowledge pack named '{name}' already comes from {pack.path}. Remove it first "
                f"(edgekit knowledge remove {name}) or add this folder under another name.",
                code="pack_exists",
            )
        if pack is None:
            pack = KnowledgePack(name=name, path=str(folder), app=app)
        pack.app = app
        session.add(pack)
        session.commit()
        session.refresh(pack)
    return index_pack(kit, pack, progress)


def rebuild(kit: Kit, *, app: str | None = None, progress: StartTask = no_progress) -> list[IndexReport]:
    """Re-index every pack (or one app's): only new and changed documents are read again."""
    return [index_pack(kit, pack, progress) for pack in find_packs(kit, app=app)]


def find_packs(kit: Kit, *, app: str | None = None) -> list[KnowledgePack]:
    query = select(KnowledgePack).order_by(KnowledgePack.name)
    if app is not None:
        query = query.where(KnowledgePack.app == app)
    with Session(kit.db) as session:
        return list(session.exec(query))


def list_packs(kit: Kit) -> list[PackSummary]:
    summaries = []
    with Session(kit.db) as session:
        for pack in session.exec(select(KnowledgePack).order_by(KnowledgePack.name)):
            documents = select(KnowledgeDocument.id).where(KnowledgeDocument.pack_id == pack.id)
            chunks = select(func.count(KnowledgeChunk.id)).where(KnowledgeChunk.document_id.in_(documents))
            embedded = chunks.where(KnowledgeChunk.embedding.is_not(None))  # type: ignore[union-attr]
            summaries.append(
                PackSummary(
                    name=pack.name,
                    path=pack.path,
                    app=pack.app,
                    added_at=pack.added_at,
                    documents=session.exec(select(func.count()).select_from(documents.subquery())).one(),
                    chunks=session.exec(chunks).one(),
                    embedded=session.exec(embedded).one(),
                )
            )
    return summaries


def remove_pack(kit: Kit, name: str) -> None:
    """Forget a pack and everything indexed from it. The folder itself is left alone."""
    with Session(kit.db) as session:
        pack = session.exec(select(KnowledgePack).where(KnowledgePack.name == name)).first()
        if pack is None:
            known = ", ".join(p.name for p in session.exec(select(KnowledgePack))) or "none"
            raise EdgekitError(f"No knowledge pack named '{name}'. Packs: {known}.", code="pack_not_found")
        documents = select(KnowledgeDocument.id).where(KnowledgeDocument.pack_id == pack.id)
        chunk_ids = select(KnowledgeChunk.id).where(KnowledgeChunk.document_id.in_(documents))
        ids = ",".join(str(i) for i in session.exec(chunk_ids))
        if ids:
            session.execute(text(f"DELETE FROM {KNOWLEDGE_FTS} WHERE rowid IN ({ids})"))
        session.delete(pack)  # documents and chunks go with it (ON DELETE CASCADE)
        session.commit()
