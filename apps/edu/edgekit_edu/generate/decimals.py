# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Decimals: writing a fraction as a decimal, and adding decimals."""

from __future__ import annotations

from fractions import Fraction

from edgekit_edu.generate.common import Made, say, show, template

# Fractions whose decimals end, as pupils meet them: halves, quarters, fifths, eighths, tenths, twentieths...
DENOMINATORS = (2, 4, 5, 8, 10, 20, 25, 50)


@template(
    "math.decimals.fractions",
    {
        "en": "Make the bottom number 10, 100 or 1000 by multiplying top and bottom by the same number; then "
        "write the top number after the decimal point.",
        "sw": "Fanya namba ya chini iwe 10, 100 au 1000 kwa kuzidisha juu na chini kwa namba ileile; kisha andika "
        "namba ya juu baada ya nukta.",
        "fr": "Rends le dénominateur égal à 10, 100 ou 1000 en multipliant le haut et le bas par le même nombre ; "
        "écris ensuite le numérateur après la virgule.",
    },
)
def from_fraction(rng, lang):
    den = rng.choice(DENOMINATORS)
    num = rng.randrange(1, den)
    value = Fraction(num, den)
    power = next(p for p in (10, 100, 1000) if p % value.denominator == 0)
    scaled = value * power
    return Made(
        say(
            lang,
            f"Write {num}/{den} as a decimal.",
            f"Andika {num}/{den} kama desimali.",
            f"Écris {num}/{den} sous forme décimale.",
        ),
        value,
        f"{num}/{den} = {scaled.numerator}/{power} = {show(value, lang)}",
        form="decimal",
    )


@template(
    "math.decimals.add_subtract",
    {
        "en": "Line up the decimal points, one under the other. Fill empty places with 0, then add as with whole "
        "numbers and keep the point in the same place.",
        "sw": "Panga nukta za desimali moja chini ya nyingine. Jaza nafasi tupu kwa 0, kisha jumlisha kama namba "
        "nzima na uweke nukta mahali pale pale.",
        "fr": "Aligne les virgules l'une sous l'autre. Complète les places vides par des 0, puis additionne comme "
        "des nombres entiers en gardant la virgule à la même place.",
    },
)
def add(rng, lang):
    a = Fraction(rng.randrange(1, 999), rng.choice((10, 100)))
    b = Fraction(rng.randrange(1, 999), rng.choice((10, 100)))
    if a.denominator == 1:
        a += Fraction(1, 10)
    return Made(
        say(
            lang,
            f"Work out {show(a, lang)} + {show(b, lang)}.",
            f"Hesabu {show(a, lang)} + {show(b, lang)}.",
            f"Calcule {show(a, lang)} + {show(b, lang)}.",
        ),
        a + b,
        f"{show(a, lang)} + {show(b, lang)} = {show(a + b, lang)}",
    )


@template(
    "math.decimals.add_subtract",
    {
        "en": "Line up the decimal points. Fill empty places with 0, subtract as with whole numbers, and keep the "
        "point in the same place.",
        "sw": "Panga nukta za desimali. Jaza nafasi tupu kwa 0, toa kama namba nzima, na uweke nukta mahali pale pale.",
        "fr": "Aligne les virgules. Complète les places vides par des 0, soustrais comme des nombres entiers et "
        "garde la virgule à la même place.",
    },
)
def subtract(rng, lang):
    a = Fraction(rng.randrange(100, 999), rng.choice((10, 100)))
    b = Fraction(rng.randrange(1, 99), rng.choice((10, 100)))
    if b >= a or a.denominator == 1:
        a += b + Fraction(1, 10)
    return Made(
        say(
            lang,
            f"Work out {show(a, lang)} − {show(b, lang)}.",
            f"Hesabu {show(a, lang)} − {show(b, lang)}.",
            f"Calcule {show(a, lang)} − {show(b, lang)}.",
        ),
        a - b,
        f"{show(a, lang)} − {show(b, lang)} = {show(a - b, lang)}",
    )


@template(
    "math.decimals.place_value",
    {
        "en": "After the decimal point come tenths, then hundredths, then thousandths. The digit's value is the "
        "digit times that place.",
        "sw": "Baada ya nukta huja sehemu za kumi, kisha za mia, kisha za elfu. Thamani ya tarakimu ni tarakimu "
        "mara nafasi hiyo.",
        "fr": "Après la virgule viennent les dixièmes, puis les centièmes, puis les millièmes. La valeur du "
        "chiffre est le chiffre fois ce rang.",
    },
)
def decimal_place(rng, lang):
    digits = rng.sample(range(1, 10), 4)
    number = Fraction(int("".join(map(str, digits))), 1000)
    position = rng.randrange(1, 4)
    digit = digits[position]
    value = Fraction(digit, 10**position)
    names = {
        1: ("tenths", "sehemu za kumi", "dixièmes"),
        2: ("hundredths", "sehemu za mia", "centièmes"),
        3: ("thousandths", "sehemu za elfu", "millièmes"),
    }[position]
    return Made(
        say(
            lang,
            f"What is the value of the digit {digit} in {show(number, lang)}? Write it as a decimal.",
            f"Thamani ya tarakimu {digit} katika {show(number, lang)} ni ngapi? Iandike kama desimali.",
            f"Quelle est la valeur du chiffre {digit} dans {show(number, lang)} ? Écris-la sous forme décimale.",
        ),
        value,
        f"{digit} "
        + say(lang, f"is in the {names[0]} place", f"iko katika nafasi ya {names[1]}", f"est au rang des {names[2]}")
        + f": {show(value, lang)}",
        form="decimal",
    )
