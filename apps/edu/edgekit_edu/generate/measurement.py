# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Measurement: converting metric units, and the perimeter and area of a rectangle."""

from __future__ import annotations

from fractions import Fraction

from edgekit_edu.generate.common import Made, say, show, template

# (big unit, small unit, how many small in one big, name of small unit in en/sw/fr)
CONVERSIONS = (
    ("m", "cm", 100, ("centimetres", "sentimita", "centimètres")),
    ("km", "m", 1000, ("metres", "mita", "mètres")),
    ("kg", "g", 1000, ("grams", "gramu", "grammes")),
    ("l", "ml", 1000, ("millilitres", "mililita", "millilitres")),
    ("cm", "mm", 10, ("millimetres", "milimita", "millimètres")),
)


@template(
    "math.measurement.units",
    {
        "en": "Remember how many small units make one big unit (1 m = 100 cm, 1 km = 1000 m, 1 kg = 1000 g). "
        "Going from big to small units, multiply.",
        "sw": "Kumbuka vipimo vidogo vingapi vinafanya kipimo kimoja kikubwa (m 1 = cm 100, km 1 = m 1000, "
        "kg 1 = g 1000). Kutoka kikubwa kwenda kidogo, zidisha.",
        "fr": "Rappelle-toi combien de petites unités font une grande (1 m = 100 cm, 1 km = 1000 m, "
        "1 kg = 1000 g). Pour passer d'une grande unité à une petite, multiplie.",
    },
)
def convert(rng, lang):
    big, small, factor, names = rng.choice(CONVERSIONS)
    amount = Fraction(rng.randrange(1, 40), rng.choice((1, 2, 4, 10)))
    result = amount * factor
    name = say(lang, *names)
    return Made(
        say(
            lang,
            f"How many {name} are there in {show(amount, lang)} {big}?",
            f"Kuna {name} ngapi katika {big} {show(amount, lang)}?",
            f"Combien de {name} y a-t-il dans {show(amount, lang)} {big} ?",
        ),
        result,
        f"1 {big} = {factor} {small}: {show(amount, lang)} × {factor} = {show(result, lang)} {small}",
        unit=small,
    )


@template(
    "math.measurement.perimeter_area",
    {
        "en": "The area of a rectangle is its length times its width. The answer is in square units (cm²).",
        "sw": "Eneo la mstatili ni urefu mara upana. Jibu liko katika vipimo vya mraba (cm²).",
        "fr": "L'aire d'un rectangle est sa longueur fois sa largeur. La réponse est en unités carrées (cm²).",
    },
)
def area(rng, lang):
    length, width = rng.randrange(3, 25), rng.randrange(2, 15)
    return Made(
        say(
            lang,
            f"A rectangle is {length} cm long and {width} cm wide. What is its area in cm²?",
            f"Mstatili una urefu wa cm {length} na upana wa cm {width}. Eneo lake ni cm² ngapi?",
            f"Un rectangle mesure {length} cm de long et {width} cm de large. Quelle est son aire en cm² ?",
        ),
        Fraction(length * width),
        f"{length} × {width} = {length * width} cm²",
        unit="cm²",
    )


@template(
    "math.measurement.perimeter_area",
    {
        "en": "The perimeter is the distance all the way round: add all four sides (two lengths and two widths).",
        "sw": "Mzingo ni umbali wa kuzunguka kote: jumlisha pande zote nne (urefu mara mbili na upana mara mbili).",
        "fr": "Le périmètre est la longueur du tour : additionne les quatre côtés (deux longueurs et deux largeurs).",
    },
)
def perimeter(rng, lang):
    length, width = rng.randrange(3, 40), rng.randrange(2, 25)
    return Made(
        say(
            lang,
            f"A rectangular garden is {length} m long and {width} m wide. What is its perimeter in metres?",
            f"Bustani ya mstatili ina urefu wa m {length} na upana wa m {width}. Mzingo wake ni mita ngapi?",
            f"Un jardin rectangulaire mesure {length} m de long et {width} m de large. Quel est son périmètre "
            "en mètres ?",
        ),
        Fraction(2 * (length + width)),
        f"{length} + {width} + {length} + {width} = {2 * (length + width)} m",
        unit="m",
    )


@template(
    "math.measurement.time",
    {
        "en": "1 hour = 60 minutes and 1 minute = 60 seconds. Change the whole hours first, then add the rest.",
        "sw": "Saa 1 = dakika 60 na dakika 1 = sekunde 60. Badilisha saa nzima kwanza, kisha ongeza zinazobaki.",
        "fr": "1 heure = 60 minutes et 1 minute = 60 secondes. Convertis d'abord les heures entières, puis "
        "ajoute le reste.",
    },
)
def time(rng, lang):
    hours, minutes = rng.randrange(1, 6), rng.choice((0, 10, 15, 20, 30, 45))
    total = hours * 60 + minutes
    return Made(
        say(
            lang,
            f"How many minutes are there in {hours} hours {minutes} minutes?",
            f"Kuna dakika ngapi katika saa {hours} na dakika {minutes}?",
            f"Combien de minutes y a-t-il dans {hours} heures {minutes} minutes ?",
        ),
        Fraction(total),
        f"{hours} × 60 = {hours * 60}; {hours * 60} + {minutes} = {total}",
        unit="min",
    )


@template(
    "math.measurement.volume",
    {
        "en": "The volume of a box is length × width × height. The answer is in cubic units (cm³).",
        "sw": "Ujazo wa sanduku ni urefu × upana × kimo. Jibu liko katika vipimo vya mchemraba (cm³).",
        "fr": "Le volume d'une boîte est longueur × largeur × hauteur. La réponse est en unités cubes (cm³).",
    },
)
def volume(rng, lang):
    length, width, height = rng.randrange(2, 15), rng.randrange(2, 10), rng.randrange(2, 10)
    value = length * width * height
    return Made(
        say(
            lang,
            f"A box is {length} cm long, {width} cm wide and {height} cm high. What is its volume in cm³?",
            f"Sanduku lina urefu wa cm {length}, upana wa cm {width} na kimo cha cm {height}. Ujazo wake ni cm³ ngapi?",
            f"Une boîte mesure {length} cm de long, {width} cm de large et {height} cm de haut. Quel est son "
            "volume en cm³ ?",
        ),
        Fraction(value),
        f"{length} × {width} × {height} = {value} cm³",
        unit="cm³",
    )
