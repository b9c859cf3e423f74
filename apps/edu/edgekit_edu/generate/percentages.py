# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Percentages: a percentage of an amount, and a fraction as a percentage."""

from __future__ import annotations

from fractions import Fraction

from edgekit_edu.generate.common import Made, say, show, template


@template(
    "math.percentages.of",
    {
        "en": "Per cent means out of 100. Find 1% by dividing the amount by 100 (or 10% by dividing by 10), "
        "then build up to the percentage you need.",
        "sw": "Asilimia maana yake ni kati ya 100. Tafuta 1% kwa kugawanya kiasi kwa 100 (au 10% kwa kugawanya "
        "kwa 10), kisha jenga hadi asilimia unayotaka.",
        "fr": "Pour cent veut dire sur 100. Trouve 1 % en divisant la quantité par 100 (ou 10 % en divisant par "
        "10), puis construis le pourcentage demandé.",
    },
)
def of_amount(rng, lang):
    percent = rng.choice((5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 80))
    amount = rng.randrange(2, 40) * 20
    result = Fraction(percent * amount, 100)
    return Made(
        say(
            lang,
            f"What is {percent}% of {show(amount, lang)}?",
            f"{percent}% ya {show(amount, lang)} ni ngapi?",
            f"Combien font {percent} % de {show(amount, lang)} ?",
        ),
        result,
        f"{show(amount, lang)} ÷ 100 × {percent} = {show(result, lang)}",
    )


@template(
    "math.percentages.fromfraction",
    {
        "en": "Make an equivalent fraction with 100 at the bottom: the top number is then the percentage.",
        "sw": "Tengeneza sehemu sawa yenye 100 chini: namba ya juu ndiyo asilimia.",
        "fr": "Écris une fraction égale avec 100 au dénominateur : le numérateur est alors le pourcentage.",
    },
)
def from_fraction(rng, lang):
    den = rng.choice((2, 4, 5, 10, 20, 25, 50))
    num = rng.randrange(1, den)
    percent = Fraction(num * 100, den)
    return Made(
        say(
            lang,
            f"Write {num}/{den} as a percentage.",
            f"Andika {num}/{den} kama asilimia.",
            f"Écris {num}/{den} en pourcentage.",
        ),
        percent,
        f"{num}/{den} = {show(percent, lang)}/100 = {show(percent, lang)}%",
        unit="%",
    )
