"""Does a hint give the item's answer away? In any written form: 3/4, 0.75, 0,75, .75, 75% where the answer
is a percentage, 1 1/2 for 3/2, in words ("three quarters", "robo tatu"), or the text of a choice or short answer.

A number the hint shares with the item's own question is no leak ("simplify 6/8": the hint may say 6/8, which
equals the answer 3/4). Anything else equal to the answer is, even if the model meant it as an example: a
pupil reads it as the answer. In words it leaks even when the question holds it ("Juma porte deux paniers" for
the answer 2 of a reading passage), and a sentence answer leaks when the hint says most of it in other words.
"""

from __future__ import annotations

import re
from fractions import Fraction

from edgekit_edu.checking import folded
from edgekit_edu.item import Item
from edgekit_edu.number_words import in_words
from edgekit_edu.numbers import normalise, parse_number, readings

# Numbers as they sit in running text: mixed numbers, fractions, decimals with . or , and grouped thousands.
NUMBER = re.compile(
    r"(?<![\w.,/])[-\u2212]?(?:\d+\s+\d+\s*/\s*\d+|\d+\s*/\s*\d+|\d{1,3}(?:[ ,]\d{3})+(?:[.,]\d+)?|\d*[.,]\d+|\d+)"
    r"(?:\s*%)?(?![\w/]|[.,]\d)"
)
SAYS_MOST = 0.6  # of a sentence answer's content words: more than a hint pointing at the passage needs


def numbers_in(text: str) -> list[tuple[str, list[Fraction]]]:
    """Each number-looking token of a text with the values it may mean (1,375 may be 1375 or 1.375)."""
    found = []
    for match in NUMBER.finditer(normalise(text)):
        token = match.group(0).rstrip("%").strip()
        values = set(readings(token, "en")) | set(readings(token, "fr"))
        if match.group(0).endswith("%"):
            values |= {v / 100 for v in values}
        found.append((token, sorted(values)))
    return found


def answer_value(item: Item) -> Fraction | None:
    if item.kind != "number":
        return parse_number(item.answer, "fr") if item.kind == "short" else None
    text = item.answer.removesuffix(item.unit) if item.unit else item.answer
    return parse_number(text, "fr")


def leaks_answer(hint: str, item: Item) -> bool:
    """Whether the hint gives the item's answer away, in any written form. Repeating the question's own numbers
    is no leak, except when the answer is one of them (a comparison: "which is bigger, 3/4 or 2/3?"): then a hint
    that names it without the others points at it. A word answer found in the question (a reading passage) or a
    choice leaks when the hint names it, unless it names every choice alike."""
    value = answer_value(item)
    if value is not None:
        prompt_numbers = numbers_in(item.prompt)
        in_prompt = {normalise(token).replace(" ", "") for token, _ in prompt_numbers}
        answer_in_prompt = any(value in values for _, values in prompt_numbers)
        hint_numbers = numbers_in(hint)
        in_hint = {normalise(token).replace(" ", "") for token, _ in hint_numbers}
        for token, values in hint_numbers:
            if value in values and normalise(token).replace(" ", "") not in in_prompt:
                return True
            if value in values and answer_in_prompt and not in_prompt <= in_hint:
                return True  # names the answer among the question's numbers, and not the others
            if item.unit == "%" and value / 100 in values and token not in in_prompt:
                return True  # 0.25 or 1/4 for an answer of 25%
        text = f" {folded(hint)} "
        for words in in_words(value):
            phrase = folded(words)
            if phrase and f" {phrase} " in text:
                return True  # in the question too ("two baskets" in a passage): naming it points at it
    if item.kind in ("choice", "short"):
        text = f" {folded(hint)} "
        others = [folded(choice) for choice in item.choices if folded(choice) != folded(item.answer)]
        names_every_choice = bool(others) and all(f" {other} " in text for other in others)
        for answer in (item.answer, *item.accept):
            phrase = folded(answer)
            if len(phrase) >= 2 and f" {phrase} " in text and not names_every_choice:
                return True
        if not names_every_choice and says_most_of(hint, item.answer):
            return True
    return False


def content_words(text: str) -> set[str]:
    """The words that carry a sentence's meaning, roughly: longer than three letters (drops a, the, to, in, ni,
    la, les, kwa, ...)."""
    return {word for word in folded(text).split() if len(word) > 3}


def says_most_of(hint: str, answer: str) -> bool:
    """A sentence answer given in other words ("goats are useful animals for a family" for "Goats are useful to a
    family in many ways"): the hint holds most of the answer's content words (answers of three or more)."""
    wanted = content_words(answer)
    return len(wanted) >= 3 and len(wanted & content_words(hint)) >= SAYS_MOST * len(wanted)
