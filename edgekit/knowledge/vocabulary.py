"""The index's own words: how many chunks carry each (FTS5's vocabulary table), read once per state of the index.

Two things need it:
- how much a question's word says: "manioc" is in a few chunks, "donner" in many. A question told as a story ("Un
  voisin veut me donner des boutures ... je peux les planter quand même ?") has a dozen words; a passage that
  carries its rare ones is about it, however few of the common ones it has (`weight`, an inverse document
  frequency);
- Swahili words in the asker's form: Swahili puts the subject, the tense and the object in front of a verb's
  root ("umevimba", it has swollen; the document says "kuvimba", to swell). A question's word the index does not
  have is matched to the index's word with the same root (`relative`), found by taking such prefixes off both.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session

from edgekit.knowledge.language import search_forms, short_forms
from edgekit.store.tables import KNOWLEDGE_FTS

_VOCABULARY_TABLE = "knowledge_vocabulary"  # a temporary fts5vocab table, per connection
# What Swahili puts before a verb's root: subject and class markers, negation, infinitive, habitual, tense,
# relative and object markers. Taken off one after another, up to MAX_PREFIXES, never leaving less than ROOT_LETTERS.
SWAHILI_PREFIXES = tuple(
    sorted(
        set(
            "usi msi tusi wasi nisi asi hatu hawa hau ha si ku ni u a tu m mu mw wa i zi li ya ki vi hu "  # noqa: SIM905
            "na ta me ka nge ja po ko mo ye cho vyo zo lo yo o ji".split()
        ),
        key=len,
        reverse=True,
    )
)
MAX_PREFIXES = 4
ROOT_LETTERS = 4  # a root shorter than this ("la", to eat; "pik", cook) matches too many words to be told apart
FINAL_VOWEL = re.compile(r"[aeiou]$")


def swahili_roots(word: str) -> set[str]:
    """Every root the word may have: its prefixes taken off in every way SWAHILI_PREFIXES allow, without the
    final vowel ("umevimba" -> "vimb", among others; "kuvimba" -> "vimb")."""
    roots: set[str] = set()
    forms = {word}
    for _ in range(MAX_PREFIXES + 1):
        following: set[str] = set()
        for form in forms:
            root = FINAL_VOWEL.sub("", form)
            if len(root) >= ROOT_LETTERS:
                roots.add(root)
            following.update(form[len(p) :] for p in SWAHILI_PREFIXES if form.startswith(p))
        forms = {form for form in following if len(form) > ROOT_LETTERS}
    return roots


@dataclass
class Vocabulary:
    chunks: int
    counts: dict[str, int]  # folded word -> the number of chunks that carry it
    _sorted: list[str] = field(default_factory=list)
    _by_root: dict[str, list[str]] | None = None

    def __post_init__(self) -> None:
        self._sorted = sorted(self.counts)

    def carrying(self, term: str) -> int:
        """How many chunks the full-text search finds for the term (its forms' counts added, at most every chunk)."""
        form, as_prefix = search_forms(term)
        if as_prefix:
            start = bisect_left(self._sorted, form)
            found = 0
            for word in self._sorted[start:]:
                if not word.startswith(form):
                    break
                found += self.counts[word]
        else:
            found = sum(self.counts.get(word, 0) for word in (short_forms(term) if len(term) >= 4 else [term]))
        return min(found, self.chunks)

    def weight(self, term: str) -> float:
        """An inverse document frequency: a word few chunks carry says more of what a passage is about."""
        return math.log((self.chunks + 1) / (self.carrying(term) + 0.5))

    def relative(self, term: str) -> str | None:
        """The index's most common word with a Swahili root of the term, for a term the index does not have."""
        if self._by_root is None:
            self._by_root = {}
            for word in self._sorted:
                if word.isalpha():
                    for root in swahili_roots(word):
                        self._by_root.setdefault(root, []).append(word)
        found = {word for root in swahili_roots(term) for word in self._by_root.get(root, ())}
        return max(sorted(found), key=self.counts.__getitem__) if found else None

    def in_index_form(self, terms: list[str]) -> list[str]:
        """A Swahili question's words as the index has them: each word it lacks becomes its relative, when it has
        one (the others stay, and count as words the index does not have)."""
        resolved: dict[str, None] = {}
        for term in terms:
            relative = self.relative(term) if self.carrying(term) == 0 else None
            resolved.setdefault(relative or term, None)
        return list(resolved)


_CACHE: dict[tuple[str, int, int, int], Vocabulary] = {}


def vocabulary(session: Session) -> Vocabulary:
    """The index's vocabulary, read again whenever chunks were added or removed."""
    count, last = session.execute(text("SELECT count(*), max(id) FROM knowledge_chunk")).one()
    bind = session.get_bind()
    key = (str(getattr(bind, "url", "")), id(bind), int(count or 0), int(last or 0))
    cached = _CACHE.get(key)
    if cached is None:
        vocab_table = f"temp.{_VOCABULARY_TABLE} USING fts5vocab(main, {KNOWLEDGE_FTS}, row)"
        session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab_table}"))
        rows = session.execute(text(f"SELECT term, doc FROM temp.{_VOCABULARY_TABLE}")).all()
        cached = Vocabulary(chunks=max(key[2], 1), counts={term: int(doc) for term, doc in rows})
        if len(_CACHE) > 8:  # a box has one index; tests make many
            _CACHE.clear()
        _CACHE[key] = cached
    return cached


__all__ = ["Vocabulary", "swahili_roots", "vocabulary"]
