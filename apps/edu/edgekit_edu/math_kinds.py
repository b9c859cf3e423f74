# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Which kind of math problem an item is, read from the item itself (its signs, its worked answer, its words),
so a template hint shows a method that fits it: a bank item's skill has several kinds of problem (a discount is
not a percentage change, cm to m is not m to cm, a word problem that adds is not one that subtracts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from edgekit_edu.item import Item

SIGNS = "+\u2212\u00d7\u00f7"  # plus, minus, times, divide


@dataclass(frozen=True)
class Kind:
    name: str
    operations: frozenset[str]  # the first step's operations the method names
    method: dict[str, str]


def signs(text: str) -> frozenset[str]:
    """The signs of operation a text shows, a hyphen or an x between numbers read as minus and times."""
    text = re.sub(r"(?<=\d)\s*-\s*(?=\d)", " \u2212 ", text)
    text = re.sub(r"(?<=\d)\s*[x*]\s*(?=\d)", " \u00d7 ", text)
    return frozenset(sign for sign in text if sign in SIGNS)


ADD_WORDS = (
    r"\b(more|altogether|in all|in total|adds?|receives?|de plus|en tout|au total|reçoit|zaidi|jumla|kwa pamoja"
    r"|anaongeza)\b"
)
TAKE_WORDS = (
    r"\b(left|remain|sold|gave away|spent|reste|restent|vendu|dépensé|zimebaki|imebaki|limebaki|ameuza|alitumia)\b"
)


def first_step(item: Item) -> frozenset[str]:
    """The operations of the item's first step, where the item says which: the signs of its prompt, else the
    first worked step of its explanation that shows a sign, else, for a skill of adding and subtracting, its
    words (put together or take away; "more" means adding only there)."""
    if found := signs(item.prompt):
        return found
    for step in re.split(r"[=;]", item.explain):
        if found := signs(step):
            return found
    if "add_subtract" not in item.skill:
        return frozenset()
    adds = re.search(ADD_WORDS, item.prompt, re.IGNORECASE) is not None
    takes = re.search(TAKE_WORDS, item.prompt, re.IGNORECASE) is not None
    if adds != takes and not re.search(r"how many more|combien de plus|ngapi zaidi", item.prompt, re.IGNORECASE):
        return frozenset("+" if adds else "\u2212")
    return frozenset()


DISCOUNT = Kind(
    "discount",
    frozenset("\u00d7\u00f7"),
    {
        "en": "First find the discount: the percent of the price (price × percent ÷ 100). Then take the "
        "discount away from the price.",
        "sw": "Kwanza tafuta punguzo: asilimia ya bei (bei × asilimia ÷ 100). Kisha toa punguzo hilo kwenye bei.",
        "fr": "Trouve d'abord la remise : le pourcentage du prix (prix × pourcentage ÷ 100). Puis enlève la "
        "remise du prix.",
    },
)
SMALL_TO_BIG = Kind(
    "small_to_big_units",
    frozenset("\u00f7"),
    {
        "en": "Remember how many small units make one big unit (100 cm = 1 m, 1000 m = 1 km, 1000 g = 1 kg). "
        "Going from small to big units, divide by that number.",
        "sw": "Kumbuka vipimo vidogo vingapi vinafanya kipimo kimoja kikubwa (cm 100 = m 1, m 1000 = km 1, "
        "g 1000 = kg 1). Kutoka kidogo kwenda kikubwa, gawanya kwa namba hiyo.",
        "fr": "Rappelle-toi combien de petites unités font une grande (100 cm = 1 m, 1000 m = 1 km, "
        "1000 g = 1 kg). Pour passer d'une petite unité à une grande, divise par ce nombre.",
    },
)
CLOCK_DURATION = Kind(
    "time_between_clock_times",
    frozenset("+"),
    {
        "en": "Count on from the first time to the next full hour, then whole hours, then the minutes to the "
        "second time. Add the parts (60 minutes = 1 hour).",
        "sw": "Hesabu kuanzia saa ya kwanza hadi saa kamili inayofuata, kisha saa nzima, kisha dakika hadi saa ya "
        "pili. Jumlisha sehemu hizo (dakika 60 = saa 1).",
        "fr": "Compte à partir de la première heure jusqu'à l'heure pile suivante, puis les heures entières, puis "
        "les minutes jusqu'à la seconde heure. Additionne les morceaux (60 minutes = 1 heure).",
    },
)
DECIMAL_TO_FRACTION = Kind(
    "decimal_to_fraction",
    frozenset("\u00f7"),
    {
        "en": "Read the decimal by its last place: tenths, hundredths or thousandths. Write the digits over 10, "
        "100 or 1000, then divide top and bottom by the same number until you cannot any more.",
        "sw": "Soma desimali kwa nafasi yake ya mwisho: sehemu za kumi, za mia au za elfu. Andika tarakimu juu ya "
        "10, 100 au 1000, kisha gawanya juu na chini kwa namba ileile hadi usiweze tena.",
        "fr": "Lis le nombre décimal par sa dernière position : dixièmes, centièmes ou millièmes. Écris les "
        "chiffres sur 10, 100 ou 1000, puis divise le haut et le bas par un même nombre tant que tu peux.",
    },
)
SIMPLIFY = Kind(
    "simplify_fraction",
    frozenset("\u00f7"),
    {
        "en": "Find a number that divides both the top and the bottom number exactly. Divide both by it, and "
        "repeat until only 1 divides both.",
        "sw": "Tafuta namba inayogawanya namba ya juu na ya chini bila kubaki. Gawanya zote mbili kwa namba hiyo, "
        "na urudie hadi 1 pekee iweze kugawanya zote mbili.",
        "fr": "Trouve un nombre qui divise exactement le numérateur et le dénominateur. Divise les deux par ce "
        "nombre, et recommence jusqu'à ce que seul 1 les divise tous les deux.",
    },
)

DISCOUNT_WORDS = r"\b(discount|punguzo|remise|réduction|rabais|soldes?)\b"
CLOCK_TIME = r"\b\d{1,2}[:h]\d{2}\b"
DECIMAL = r"\b\d+[.,]\d+\b"
FRACTION = r"\b\d+/\d+\b"
FRACTION_WORDS = r"\b(fraction|sehemu)\b"
SIMPLIFY_WORDS = r"\b(simplify|simplest|lowest terms|rahisisha|sahili|simplifie|irréductible)\b"

# unit -> its size in the base unit, and the words a prompt writes it with (en, sw, fr)
UNITS = {
    "mm": (Fraction(1, 1000), "mm|millimetres?|milimita|millimètres?"),
    "cm": (Fraction(1, 100), "cm|centimetres?|sentimita|centimètres?"),
    "m": (Fraction(1), "m|metres?|mita|mètres?"),
    "km": (Fraction(1000), "km|kilometres?|kilomita|kilomètres?"),
    "g": (Fraction(1, 1000), "g|grams?|gramu|grammes?"),
    "kg": (Fraction(1), "kg|kilograms?|kilogramu|kilogrammes?|kilo"),
    "ml": (Fraction(1, 1000), "ml|millilitres?|mililita"),
    "l": (Fraction(1), "l|litres?|lita"),
}
UNIT_WORD = "|".join(f"(?P<{name}>{words})" for name, (_, words) in UNITS.items())
TARGET = re.compile(rf"\b(?:to|into|in|kuwa|katika|en)\s+(?:{UNIT_WORD})\b", re.IGNORECASE)
ANY_UNIT = re.compile(rf"\b(?:{UNIT_WORD})\b", re.IGNORECASE)


def _unit(match: re.Match) -> str:
    return next(name for name, value in match.groupdict().items() if value)


def _converts_small_to_big(prompt: str) -> bool:
    """A conversion into a bigger unit: "Convert 750 cm to m", "Badilisha sentimita 750 kuwa mita"."""
    target = TARGET.search(prompt)
    if not target or re.search(r"how many|ngapi|combien", prompt, re.IGNORECASE):
        return False  # "how many cm in 3 m" names the target first: the other way
    units = [_unit(match) for match in ANY_UNIT.finditer(prompt)]
    into = _unit(target)
    sources = [unit for unit in units if unit != into]
    return bool(sources) and all(UNITS[unit][0] < UNITS[into][0] for unit in sources)


def named_kind(item: Item) -> Kind | None:
    """The kind of problem the item's words name, when its skill's templates make a different kind."""
    prompt = item.prompt
    if re.search(DISCOUNT_WORDS, prompt, re.IGNORECASE):
        return DISCOUNT
    if len(re.findall(CLOCK_TIME, prompt)) >= 2:
        return CLOCK_DURATION
    if re.search(DECIMAL, prompt) and re.search(FRACTION_WORDS, prompt, re.IGNORECASE):
        return DECIMAL_TO_FRACTION
    if re.search(FRACTION, prompt) and re.search(SIMPLIFY_WORDS, prompt, re.IGNORECASE) and not signs(prompt):
        return SIMPLIFY
    if _converts_small_to_big(prompt):
        return SMALL_TO_BIG
    return None


# when the item says its operation and no example of its skill shows it: the operation's own method
BY_OPERATION = {
    frozenset("+"): Kind(
        "add",
        frozenset("+"),
        {
            "en": "Put the amounts together: add them, with ones under ones, tens under tens (or the decimal "
            "points under each other).",
            "sw": "Weka kiasi pamoja: jumlisha, mamoja chini ya mamoja, makumi chini ya makumi (au nukta chini ya "
            "nukta).",
            "fr": "Mets les quantités ensemble : additionne-les, unités sous unités, dizaines sous dizaines (ou "
            "virgule sous virgule).",
        },
    ),
    frozenset("\u2212"): Kind(
        "subtract",
        frozenset("\u2212"),
        {
            "en": "Find what is left or the difference: take the smaller amount away from the bigger one, with "
            "ones under ones. Check by adding back.",
            "sw": "Tafuta kilichobaki au tofauti: toa kiasi kidogo kutoka kikubwa, mamoja chini ya mamoja. Hakiki "
            "kwa kujumlisha tena.",
            "fr": "Cherche ce qui reste ou la différence : enlève la plus petite quantité de la plus grande, unités "
            "sous unités. Vérifie en rajoutant.",
        },
    ),
    frozenset("\u00d7"): Kind(
        "multiply",
        frozenset("\u00d7"),
        {
            "en": "Equal groups: multiply the size of one group by the number of groups. Split a big number into "
            "tens and ones if it helps.",
            "sw": "Makundi sawa: zidisha ukubwa wa kundi moja kwa idadi ya makundi. Gawa namba kubwa kuwa makumi "
            "na mamoja ikisaidia.",
            "fr": "Des groupes égaux : multiplie la taille d'un groupe par le nombre de groupes. Coupe un grand "
            "nombre en dizaines et unités si cela aide.",
        },
    ),
    frozenset("\u00f7"): Kind(
        "divide",
        frozenset("\u00f7"),
        {
            "en": "Sharing or grouping: divide the total by the size of one group. Then ask what the remainder "
            "means in the story.",
            "sw": "Kugawana au kupanga makundi: gawanya jumla kwa ukubwa wa kundi moja. Kisha jiulize baki "
            "inamaanisha nini katika hadithi.",
            "fr": "Partager ou grouper : divise le total par la taille d'un groupe. Puis demande-toi ce que veut "
            "dire le reste dans l'histoire.",
        },
    ),
}
