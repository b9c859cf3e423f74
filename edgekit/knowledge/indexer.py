"""Index a pack: read its Markdown files, chunk and embed the new and changed ones, drop the removed ones.

Incremental by the file's sha256, so a rebuild after editing one document reads every file but re-indexes only that
one. The FTS5 rows are written here, in the same transaction as the chunks they mirror, rather than by triggers:
an FTS row needs the document's title and aliases as well as the chunk's text, and one place that writes both is
easier to follow than triggers across three tables. A document that fails to parse is reported and skipped; what
was indexed before for it stays, so a typo never empties the shelf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, func, select

from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.knowledge.chunking import Chunk, chunk_markdown
from edgekit.knowledge.documents import BadDocument, Document, file_sha256, parse_document
from edgekit.knowledge.embedding import BATCH, Embed, embedder, to_bytes
from edgekit.progress import StartTask, no_progress
from edgekit.store.tables import KNOWLEDGE_FTS, KnowledgeChunk, KnowledgeDocument, KnowledgePack

DOCUMENT_PATTERN = "*.md"


@dataclass
class IndexReport:
    pack: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[BadDocument] = field(default_factory=list)
    embedded: int = 0  # chunks that got their vector in this run
    keyword_only: bool = False  # no embedding model: chunks wait for a later rebuild to get vectors

    def as_dict(self) -> dict:
        return {
            "pack": self.pack,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": len(self.unchanged),
            "failed": [error.as_dict() for error in self.failed],
            "embedded": self.embedded,
            "keyword_only": self.keyword_only,
        }


@dataclass
class _Parsed:
    relative: str
    document: Document
    chunks: list[Chunk]


def index_pack(kit: Kit, pack: KnowledgePack, progress: StartTask = no_progress) -> IndexReport:
    folder = Path(pack.path)
    if not folder.is_dir():
        raise EdgekitError(
            f"Knowledge pack '{pack.name}': the folder {folder} is gone. Put it back, or remove the pack with: "
            f"edgekit knowledge remove {pack.name}",
            code="pack_not_found",
        )
    report = IndexReport(pack=pack.name)
    files = {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob(DOCUMENT_PATTERN))}
    with Session(kit.db) as session:
        indexed = {
            doc.path: doc for doc in session.exec(select(KnowledgeDocument).where(KnowledgeDocument.pack_id == pack.id))
        }
    changed = _read_changed(files, indexed, report, progress)
    removed = sorted(set(indexed) - set(files))
    with Session(kit.db) as session:
        for relative in removed:
            _delete_document(session, indexed[relative])
            report.removed.append(relative)
        for parsed in changed:
            if parsed.relative in indexed:
                _delete_document(session, indexed[parsed.relative])
                report.updated.append(parsed.relative)
            else:
                report.added.append(parsed.relative)
            _insert_document(session, pack, parsed)
        session.commit()
    if not chunks_without_vectors(kit, pack):
        return report  # nothing to embed: the embedding model is not even loaded
    with embedder(kit) as engine:
        if engine is None:
            report.keyword_only = True
        else:
            report.embedded = embed_missing(kit, engine.embed, pack, progress)
    return report


def chunks_without_vectors(kit: Kit, pack: KnowledgePack) -> int:
    query = (
        select(func.count())
        .select_from(KnowledgeChunk)
        .join(KnowledgeDocument)
        .where(KnowledgeDocument.pack_id == pack.id, KnowledgeChunk.embedding.is_(None))  # type: ignore[union-attr]
    )
    with Session(kit.db) as session:
        return session.exec(query).one()


def _read_changed(
    files: dict[str, Path], indexed: dict[str, KnowledgeDocument], report: IndexReport, progress: StartTask
) -> list[_Parsed]:
    advance = progress("Reading documents", len(files))
    changed: list[_Parsed] = []
    for relative, path in files.items():
        advance(1)
        known = indexed.get(relative)
        if known is not None and known.sha256 == file_sha256(path):
            report.unchanged.append(relative)
            continue
        try:
            document = parse_document(path)
        except BadDocument as error:
            report.failed.append(error)
            continue
        changed.append(_Parsed(relative, document, chunk_markdown(document.body)))
    return changed


def _delete_document(session: Session, document: KnowledgeDocument) -> None:
    chunk_ids = select(KnowledgeChunk.id).where(KnowledgeChunk.document_id == document.id)
    ids = list(session.exec(chunk_ids))
    if ids:
        session.execute(text(f"DELETE FROM {KNOWLEDGE_FTS} WHERE rowid IN ({','.join(map(str, ids))})"))
        for chunk in session.exec(select(KnowledgeChunk).where(KnowledgeChunk.document_id == document.id)):
            session.delete(chunk)
    session.delete(document)
    session.flush()


def _insert_document(session: Session, pack: KnowledgePack, parsed: _Parsed) -> None:
    document = parsed.document
    row = KnowledgeDocument(
        pack_id=pack.id,
        path=parsed.relative,
        sha256=document.sha256,
        title=document.title,
        source=document.source,
        url=document.url,
        license=document.license,
        language=document.language,
        region=document.region,
        updated=document.updated,
        aliases="\n".join(document.aliases),
        tags="\n".join(document.tags),
    )
    session.add(row)
    session.flush()
    for chunk in parsed.chunks:
        chunk_row = KnowledgeChunk(document_id=row.id, ordinal=chunk.ordinal, heading=chunk.heading, text=chunk.text)
        session.add(chunk_row)
        session.flush()
        session.execute(
            text(
                f"INSERT INTO {KNOWLEDGE_FTS} (rowid, text, heading, title, aliases) "
                "VALUES (:id, :text, :heading, :title, :aliases)"
            ),
            {
                "id": chunk_row.id,
                "text": chunk.text,
                "heading": chunk.heading,
                "title": document.title,
                "aliases": " ; ".join(document.aliases),
            },
        )


def embed_missing(kit: Kit, embed: Embed, pack: KnowledgePack, progress: StartTask = no_progress) -> int:
    """Give a vector to every chunk of the pack that has none (new ones, or all after a keyword-only run)."""
    query = (
        select(KnowledgeChunk, KnowledgeDocument.title)
        .join(KnowledgeDocument)
        .where(KnowledgeDocument.pack_id == pack.id, KnowledgeChunk.embedding.is_(None))  # type: ignore[union-attr]
    )
    with Session(kit.db) as session:
        waiting = list(session.exec(query))
        if not waiting:
            return 0
        advance = progress("Embedding passages", len(waiting))
        for start in range(0, len(waiting), BATCH):
            batch = waiting[start : start + BATCH]
            vectors = embed([embedding_text(title, chunk.heading, chunk.text) for chunk, title in batch])
            for (chunk, _title), vector in zip(batch, vectors, strict=True):
                chunk.embedding = to_bytes(vector)
                session.add(chunk)
            session.commit()  # batch by batch: a power cut loses one batch of work, not the whole pack
            advance(len(batch))
    return len(waiting)


def embedding_text(title: str, heading: str, body: str) -> str:
    """What the model reads for a chunk: the title and heading say what a passage is about when its text does not."""
    return "\n".join(part for part in (title, heading, body) if part)
