"""Numbers written in words, in English, Swahili and French: how a hint could give an answer away without a
digit ("three quarters", "robo tatu", "trois quarts", "seventy-five"). Whole numbers to 1000 and the fractions
pupils meet (halves to tenths)."""

from __future__ import annotations

from fractions import Fraction

_EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SW_ONES = ["sifuri", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa"]
_SW_TENS = ["_", "kumi", "ishirini", "thelathini", "arobaini", "hamsini", "sitini", "sabini", "themanini", "tisini"]
_FR_ONES = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
_FR_TENS = [
    "_",
    "dix",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "soixante-dix",
    "quatre-vingt",
    "quatre-vingt-dix",
]


def english(n: int) -> set[str]:
    if n < 20:
        return {_EN_ONES[n]}
    if n < 100:
        tens, ones = divmod(n, 10)
        return (
            {_EN_TENS[tens]}
            if not ones
            else {f"{_EN_TENS[tens]}-{_EN_ONES[ones]}", f"{_EN_TENS[tens]} {_EN_ONES[ones]}"}
        )
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_EN_ONES[hundreds]} hundred"
        return (
            {head} if not rest else {f"{head} and {r}" for r in english(rest)} | {f"{head} {r}" for r in english(rest)}
        )
    return {"one thousand", "a thousand"} if n == 1000 else set()


def swahili(n: int) -> set[str]:
    if n < 10:
        return {_SW_ONES[n]}
    if n < 100:
        tens, ones = divmod(n, 10)
        return {_SW_TENS[tens]} if not ones else {f"{_SW_TENS[tens]} na {_SW_ONES[ones]}"}
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"mia {_SW_ONES[hundreds]}"
        return (
            {head} if not rest else {f"{head} na {r}" for r in swahili(rest)} | {f"{head} {r}" for r in swahili(rest)}
        )
    return {"elfu moja"} if n == 1000 else set()


def french(n: int) -> set[str]:
    if n < 20:
        return {_FR_ONES[n]}
    if n < 100:
        tens, ones = divmod(n, 10)
        if tens in (7, 9):  # soixante-douze, quatre-vingt-treize
            base = _FR_TENS[tens - 1]
            rest = _FR_ONES[10 + ones]
            joined = f"{base}-et-{rest}" if (tens == 7 and ones == 1) else f"{base}-{rest}"
            return {joined, joined.replace("-", " ")}
        if not ones:
            return {_FR_TENS[tens] + ("s" if tens == 8 else "")}
        joined = f"{_FR_TENS[tens]}-et-un" if ones == 1 and tens != 8 else f"{_FR_TENS[tens]}-{_FR_ONES[ones]}"
        return {joined, joined.replace("-", " ")}
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "cent" if hundreds == 1 else f"{_FR_ONES[hundreds]} cent"
        return {head + ("s" if hundreds > 1 else "")} if not rest else {f"{head} {r}" for r in french(rest)}
    return {"mille"} if n == 1000 else set()


_EN_PARTS = {
    2: ("half", "halves"),
    3: ("third", "thirds"),
    4: ("quarter", "quarters"),
    5: ("fifth", "fifths"),
    6: ("sixth", "sixths"),
    8: ("eighth", "eighths"),
    10: ("tenth", "tenths"),
}
_FR_PARTS = {
    2: ("demi", "demis"),
    3: ("tiers", "tiers"),
    4: ("quart", "quarts"),
    5: ("cinquième", "cinquièmes"),
    6: ("sixième", "sixièmes"),
    8: ("huitième", "huitièmes"),
    10: ("dixième", "dixièmes"),
}
_SW_PARTS = {2: "nusu", 3: "theluthi", 4: "robo", 5: "humusi", 8: "thumuni", 10: "sehemu ya kumi"}


def fraction_words(value: Fraction) -> set[str]:
    num, den = value.numerator, value.denominator
    words: set[str] = set()
    if den in _EN_PARTS and 0 < num < 10:
        one, many = _EN_PARTS[den]
        for n in english(num):
            words.add(f"{n} {one if num == 1 else many}")
        if num == 1:
            words |= {f"a {one}", "one half" if den == 2 else f"one {one}"}
        if den == 4:
            words.add(f"{next(iter(english(num)))} fourth{'s' if num > 1 else ''}")
    if den in _FR_PARTS and 0 < num < 10:
        one, many = _FR_PARTS[den]
        words |= {f"{n} {one if num == 1 else many}" for n in french(num)}
        if den == 2 and num == 1:
            words.add("la moitié")
    if den in _SW_PARTS and 0 < num < 10:
        part = _SW_PARTS[den]
        words |= {part} if num == 1 else {f"{part} {n}" for n in swahili(num)}
    return words


def in_words(value: Fraction) -> set[str]:
    """Every way we know to write this value in words, lower case."""
    if value.denominator == 1 and 0 <= value.numerator <= 1000:
        return english(value.numerator) | swahili(value.numerator) | french(value.numerator)
    if 0 < value < 10 and value.denominator != 1:
        whole, rest = divmod(value.numerator, value.denominator)
        parts = fraction_words(Fraction(rest, value.denominator))
        if whole == 0:
            return parts
        return (
            {f"{w} and {p}" for w in english(whole) for p in parts}
            | {f"{w} na {p}" for w in swahili(whole) for p in parts}
            | {f"{w} et {p}" for w in french(whole) for p in parts}
        )
    return set()
