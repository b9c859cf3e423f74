"""Reading a cited document whole, as a person opening a source: found by its title within an app's packs, read
from its file (what was indexed), split into headings, list items and paragraphs. Never HTML: the page escapes it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_
from sqlmodel import Session, select

from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.knowledge.documents import parse_document
from edgekit.store.tables import KnowledgeChunk, KnowledgeDocument, KnowledgePack


@dataclass(frozen=True)
class Block:
    kind: str  # heading | item | paragraph
    text: str


@dataclass(frozen=True)
class ReadableDocument:
    title: str
    source: str
    url: str
    license: str
    language: str
    region: str
    updated: str
    blocks: list[Block]


def blocks_of(markdown: str) -> list[Block]:
    """Headings (#), list items (- or *), and paragraphs of joined lines; ** emphasis dropped."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.strip().replace("**", "")
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            blocks.append(Block("heading", line.lstrip("#").strip()))
        elif line.startswith(("- ", "* ")):
            flush()
            blocks.append(Block("item", line[2:].strip()))
        else:
            paragraph.append(line)
    flush()
    return blocks


def documents_titled(kit: Kit, app_id: str, title: str) -> list[ReadableDocument]:
    """The documents of this app's packs (and the shared ones) with this title; usually one."""
    with Session(kit.db) as session:
        rows = session.exec(
            select(KnowledgeDocument, KnowledgePack)
            .join(KnowledgePack, KnowledgeDocument.pack_id == KnowledgePack.id)
            .where(KnowledgeDocument.title == title, or_(KnowledgePack.app == app_id, KnowledgePack.app.is_(None)))
        ).all()
        found = []
        for document, pack in rows:
            try:
                body = parse_document(Path(pack.path) / document.path).body
            except EdgekitError:  # the file changed or went since it was indexed: show what was indexed
                chunks = session.exec(
                    select(KnowledgeChunk)
                    .where(KnowledgeChunk.document_id == document.id)
                    .order_by(KnowledgeChunk.ordinal)
                )
                body = "\n\n".join(chunk.text for chunk in chunks)
            blocks = blocks_of(body)
            if blocks and blocks[0] == Block("heading", document.title):  # the page shows the title already
                blocks = blocks[1:]
            found.append(
                ReadableDocument(
                    title=document.title,
                    source=document.source,
                    url=document.url,
                    license=document.license,
                    language=document.language,
                    region=document.region,
                    updated=document.updated,
                    blocks=blocks,
                )
            )
        return found
