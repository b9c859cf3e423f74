"""Does a hint back a wrong answer? A small model told (or guessing) a pupil's answer repeats it as the result
("The farmer can fill 42 crates", "The child is likely missing vitamin D") or calls an answer correct; a tutor
that tells a child their wrong answer is right is worse than none. Such a hint is withdrawn before a pupil sees it.

A hint never needs to name the pupil's wrong answer or a wrong choice to help, so naming one is enough to withdraw
it (unless the question itself holds those words, as a reading passage does); this also drops the odd good hint
that says "not 42", which the template hint replaces.
"""

from __future__ import annotations

import re

from edgekit_edu.checking import folded
from edgekit_edu.item import Item
from edgekit_edu.leaks import numbers_in
from edgekit_edu.number_words import in_words

# Words after which a pupil explains rather than answers: "1/5 because 20 - 15 = 5".
_REASONS = re.compile(r"\b(?:because|since|kwa sababu|kwa kuwa|parce que|car)\b", re.IGNORECASE)
# A hint that announces an answer, or says one is right, in the pupil's three languages.
_ANNOUNCES = re.compile(
    r"\b(?:the (?:correct |right )?answer is|(?:is|are) (?:correct|right)\b|correct answer"
    r"|jibu (?:sahihi |lake )?ni|ni (?:jibu )?sahihi"
    r"|la (?:bonne )?réponse (?:correcte )?(?:est|c'est)|bonne réponse|réponse correcte|est (?:correct|juste)e?\b)",
    re.IGNORECASE,
)


def announces_answer(hint: str) -> bool:
    """'The correct answer is ...', 'jibu ni ...', 'La condensation est la réponse correcte': a hint asks or
    points, it never announces."""
    return bool(_ANNOUNCES.search(hint))


def final_answer(attempt: str) -> str:
    """What the pupil answered, without their reasons or their working: "15 x 600 = 9000" -> "9000",
    "le thermomètre, ça me tue" -> "le thermomètre", "this one is killing me, 420?" -> "420"."""
    answer = _REASONS.split(attempt, maxsplit=1)[0]
    answer = answer.rsplit("=", 1)[-1]
    numbers = numbers_in(answer)
    if numbers:
        return numbers[-1][0]
    return re.split(r"[,;?!(]", answer, maxsplit=1)[0].strip()


def _names(hint: str, phrase: str) -> bool:
    words = folded(phrase)
    return len(words) >= 2 and f" {words} " in f" {folded(hint)} "


def names_attempt(hint: str, item: Item, attempt: str) -> bool:
    """Whether the hint names the pupil's wrong answer (as digits, in words, or its text), where the question
    does not already hold it."""
    answer = final_answer(attempt)
    if not answer:
        return False
    numbers = numbers_in(answer)
    if numbers:
        wrong = set(numbers[-1][1])
        question = {value for _, values in numbers_in(item.prompt) for value in values}
        if wrong & question:
            return False
        if any(wrong.intersection(values) for _, values in numbers_in(hint)):
            return True
        phrases = {words for value in wrong for words in in_words(value)}
        return any(_names(hint, words) and not _names(item.prompt, words) for words in phrases)
    return _names(hint, answer) and not _names(item.prompt, answer)


def names_wrong_choice(hint: str, item: Item) -> bool:
    """For a choice item: whether the hint names a wrong choice (a hint that names every choice alike, asking
    the pupil to weigh them, is fine)."""
    wrong = [choice for choice in item.choices if folded(choice) != folded(item.answer)]
    named = [choice for choice in wrong if _names(hint, choice)]
    return bool(named) and not all(_names(hint, choice) for choice in item.choices)


def backs_wrong_answer(hint: str, item: Item | None, attempt: str) -> str:
    """Why the hint is withdrawn as backing a wrong answer ("attempt", "wrong_choice", "announces"), or ""."""
    if announces_answer(hint):
        return "announces"
    if item is None:
        return ""
    if attempt and names_attempt(hint, item, attempt):
        return "attempt"
    if names_wrong_choice(hint, item):
        return "wrong_choice"
    return ""
