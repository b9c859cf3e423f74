"""Split a document's body into passages a small model can read: about 120-180 words, cut on sentence
boundaries, each overlapping the one before by about 30 words so an idea that straddles a cut is found whole.

Each chunk keeps its heading trail ("Storage > Drying") because a passage without its heading often loses what it
is about. Chunks never cross a heading: a section shorter than the minimum stays one short chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_WORDS = 120
MAX_WORDS = 180
OVERLAP_WORDS = 30
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
HEADING_SEPARATOR = " > "


@dataclass(frozen=True)
class Chunk:
    ordinal: int
    heading: str
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def chunk_markdown(body: str) -> list[Chunk]:
    chunks: list[Chunk] = []
    for heading, paragraphs in sections(body):
        for text in pack_sentences(split_sentences(paragraphs)):
            chunks.append(Chunk(ordinal=len(chunks), heading=heading, text=text))
    return chunks


def sections(body: str) -> list[tuple[str, list[str]]]:
    """(heading trail, paragraphs) for each run of text between headings."""
    trail: list[tuple[int, str]] = []
    found: list[tuple[str, list[str]]] = []
    paragraphs: list[str] = []
    current: list[str] = []

    def close_paragraph() -> None:
        if current:
            paragraphs.append(" ".join(line.strip() for line in current))
            current.clear()

    def close_section() -> None:
        close_paragraph()
        if paragraphs:
            found.append((HEADING_SEPARATOR.join(title for _, title in trail), paragraphs.copy()))
            paragraphs.clear()

    for line in body.splitlines():
        match = HEADING.match(line)
        if match:
            close_section()
            level = len(match.group(1))
            trail = [(lvl, title) for lvl, title in trail if lvl < level] + [(level, match.group(2))]
        elif line.strip():
            current.append(line)
        else:
            close_paragraph()
    close_section()
    return found


def split_sentences(paragraphs: list[str]) -> list[str]:
    """Sentences, with a sentence longer than MAX_WORDS cut into pieces so no chunk can overflow."""
    sentences: list[str] = []
    for paragraph in paragraphs:
        for sentence in SENTENCE_END.split(paragraph):
            words = sentence.split()
            for start in range(0, len(words), MAX_WORDS - OVERLAP_WORDS):
                if words[start : start + MAX_WORDS]:
                    sentences.append(" ".join(words[start : start + MAX_WORDS]))
    return sentences


def pack_sentences(sentences: list[str]) -> list[str]:
    """Greedy: fill a chunk to at least MIN_WORDS without passing MAX_WORDS, then start the next one with the last
    sentences of this one (about OVERLAP_WORDS of them)."""
    chunks: list[str] = []
    current: list[str] = []
    fresh = 0  # sentences in `current` that no earlier chunk holds
    for sentence in sentences:
        size = _count(current)
        if fresh and (size >= MIN_WORDS or size + _count([sentence]) > MAX_WORDS):
            chunks.append(" ".join(current))
            current = _tail(current)
            if _count([*current, sentence]) > MAX_WORDS:
                current = []  # a very long sentence next: the overlap would push the chunk past MAX_WORDS
            fresh = 0
        current.append(sentence)
        fresh += 1
    if fresh:
        chunks.append(" ".join(current))
    return chunks


def _tail(sentences: list[str]) -> list[str]:
    """The last sentences, up to about OVERLAP_WORDS words; none when even the last one is much longer."""
    tail: list[str] = []
    for sentence in reversed(sentences):
        if _count([*tail, sentence]) > OVERLAP_WORDS * 1.5:
            break
        tail.insert(0, sentence)
        if _count(tail) >= OVERLAP_WORDS:
            break
    return tail


def _count(sentences: list[str]) -> int:
    return sum(len(sentence.split()) for sentence in sentences)
