# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Place value: the value of a digit, and rounding."""

from __future__ import annotations

from fractions import Fraction

from edgekit_edu.generate.common import Made, say, show, template

PLACES = {
    1: ("ones", "mamoja", "unités"),
    10: ("tens", "makumi", "dizaines"),
    100: ("hundreds", "mamia", "centaines"),
    1000: ("thousands", "maelfu", "milliers"),
    10000: ("ten thousands", "makumi elfu", "dizaines de mille"),
}


@template(
    "math.place_value.digits",
    {
        "en": "Say the places from the right: ones, tens, hundreds, thousands. Which place is the digit in? "
        "Its value is the digit times that place.",
        "sw": "Taja nafasi kuanzia kulia: mamoja, makumi, mamia, maelfu. Tarakimu iko katika nafasi gani? "
        "Thamani yake ni tarakimu mara nafasi hiyo.",
        "fr": "Nomme les rangs depuis la droite : unités, dizaines, centaines, milliers. Dans quel rang est le "
        "chiffre ? Sa valeur est le chiffre multiplié par ce rang.",
    },
)
def digit_value(rng, lang):
    digits = rng.sample(range(1, 10), 5)
    number = int("".join(map(str, digits)))
    position = rng.randrange(5)
    digit = digits[position]
    place = 10 ** (4 - position)
    value = digit * place
    names = PLACES[place]
    return Made(
        say(
            lang,
            f"What is the value of the digit {digit} in {show(number, lang)}?",
            f"Thamani ya tarakimu {digit} katika {show(number, lang)} ni ngapi?",
            f"Quelle est la valeur du chiffre {digit} dans {show(number, lang)} ?",
        ),
        Fraction(value),
        say(
            lang,
            f"{digit} is in the {names[0]} place: {digit} × {show(place, lang)} = {show(value, lang)}.",
            f"{digit} iko katika nafasi ya {names[1]}: {digit} × {show(place, lang)} = {show(value, lang)}.",
            f"{digit} est au rang des {names[2]} : {digit} × {show(place, lang)} = {show(value, lang)}.",
        ),
    )


@template(
    "math.place_value.rounding",
    {
        "en": "Find the place you round to, then look at the digit just to its right: 5 or more rounds up, "
        "4 or less rounds down.",
        "sw": "Tafuta nafasi unayokadiria, kisha angalia tarakimu iliyo kulia kwake: 5 au zaidi unaongeza, "
        "4 au chini unabaki.",
        "fr": "Trouve le rang auquel tu arrondis, puis regarde le chiffre juste à sa droite : 5 ou plus, on "
        "arrondit au-dessus ; 4 ou moins, au-dessous.",
    },
)
def rounding(rng, lang):
    place = rng.choice((10, 100, 1000))
    number = rng.randrange(1000, 99999)
    if number % place == 0:
        number += rng.randrange(1, place)
    rounded = (number + place // 2) // place * place
    names = {
        10: ("ten", "kumi", "dizaine"),
        100: ("hundred", "mia", "centaine"),
        1000: ("thousand", "elfu", "millier"),
    }[place]
    return Made(
        say(
            lang,
            f"Round {show(number, lang)} to the nearest {names[0]}.",
            f"Kadiria {show(number, lang)} hadi {names[1]} iliyo karibu zaidi.",
            f"Arrondis {show(number, lang)} à la {names[2]} la plus proche."
            if place != 1000
            else f"Arrondis {show(number, lang)} au millier le plus proche.",
        ),
        Fraction(rounded),
        say(
            lang,
            f"The digit to the right of the {names[0]}s place is {number // (place // 10) % 10}, "
            f"so {show(number, lang)} rounds to {show(rounded, lang)}.",
            f"Tarakimu baada ya nafasi ya {names[1]} ni {number // (place // 10) % 10}, kwa hiyo "
            f"{show(number, lang)} inakuwa {show(rounded, lang)}.",
            f"Le chiffre à droite de ce rang est {number // (place // 10) % 10}, donc {show(number, lang)} s'arrondit "
            f"à {show(rounded, lang)}.",
        ),
    )
