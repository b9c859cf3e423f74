"""A short, readable excerpt of a passage for a citation: the sentences that hold most of the question's words."""

from __future__ import annotations

from edgekit.knowledge.chunking import SENTENCE_END
from edgekit.knowledge.language import WORD, fold

SNIPPET_WORDS = 40


def make_snippet(text: str, terms: list[str], max_words: int = SNIPPET_WORDS) -> str:
    sentences = [s for s in SENTENCE_END.split(text) if s.strip()]
    if not sentences:
        return ""
    wanted = set(terms)
    hits = [len(wanted & {w for w in WORD.findall(fold(s))}) for s in sentences]
    start = max(range(len(sentences)), key=lambda i: (hits[i], -i))  # the best sentence, the earliest on a tie
    words: list[str] = []
    for sentence in sentences[start:]:
        words.extend(sentence.split())
        if len(words) >= max_words:
            break
    cut = len(words) > max_words or (start + 1 < len(sentences) and len(words) >= max_words)
    excerpt = " ".join(words[:max_words])
    prefix = "… " if start > 0 else ""
    return prefix + excerpt + (" …" if cut else "")
