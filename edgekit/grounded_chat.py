"""Grounded answers from an instruction-tuned chat model: the prompt through its chat template, and a check of
each sentence as it is written.

The prompt is the app's fixed instruction (its prompts/answer.txt) as the system turn, then the passages and the
question. The fixed part comes first so llama.cpp reuses its KV state from one question to the next (it keeps
the longest common token prefix of the previous prompt): only the passages and the question are processed anew.

The answer streams as it is written. Each finished sentence is checked against the passages; one that fails is
withdrawn (the page strikes it out) and, once the answer ends, the extractive answer is offered after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROMPT_FILE = Path("prompts") / "answer.txt"
DEFAULT_INSTRUCTION = (
    "Answer the question from the numbered passages only, in two to four short, plain sentences. Say first what "
    "to do, with the exact numbers the passages give. Never add what the passages do not say. If they do not "
    "answer the question, say so."
)
LANGUAGE_NAMES = {"en": "English", "sw": "Swahili", "fr": "French"}
PASSAGE_WORDS_FOR_CHAT = 110  # three passages of this length are about 500 prompt tokens with Qwen's tokenizer
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
GROUNDED_SENTENCE_SHARE = 0.6  # of a sentence's content words that must come from the passages
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def app_instruction(package_dir: Path | None) -> str:
    """The app's own instruction for its answers, one paragraph; the default when the app has none."""
    if package_dir is not None:
        try:
            text = (package_dir / PROMPT_FILE).read_text(encoding="utf-8")
        except OSError:
            text = ""
        if text.strip():
            return " ".join(text.split())
    return DEFAULT_INSTRUCTION


def answer_language(model_languages: tuple[str, ...], lang: str | None, passages: list) -> str:
    """The asker's language when the model writes it well (catalog `languages`, measured), else the language of
    the best passage: a correct answer in the documents' language beats a broken one in the asker's."""
    asked = (lang or "en").split("-")[0]
    if asked in model_languages:
        return asked
    return passages[0].language if passages and passages[0].language in LANGUAGE_NAMES else "en"


def passage_text(passage, words: int = PASSAGE_WORDS_FOR_CHAT) -> str:
    parts = passage.text.replace("**", "").split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def chat_messages(instruction: str, question: str, passages: list, language: str) -> list[dict]:
    """System: the fixed instruction. User: the passages, the question and the language to answer in."""
    blocks = [f"[{n}] {p.title}: {passage_text(p)}" for n, p in enumerate(passages, start=1)]
    name = LANGUAGE_NAMES.get(language, "English")
    user = "Passages:\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}\nAnswer in {name}, from the passages."
    return [{"role": "system", "content": instruction}, {"role": "user", "content": user}]


def sentence_grounded(sentence: str, passages: list) -> bool:
    """A sentence passes when its numbers all appear in the passages and, written in the passages' language, most
    of its content words do too. Across languages only the numbers can be checked (said in the README)."""
    from edgekit.knowledge.language import content_terms, fold, guess_language

    source = " ".join(p.title + " " + p.text for p in passages)
    source_numbers = {n.replace(",", ".") for n in NUMBER.findall(source)}
    if any(n.replace(",", ".") not in source_numbers for n in NUMBER.findall(sentence)):
        return False
    words = content_terms(fold(sentence))
    if len(words) < 2:
        return True  # "Yes." or a heading: nothing to check
    passage_languages = {p.language for p in passages}
    if guess_language(sentence) not in (passage_languages | {None}):
        return True
    known = set(content_terms(fold(source)))
    return sum(word in known for word in words) / len(words) >= GROUNDED_SENTENCE_SHARE


@dataclass
class SentenceGate:
    """Passes text through as it comes and checks each sentence once it ends. `on_withdraw(n, sentence)` is
    called for the n-th sentence (from 0) when it fails."""

    passages: list
    on_text: Callable[[str], None]
    on_withdraw: Callable[[int, str], None]
    kept: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    _pending: str = ""
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

    def _judge(self, sentence: str) -> None:
        sentence = sentence.strip()
        if not sentence:
            return
        if sentence_grounded(sentence, self.passages):
            self.kept.append(sentence)
        else:
            self.withdrawn.append(sentence)
            self.on_withdraw(self._count, sentence)
        self._count += 1

    @property
    def text(self) -> str:
        return " ".join(self.kept)
