# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Simple equations: one step and two steps, with a whole-number solution."""

from __future__ import annotations

from fractions import Fraction

from edgekit_edu.generate.common import Made, say, template


def _find(lang, equation):
    return say(lang, f"Find x: {equation}", f"Tafuta x: {equation}", f"Trouve x : {equation}")


@template(
    "math.equations.one_step",
    {
        "en": "Do the opposite operation to both sides: undo + with −, − with +, × with ÷ and ÷ with ×.",
        "sw": "Fanya operesheni kinyume pande zote mbili: ondoa + kwa −, − kwa +, × kwa ÷ na ÷ kwa ×.",
        "fr": "Fais l'opération inverse des deux côtés : + se défait avec −, − avec +, × avec ÷ et ÷ avec ×.",
    },
)
def one_step(rng, lang):
    x = rng.randrange(2, 60)
    k = rng.randrange(2, 12)
    kind = rng.randrange(4)
    if kind == 0:
        equation, step = f"x + {k} = {x + k}", f"x = {x + k} − {k} = {x}"
    elif kind == 1:
        equation, step = f"x − {k} = {x - k}", f"x = {x - k} + {k} = {x}"
    elif kind == 2:
        equation, step = f"{k}x = {k * x}", f"x = {k * x} ÷ {k} = {x}"
    else:
        x = k * rng.randrange(2, 12)
        equation, step = f"x ÷ {k} = {x // k}", f"x = {x // k} × {k} = {x}"
    return Made(_find(lang, equation), Fraction(x), step)


@template(
    "math.equations.two_step",
    {
        "en": "Undo the adding or subtracting first, on both sides. Then undo the multiplying by dividing both "
        "sides. Check by putting your x back in.",
        "sw": "Kwanza ondoa kujumlisha au kutoa, pande zote mbili. Kisha ondoa kuzidisha kwa kugawanya pande zote. "
        "Hakikisha kwa kuweka x yako tena.",
        "fr": "Défais d'abord l'addition ou la soustraction, des deux côtés. Puis défais la multiplication en "
        "divisant les deux côtés. Vérifie en remplaçant x.",
    },
)
def two_step(rng, lang):
    x, k, c = rng.randrange(2, 20), rng.randrange(2, 10), rng.randrange(1, 30)
    if rng.random() < 0.5:
        equation, steps = f"{k}x + {c} = {k * x + c}", f"{k}x = {k * x + c} − {c} = {k * x}; x = {k * x} ÷ {k} = {x}"
    else:
        equation, steps = f"{k}x − {c} = {k * x - c}", f"{k}x = {k * x - c} + {c} = {k * x}; x = {k * x} ÷ {k} = {x}"
    return Made(_find(lang, equation), Fraction(x), steps)
