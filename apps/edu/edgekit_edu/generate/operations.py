# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""The four operations on whole numbers, with sizes an upper-primary pupil works on paper."""

from __future__ import annotations

from fractions import Fraction

from edgekit_edu.generate.common import Made, say, show, template


def _work_out(lang, expression):
    return say(lang, f"Work out {expression}.", f"Hesabu {expression}.", f"Calcule {expression}.")


@template(
    "math.operations.add_subtract",
    {
        "en": "Write the numbers one under the other, ones under ones. Add the ones first; if they make 10 or "
        "more, carry the ten to the next column.",
        "sw": "Andika namba moja chini ya nyingine, mamoja chini ya mamoja. Jumlisha mamoja kwanza; yakifika 10 "
        "au zaidi, peleka kumi kwenye safu inayofuata.",
        "fr": "Écris les nombres l'un sous l'autre, unités sous unités. Additionne d'abord les unités ; si cela "
        "fait 10 ou plus, retiens la dizaine dans la colonne suivante.",
    },
)
def add(rng, lang):
    a, b = rng.randrange(100, 9999), rng.randrange(100, 9999)
    return Made(
        _work_out(lang, f"{show(a, lang)} + {show(b, lang)}"),
        Fraction(a + b),
        f"{show(a, lang)} + {show(b, lang)} = {show(a + b, lang)}",
    )


@template(
    "math.operations.add_subtract",
    {
        "en": "Write the bigger number on top, ones under ones. Subtract column by column from the right; if the "
        "top digit is smaller, borrow 1 ten from the next column.",
        "sw": "Andika namba kubwa juu, mamoja chini ya mamoja. Toa safu kwa safu kuanzia kulia; kama tarakimu ya "
        "juu ni ndogo, azima kumi 1 kutoka safu inayofuata.",
        "fr": "Écris le plus grand nombre en haut, unités sous unités. Soustrais colonne par colonne depuis la "
        "droite ; si le chiffre du haut est plus petit, emprunte une dizaine à la colonne suivante.",
    },
)
def subtract(rng, lang):
    a, b = sorted((rng.randrange(100, 9999), rng.randrange(100, 9999)), reverse=True)
    if a == b:
        a += rng.randrange(1, 50)
    return Made(
        _work_out(lang, f"{show(a, lang)} − {show(b, lang)}"),
        Fraction(a - b),
        f"{show(a, lang)} − {show(b, lang)} = {show(a - b, lang)}",
    )


@template(
    "math.operations.multiply",
    {
        "en": "Split the second number into tens and ones. Multiply by each part, then add the two results.",
        "sw": "Gawa namba ya pili kuwa makumi na mamoja. Zidisha kwa kila sehemu, kisha jumlisha majibu mawili.",
        "fr": "Décompose le deuxième nombre en dizaines et unités. Multiplie par chaque partie, puis additionne "
        "les deux résultats.",
    },
)
def multiply(rng, lang):
    a, b = rng.randrange(12, 999), rng.randrange(3, 99)
    tens, ones = b // 10 * 10, b % 10
    steps = f"{show(a, lang)} × {tens} = {show(a * tens, lang)}; {show(a, lang)} × {ones} = {show(a * ones, lang)}; "
    return Made(
        _work_out(lang, f"{show(a, lang)} × {show(b, lang)}"),
        Fraction(a * b),
        steps + f"{show(a * tens, lang)} + {show(a * ones, lang)} = {show(a * b, lang)}",
    )


@template(
    "math.operations.divide",
    {
        "en": "Ask: how many times does the divisor fit into the first digits? Write that, multiply back, "
        "subtract, and bring down the next digit.",
        "sw": "Jiulize: kigawanyo kinaingia mara ngapi katika tarakimu za kwanza? Andika, zidisha, toa, kisha "
        "shusha tarakimu inayofuata.",
        "fr": "Demande-toi : combien de fois le diviseur entre-t-il dans les premiers chiffres ? Écris-le, "
        "multiplie, soustrais, puis abaisse le chiffre suivant.",
    },
)
def divide(rng, lang):
    divisor, quotient = rng.randrange(2, 13), rng.randrange(12, 500)
    total = divisor * quotient
    return Made(
        _work_out(lang, f"{show(total, lang)} ÷ {divisor}"),
        Fraction(quotient),
        f"{show(total, lang)} ÷ {divisor} = {show(quotient, lang)}, "
        + say(lang, "because", "kwa sababu", "car")
        + f" {show(quotient, lang)} × {divisor} = {show(total, lang)}",
    )


@template(
    "math.operations.order",
    {
        "en": "Brackets first, then × and ÷ from left to right, then + and − from left to right.",
        "sw": "Mabano kwanza, kisha × na ÷ kutoka kushoto kwenda kulia, kisha + na − kutoka kushoto kwenda kulia.",
        "fr": "D'abord les parenthèses, puis × et ÷ de gauche à droite, puis + et − de gauche à droite.",
    },
)
def order(rng, lang):
    a, b, c = rng.randrange(2, 20), rng.randrange(2, 10), rng.randrange(2, 10)
    shape = rng.randrange(3)
    if shape == 0:
        expression, value, steps = f"{a} + {b} × {c}", a + b * c, f"{b} × {c} = {b * c}; {a} + {b * c} = {a + b * c}"
    elif shape == 1:
        expression, value, steps = (
            f"({a} + {b}) × {c}",
            (a + b) * c,
            f"{a} + {b} = {a + b}; {a + b} × {c} = {(a + b) * c}",
        )
    else:
        big = b * c + a
        expression, value = f"{big} − {b} × {c}", big - b * c
        steps = f"{b} × {c} = {b * c}; {big} − {b * c} = {value}"
    return Made(_work_out(lang, expression), Fraction(value), steps)
