"""Sums a hint writes out ("3/4 + 1/8 = 7/8", "12 x 5 = 60") checked exactly: a small model gets arithmetic
wrong often enough that a hint showing a false sum is withdrawn, like one that gives the answer away."""

from __future__ import annotations

import re
from fractions import Fraction

from edgekit_edu.numbers import parse_number

_NUMBER = r"\d+(?:[.,]\d+)?(?:\s*/\s*\d+)?"
SUM = re.compile(
    rf"(?<![\w/.,])({_NUMBER})\s*([+\-\u2212\u00d7x*\u00f7:])\s*({_NUMBER})\s*=\s*({_NUMBER})(?![\w/]|[.,]\d)"
)


def _apply(left: Fraction, sign: str, right: Fraction) -> Fraction | None:
    if sign == "+":
        return left + right
    if sign in "-\u2212":
        return left - right
    if sign in "\u00d7x*":
        return left * right
    return left / right if right else None


def false_sums(text: str) -> list[str]:
    """The written-out sums of a text that are not true."""
    wrong = []
    for match in SUM.finditer(text):
        left, right, result = (parse_number(match.group(i), "en") for i in (1, 3, 4))
        if None in (left, right, result):
            continue
        value = _apply(left, match.group(2), right)
        if value is not None and value != result:
            wrong.append(match.group(0))
    return wrong
