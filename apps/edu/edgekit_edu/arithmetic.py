"""Arithmetic a hint writes out, checked exactly: a small model gets sums wrong often enough that a hint showing a
false one ("4.2 kg x 1000 = 42000 g", "1 868 - 2 375 = 1 563") is withdrawn, like one that gives the answer away,
and so is a hint that states a number the tutor cannot check ("you pay 80 shillings"): in the evaluation set most
such numbers were wrong, and often they were the pupil's own wrong answer."""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

from edgekit_edu.leaks import numbers_in
from edgekit_edu.numbers import parse_number

# A number as a hint writes it: grouped thousands (1 868), decimals with . or , and fractions (3/4 after normalise).
_NUMBER = r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?(?:/\d+)?"
# 4.2 kg, 1000 grams, 25%: a unit word may follow a number after a space (6p in "6p - 8 = 34" is no unit, and an
# x is the times sign).
_UNIT = r"(?:\s?%| (?!x\b)[^\W\d_]{1,12}\b\.?)?"
_SIGN = r"\s*[+\-\u00d7x*\u00f7]\s*|\s+:\s+"  # ':' only spaced (12 : 4), so a time (14:40) is no division
_EQUALS = r"\s*(?:=|\b(?:equals|is|makes|ni|fait|font|égale|égal à)\b)\s*"
SUM = re.compile(
    rf"(?<![\w/.,()\-+\u00d7*])(?P<sum>(?:{_NUMBER}){_UNIT}(?:(?:{_SIGN})(?:{_NUMBER}){_UNIT})+)"
    rf"{_EQUALS}(?P<result>{_NUMBER})(?![\w/(]|[.,]\d|\s*(?:[+\-\u00d7*\u00f7]|x\s*\d))"  # = 1/6 + 2/6: a step
)
_PARTS = re.compile(rf"({_NUMBER}){_UNIT}|({_SIGN})")
# Numbers a method names without working anything out (out of 10, 100, 1000; 60 minutes), never a result.
METHOD_NUMBERS = frozenset(Fraction(n) for n in (0, 1, 2, 10, 100, 1000, 60))


def _plain(text: str) -> str:
    """One kind of space and of minus; ÷ stays a sign (numbers.normalise would make 12 ÷ 4 the fraction 12/4)."""
    text = unicodedata.normalize("NFKC", text).translate(dict.fromkeys(map(ord, "\u2212\u2012\u2013"), "-"))
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


def _value(token: str) -> Fraction | None:
    return parse_number(token.replace(" ", ""), "en")


def evaluate(expression: str) -> Fraction | None:
    """The value of `3 + 4 x 2` as a pupil's book reads it (times and ÷ before plus and minus), or None."""
    values: list[Fraction] = []
    signs: list[str] = []
    for number, sign in _PARTS.findall(expression):
        if number:
            value = _value(number)
            if value is None:
                return None
            values.append(value)
        else:
            signs.append(sign.strip())
    if len(values) != len(signs) + 1:
        return None
    terms, joins = [values[0]], []
    for sign, value in zip(signs, values[1:], strict=True):
        if sign in ("\u00d7", "x", "*"):
            terms[-1] *= value
        elif sign in ("\u00f7", ":"):
            if value == 0:
                return None
            terms[-1] /= value
        else:
            terms.append(value)
            joins.append(sign)
    total = terms[0]
    for join, term in zip(joins, terms[1:], strict=True):
        total = total + term if join == "+" else total - term
    return total


def written_sums(text: str) -> list[tuple[str, bool]]:
    """Each sum the text writes out, and whether it is true."""
    found = []
    for match in SUM.finditer(_plain(text)):
        value, result = evaluate(match["sum"]), _value(match["result"])
        if value is not None and result is not None:
            found.append((match.group(0), value == result))
    return found


def false_sums(text: str) -> list[str]:
    """The written-out sums of a text that are not true."""
    return [written for written, true in written_sums(text) if not true]


def unchecked_numbers(hint: str, question: str) -> list[str]:
    """Numbers the hint states that are not the question's, not a method's (10, 100, 1000, 60) and not in a true
    written-out sum: results the model worked out, which nothing here can check."""
    known = {value for _, values in numbers_in(question) for value in values} | METHOD_NUMBERS
    known |= {value for digits in re.findall(r"\d+", question) if (value := _value(digits)) is not None}  # 15 of 15/20
    for written, true in written_sums(hint):
        if true:
            known |= {value for _, values in numbers_in(written) for value in values}
    return [token for token, values in numbers_in(hint) if values and not known.intersection(values)]
