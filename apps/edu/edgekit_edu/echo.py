"""Does a hint only echo the question? A small model often copies the exercise back ("Neno 'nyembamba' lina maana
gani? Neno 'nyembamba' lina maana gani?") or the words of its own prompt ("My answer was: oksijeni (it is
wrong)"): nothing for the pupil to act on, and English inside a Swahili hint."""

from __future__ import annotations

import re

from edgekit_edu.checking import folded

# The scaffolding of the hint prompt (hint_prompt.py), which a pupil must never read back.
PROMPT_WORDS = ("my answer was", "it is wrong", "reply in", "lesson notes", "i am stuck", "give me a hint")
RUN = 6  # this many words in a row (numbers aside) from the question is a copy, not a pointer
SHARE = 0.8  # a hint whose words are nearly all the question's says nothing new


def _question_sentence(prompt: str) -> str:
    """The sentence that asks (a reading item's passage comes before it, and a hint may quote the passage)."""
    sentences = [s for s in re.split(r"(?<=[.!?:»\"])\s+|\n", prompt.strip()) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return asking[-1] if asking else (sentences[-1] if sentences else "")


def _wordy(words: list[str]) -> list[str]:
    """Words with letters: "Work out 2/5 + 1/3" copied into "To work out 2/5 + 1/3, find..." is no echo."""
    return [word for word in words if not word.isdigit()]


def _copies_a_run(hint_words: list[str], question_words: list[str]) -> bool:
    runs = {tuple(question_words[i : i + RUN]) for i in range(len(question_words) - RUN + 1)}
    return any(tuple(hint_words[i : i + RUN]) in runs for i in range(len(hint_words) - RUN + 1))


def echoes_question(hint: str, prompt: str) -> bool:
    text = folded(hint)
    if any(f" {folded(words)} " in f" {text} " for words in PROMPT_WORDS):
        return True
    hint_words = text.split()
    if not hint_words:
        return False
    if _copies_a_run(_wordy(hint_words), _wordy(folded(_question_sentence(prompt)).split())):
        return True
    unique = set(hint_words)
    return len(unique & set(folded(prompt).split())) >= SHARE * len(unique)
