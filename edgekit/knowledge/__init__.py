"""Knowledge packs: folders of Markdown documents, parsed, chunked, indexed (SQLite FTS5 + embeddings) and
searched with hybrid retrieval so an answer can cite local sources."""

from edgekit.knowledge.retrieval import Passage, retrieve

__all__ = ["Passage", "retrieve"]
