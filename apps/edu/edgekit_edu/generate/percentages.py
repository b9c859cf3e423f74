# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Percentages: a percentage of an amount, and a fraction as a percentage."""

from __future__ import annotations

from fractions import Fraction

from edgekit_edu.generate.common import Made, say, show, template


@template(
    "math.percentages.of_amount",
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
    "math.percentages.meaning",
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


@template(
    "math.percentages.change",
    {
        "en": "Find how much it went up or down. Divide that change by the starting amount, then multiply by 100.",
        "sw": "Tafuta imeongezeka au imepungua kiasi gani. Gawanya badiliko hilo kwa kiasi cha mwanzo, kisha "
        "zidisha kwa 100.",
        "fr": "Trouve de combien cela a augmenté ou baissé. Divise cette variation par la quantité de départ, "
        "puis multiplie par 100.",
    },
)
def change(rng, lang):
    start = rng.randrange(2, 30) * 20
    percent = rng.choice((5, 10, 15, 20, 25, 30, 40, 50, 75))
    up = rng.random() < 0.5
    difference = start * percent // 100
    end = start + difference if up else start - difference
    prompt = say(
        lang,
        f"A price goes {'up' if up else 'down'} from {show(start, lang)} to {show(end, lang)} shillings. "
        f"By what percentage did it {'rise' if up else 'fall'}?",
        f"Bei {'imepanda' if up else 'imeshuka'} kutoka shilingi {show(start, lang)} hadi {show(end, lang)}. "
        f"Ime{'panda' if up else 'shuka'} kwa asilimia ngapi?",
        f"Un prix passe de {show(start, lang)} à {show(end, lang)} francs. De quel pourcentage a-t-il "
        f"{'augmenté' if up else 'baissé'} ?",
    )
    return Made(
        prompt,
        Fraction(percent),
        f"{show(difference, lang)} ÷ {show(start, lang)} × 100 = {percent}%",
        unit="%",
    )
