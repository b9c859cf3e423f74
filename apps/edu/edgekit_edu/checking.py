"""Is a pupil's answer right? Exact, instant, and without any model, so a whole class can practise at once.

Numbers compare by value (3/4 = 0.75 = 0,75 = 75% only where the item asks for a percent); short answers compare
case-, space- and punctuation-insensitively against the answer and its accepted variants; a choice by its text or
its letter. An answer we cannot read is "unreadable", which does not count against the pupil.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from edgekit_edu.item import Item
from edgekit_edu.numbers import is_simplest, parse_number, readings

CORRECT, WRONG, UNREADABLE = "correct", "wrong", "unreadable"
NOT_SIMPLEST, WRONG_FORM = "not_simplest", "wrong_form"  # the right value, not in the form the item asks for
_VARIABLE = re.compile(r"^[a-z]\s*=\s*", re.IGNORECASE)  # "x = 8" for an equation
_NUMBER_THEN_UNIT = re.compile(
    r"^(?P<number>[-+\u2212]?[\d\s.,/\u2044\u00bc-\u00be\u2150-\u215e]+?)\s*(?P<unit>[^\d\s.,/\u00bc-\u00be\u2150-\u215e].*)?$"
)
# How pupils write the units our items use; a different unit ("350 m" for centimetres) is a wrong answer.
UNIT_SPELLINGS = {
    "cm²": {"cm2", "sq cm", "square cm", "square centimetres", "square centimeters", "sentimita za mraba"},
    "m²": {"m2", "sq m", "square metres", "square meters", "mita za mraba"},
    "cm³": {"cm3", "cubic cm", "cubic centimetres", "cubic centimeters", "sentimita za ujazo"},
    "%": {"percent", "per cent", "asilimia", "pour cent", "pourcent"},
    "min": {"minutes", "minute", "mins", "dakika", "mn"},
    "m": {"metres", "meters", "metre", "meter", "mita", "mètres"},
    "cm": {"centimetres", "centimeters", "sentimita", "centimètres"},
    "g": {"grams", "gramu", "grammes"},
    "ml": {"millilitres", "milliliters", "mililita"},
    "mm": {"millimetres", "millimeters", "milimita", "millimètres"},
}


@dataclass(frozen=True)
class Verdict:
    outcome: str  # correct | wrong | not_simplest | wrong_form | unreadable

    @property
    def correct(self) -> bool:
        return self.outcome == CORRECT

    @property
    def counts(self) -> bool:
        """Whether this attempt goes into mastery: an unreadable answer is a typing slip, not a wrong one."""
        return self.outcome != UNREADABLE


def folded(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: how short answers are compared."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def split_unit(response: str, unit: str) -> tuple[str, bool]:
    """The number part of "350 cm" and whether the unit written (if any) is the item's."""
    response = _VARIABLE.sub("", response.strip())
    match = _NUMBER_THEN_UNIT.match(response)
    if not match or not match["unit"]:
        return response, True
    written = match["unit"].strip()
    if written == "%" or folded(written) == folded(unit) or folded(written) in UNIT_SPELLINGS.get(unit, ()):
        return match["number"].strip(), written != "%" or unit == "%"
    return match["number"].strip(), False


def check(item: Item, response: str) -> Verdict:
    response = (response or "").strip()
    if not response:
        return Verdict(UNREADABLE)
    if item.kind == "number":
        return _check_number(item, response)
    if item.kind == "choice":
        return _check_choice(item, response)
    wanted = {folded(item.answer), *(folded(a) for a in item.accept)}
    return Verdict(CORRECT if folded(response) in wanted else WRONG)


def _check_number(item: Item, response: str) -> Verdict:
    expected = parse_number(item.answer.removesuffix(item.unit).strip() if item.unit else item.answer, "fr")
    written, unit_ok = split_unit(response, item.unit)
    values = readings(written, item.lang)
    if not values or expected is None:
        return Verdict(UNREADABLE)
    if expected not in values or not unit_ok:
        return Verdict(WRONG)
    if item.simplest and not is_simplest(written):
        return Verdict(NOT_SIMPLEST)
    if (item.form == "decimal" and "/" in written) or (item.form == "fraction" and re.search(r"[.,]", written)):
        return Verdict(WRONG_FORM)
    return Verdict(CORRECT)


def _check_choice(item: Item, response: str) -> Verdict:
    letters = "abcdefgh"
    answer = folded(response)
    if len(answer) == 1 and answer in letters[: len(item.choices)]:
        chosen = item.choices[letters.index(answer)]
    elif answer.isdigit() and 1 <= int(answer) <= len(item.choices) and not any(map(_has_digit, item.choices)):
        chosen = item.choices[int(answer) - 1]
    else:
        matches = [c for c in item.choices if folded(c) == answer]
        if not matches:
            return Verdict(UNREADABLE if item.choices else WRONG)
        chosen = matches[0]
    return Verdict(CORRECT if folded(chosen) == folded(item.answer) else WRONG)
