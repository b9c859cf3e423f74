"""Step 5, check: what a model wrote is shown only when the passages carry it.

An instruction model's answer is checked sentence by sentence as it streams (`SentenceGate`); a sentence that
fails is withdrawn (the page strikes it out) and the extractive answer is offered after it. A base model's answer
is written whole and checked whole (`is_grounded`) before it is shown. Before the passages are consulted, a
sentence must make none of the app's unsafe claims (unsafe.py): words the passages carry can still say the
opposite of what they mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edgekit.answering.prompt import PASSAGES_IN_PROMPT, passage_label
from edgekit.answering.unsafe import makes_unsafe_claim

if TYPE_CHECKING:
    from edgekit.knowledge import Passage

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
GROUNDED_SENTENCE_SHARE = 0.6  # of a sentence's content words that must come from the passages
GROUNDED_SHARE = 0.75  # of a base model's whole answer's content words that must come from the passages
MIN_ANSWER_WORDS = 3
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# A numbered or bulleted list's marker ("1.", "2)", "-") starts a sentence; it is not one, nor a number to check.
LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])(?:\s+|$)")


def shown_text(passages: Sequence[Passage]) -> str:
    """The passages as the model was shown them, each under its heading: what its sentences are checked against."""
    return " ".join(f"{passage_label(p)} {p.text}" for p in passages)


def sentence_grounded(sentence: str, passages: Sequence[Passage]) -> bool:
    """A sentence passes when its numbers all appear in the passages and, written in the passages' language, most
    of its content words do too. Across languages only the numbers can be checked (said in the README)."""
    from edgekit.knowledge.language import content_terms, fold, guess_language

    source = shown_text(passages)
    source_numbers = {n.replace(",", ".") for n in NUMBER.findall(source)}
    if any(n.replace(",", ".") not in source_numbers for n in NUMBER.findall(sentence)):
        return False
    words = content_terms(fold(sentence))
    if len(words) < 2:
        return True  # "Yes." or a heading: nothing to check
    passage_languages: set[str | None] = {p.language for p in passages}
    if guess_language(sentence) not in (passage_languages | {None}):
        return True
    known = set(content_terms(fold(source)))
    return sum(word in known for word in words) / len(words) >= GROUNDED_SENTENCE_SHARE


def is_grounded(answer: str, passages: Sequence[Passage]) -> bool:
    """Most of the answer's content words appear in the passages it was given: a small model that wanders off
    (gemma-3-270m, asked about maize drying, answered about moist soil) is not shown."""
    from edgekit.knowledge.language import content_terms, fold

    words = content_terms(fold(answer))
    if len(words) < MIN_ANSWER_WORDS:
        return False
    known = set(content_terms(fold(shown_text(passages[:PASSAGES_IN_PROMPT]))))
    return sum(word in known for word in words) / len(words) >= GROUNDED_SHARE


REPEAT_RUN_WORDS = 5  # a run of this many of the question's words, in its order, and no word of its own
# Words a model uses to announce that it repeats the question ("The question asked is: ...").
ANNOUNCING = frozenset(
    "the question asked ask is was la le est demande demandee posee swali ni lilikuwa liliulizwa".split()  # noqa: SIM905
)


def repeats_question(sentence: str, question: str) -> bool:
    """The model wrote the question out again ("The question is: My sister had her baby five weeks ago.", or a
    sentence of it ending in "?"): it says nothing, true or false. Not an answer in the question's words: "Pull
    out striga from my maize before it flowers" adds "before it flowers", "Do not stop taking the tablets" adds
    "do not"."""
    from edgekit.knowledge.language import WORD, fold

    said, asked = WORD.findall(fold(sentence)), WORD.findall(fold(question))
    if not said or not all(word in asked or word in ANNOUNCING for word in said):
        return False  # it says something the question did not
    if sentence.rstrip().endswith("?"):
        return True
    longest, previous = 0, [0] * (len(asked) + 1)  # the longest run of words the two share, in order
    for word in said:
        current = [0] * (len(asked) + 1)
        for j, other in enumerate(asked, start=1):
            if word == other:
                current[j] = previous[j - 1] + 1
                longest = max(longest, current[j])
        previous = current
    return longest >= REPEAT_RUN_WORDS


@dataclass
class SentenceGate:
    """Passes text through as it comes and checks each sentence once it ends. `on_withdraw(n, sentence)` is
    called for the n-th sentence (from 0) when it fails, or when it only repeats the question (`repeated`: taken
    off the page too, but no failure: the rest of the answer stands without the extractive one after it)."""

    passages: Sequence[Passage]
    on_text: Callable[[str], None]
    on_withdraw: Callable[[int, str], None]
    unsafe: Sequence[re.Pattern[str]] = ()  # the app's claims never to make (unsafe.py), checked first
    question: str = ""
    kept: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    _pending: str = ""
    _marker: str = ""  # a list marker waiting for the item it starts
    _last_number: int = 0  # the last numbered marker taken, so "18." alone is a number to check, not item 18
    _count: int = 0

    def feed(self, piece: str) -> None:
        self.on_text(piece)
        self._pending += piece
        parts = SENTENCE_END.split(self._pending)
        for sentence in parts[:-1]:
            self._judge(sentence)
        self._pending = parts[-1]

    def finish(self) -> None:
        self._judge(self._pending)
        self._pending = ""
        marker, self._marker = self._marker, ""
        if marker:  # a marker with nothing after it is judged as it stands (a bare number is checked)
            self._decide(marker, marker)

    def _judge(self, sentence: str) -> None:
        sentence = sentence.strip()
        if not sentence:
            return
        if self._is_marker(sentence):  # "1." split off at its full stop: it belongs to the item after it
            self._marker = sentence
            return
        marker, self._marker = self._marker, ""
        self._decide(f"{marker} {sentence}".strip(), sentence)

    def _is_marker(self, sentence: str) -> bool:
        """A bullet, or the next number of a numbered list ("1." first, then one more each time): any other
        number standing alone is said, and checked."""
        if LIST_MARKER.sub("", sentence, count=1) != "" or self._marker:
            return False
        digits = sentence.rstrip(".)")
        if not digits.isdigit():
            return True
        number = int(digits)
        if number not in (1, self._last_number + 1):
            return False
        self._last_number = number
        return True

    def _decide(self, sentence: str, shown: str) -> None:
        """Keep or withdraw one sentence (kept with its list marker); `shown` is its text without the marker, as it
        stands in the stream (the marker may stand on the line before), which is checked and which the page
        strikes out."""
        body = LIST_MARKER.sub("", shown, count=1)  # "1) Dry it": the item, without its marker
        checked = body if body.strip() else shown  # a number alone is checked as it stands
        if self.question and repeats_question(checked, self.question):
            self.repeated.append(shown)
            self.on_withdraw(self._count, shown)
        elif not makes_unsafe_claim(checked, self.unsafe) and sentence_grounded(checked, self.passages):
            self.kept.append(sentence)
        else:
            self.withdrawn.append(shown)
            self.on_withdraw(self._count, shown)
        self._count += 1

    @property
    def text(self) -> str:
        return " ".join(self.kept)
