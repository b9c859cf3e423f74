"""What every math template shares: a registry keyed by skill id, a seeded generator, and numbers written the way
a pupil's school writes them (thousands grouped by a space; a decimal comma in French)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from edgekit_edu.numbers import canonical, terminating_decimal

LANGS = ("en", "sw", "fr")


@dataclass(frozen=True)
class Made:
    """A template's output before it becomes an Item."""

    prompt: str
    answer: Fraction
    explain: str  # the worked solution, shown after answering and used as a worked example of a similar problem
    unit: str = ""
    simplest: bool = False
    form: str = ""  # "" (any exact form), "decimal" or "fraction"
    answer_form: str = "auto"  # how the canonical answer is written: auto | fraction | mixed


@dataclass(frozen=True)
class Template:
    """One kind of item of a skill (a skill may have several: adding and subtracting)."""

    skill: str
    make: Callable[[random.Random, str], Made]
    strategy: dict[str, str]  # a hint that fits every item of this kind: the tutor's fallback, never an answer


TEMPLATES: dict[str, list[Template]] = {}


def template(skill: str, strategy: dict[str, str]):
    def register(make: Callable[[random.Random, str], Made]) -> Callable[[random.Random, str], Made]:
        assert set(strategy) == set(LANGS), skill
        TEMPLATES.setdefault(skill, []).append(Template(skill, make, strategy))
        return make

    return register


def say(lang: str, en: str, sw: str, fr: str) -> str:
    return {"en": en, "sw": sw, "fr": fr}.get(lang, en)


def show(value: Fraction | int | float, lang: str, form: str = "auto") -> str:
    """A number as the prompt writes it: 12 500, 0.75 (0,75 in French), 3/4."""
    value = Fraction(value)
    if value.denominator == 1:
        digits = str(abs(value.numerator))
        if len(digits) > 4:  # 4 digits stay together (2026), 5 and more are grouped (12 500)
            digits = " ".join(digits[max(i - 3, 0) : i] for i in range(len(digits), 0, -3)[::-1])
        return ("-" if value < 0 else "") + digits
    text = canonical(value, form) if form != "auto" else (terminating_decimal(value) or canonical(value, "fraction"))
    return text.replace(".", ",") if lang == "fr" else text


def answer_text(made: Made) -> str:
    """The canonical answer (always with a decimal point: the checker reads answers that way)."""
    return canonical(made.answer, made.answer_form) + ("%" if made.unit == "%" else "")
