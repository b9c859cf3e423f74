"""A small word-pattern language for danger signs, readable by the health workers who review the rules.

Regular expressions would do, but a midwife checking the rules should be able to read them, and typo tolerance
needs to know which words a pattern means. A pattern is words separated by spaces:

    word        that word; a typo of one letter is forgiven in words of 5 letters or more (2 from 10 letters)
    word*       a word starting with it            bleed* -> bleeds, bleeding
    *word       a word ending with it              *tokwa -> anatokwa, ametokwa (Swahili verb prefixes)
    *word*      a word containing it
    a|b|c*      any one of them
    word?       the word may be missing            very? weak
    ..          up to three other words in between (never across "and", "but" or a comma)

Patterns are folded like the text (lower case, no accents), so they may be written with accents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from edgekit.sdk import fold

GAP = ".."
MAX_GAP = 3
KNOWN_CACHE_SIZE = 50_000


class PatternError(ValueError):
    """A pattern in the rules cannot be read: the message names it."""


@dataclass(frozen=True)
class Alternative:
    kind: str  # "word", "prefix", "suffix", "infix"
    value: str


@dataclass(frozen=True, eq=False)  # compared by identity: cheap to hash in slot_matches' cache
class Slot:
    alternatives: tuple[Alternative, ...]
    optional: bool = False


@dataclass(frozen=True)
class Gap:
    pass


Element = Slot | Gap


@dataclass(frozen=True)
class Pattern:
    source: str
    elements: tuple[Element, ...]

    def words(self) -> set[str]:
        """The whole words and word starts this pattern names: the vocabulary typos are corrected towards."""
        return {
            alt.value
            for element in self.elements
            if isinstance(element, Slot)
            for alt in element.alternatives
            if alt.kind in ("word", "prefix")
        }


def _alternative(text: str, source: str) -> Alternative:
    starts, ends = text.startswith("*"), text.endswith("*")
    value = text.strip("*")
    if not value or "*" in value:
        raise PatternError(f"pattern {source!r}: cannot read {text!r}")
    kind = {(False, False): "word", (False, True): "prefix", (True, False): "suffix", (True, True): "infix"}
    return Alternative(kind[(starts, ends)], value)


def compile_pattern(source: str) -> Pattern:
    elements: list[Element] = []
    # Apostrophes and hyphens split words in the text, so they split them in patterns too.
    for raw in fold(source).replace("'", " ").replace("\u2019", " ").replace("-", " ").split():
        if raw == GAP:
            elements.append(Gap())
            continue
        optional = raw.endswith("?")
        options = raw.rstrip("?").split("|")
        elements.append(Slot(tuple(_alternative(option, source) for option in options if option), optional))
    slots = [e for e in elements if isinstance(e, Slot)]
    if not slots or not isinstance(elements[0], Slot) or not isinstance(elements[-1], Slot):
        raise PatternError(f"pattern {source!r} must start and end with a word")
    if elements[0].optional or elements[-1].optional:
        raise PatternError(f"pattern {source!r} must not start or end with an optional word")
    return Pattern(source, tuple(elements))


# --- typo tolerance ---------------------------------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours counts once), stopping past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_budget(word: str) -> int:
    return 0 if len(word) < 5 else 1 if len(word) < 10 else 2


@lru_cache(maxsize=65536)
def close_enough(word: str, target: str, prefix: bool) -> bool:
    """Is `word` a slip of the keyboard away from `target` (or from a word starting with it)?"""
    budget = typo_budget(target)
    if not budget or word[0] != target[0]:
        return False
    if not prefix:
        return edit_distance(word, target, budget) <= budget
    if len(word) < len(target) - budget:
        return False
    lengths = range(len(target) - budget, len(target) + budget + 1)
    return any(edit_distance(word[:n], target, budget) <= budget for n in lengths if 0 < n <= len(word))


class Vocabulary:
    """The words the rules and language lists know. A known word is never read as a typo of another:
    "feeling" stays "feeling" and is not taken for "feeding"."""

    def __init__(self, words: set[str], prefixes: set[str]):
        self.words = frozenset(words)
        self.prefixes = frozenset(prefixes)
        self._known: dict[str, bool] = {}

    def knows(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            known = word in self.words or any(word[:n] in self.prefixes for n in range(1, len(word) + 1))
            if len(self._known) >= KNOWN_CACHE_SIZE:
                self._known.clear()  # a server reads notes for months: keep the memo small
            self._known[word] = known
        return known


def alternative_matches(word: str, alt: Alternative, vocabulary: Vocabulary) -> bool:
    if alt.kind == "word":
        return word == alt.value or (not vocabulary.knows(word) and close_enough(word, alt.value, False))
    if alt.kind == "prefix":
        return word.startswith(alt.value) or (not vocabulary.knows(word) and close_enough(word, alt.value, True))
    if alt.kind == "suffix":
        return word.endswith(alt.value)
    return alt.value in word


@lru_cache(maxsize=262144)
def slot_matches(word: str, slot: Slot, vocabulary: Vocabulary) -> bool:
    # Cached: a note repeats its words and every rule's patterns are tried at every word.
    return any(alternative_matches(word, alt, vocabulary) for alt in slot.alternatives)


def match_at(
    pattern: Pattern, words: Sequence[str], start: int, vocabulary: Vocabulary, blocked: Sequence[bool]
) -> int | None:
    """The end (exclusive) of the shortest match of `pattern` starting at words[start], or None.
    A gap never skips a blocked word (a conjunction that starts a new part of the sentence)."""

    def walk(element_index: int, position: int) -> int | None:
        if element_index == len(pattern.elements):
            return position
        element = pattern.elements[element_index]
        if isinstance(element, Gap):
            for skip in range(MAX_GAP + 1):
                if skip and (position + skip - 1 >= len(words) or blocked[position + skip - 1]):
                    break
                end = walk(element_index + 1, position + skip)
                if end is not None:
                    return end
            return None
        if position < len(words) and slot_matches(words[position], element, vocabulary):
            end = walk(element_index + 1, position + 1)
            if end is not None:
                return end
        return walk(element_index + 1, position) if element.optional else None

    return walk(0, start)


def find_all(
    pattern: Pattern, words: Sequence[str], vocabulary: Vocabulary, blocked: Sequence[bool]
) -> list[tuple[int, int]]:
    """Every (start, end) where the pattern matches, the shortest match from each start."""
    found = []
    for start in range(len(words)):
        end = match_at(pattern, words, start, vocabulary, blocked)
        if end is not None:
            found.append((start, end))
    return found
