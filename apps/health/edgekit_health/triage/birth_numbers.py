"""Numbers of labour and birth: how long labour or broken waters have lasted, the baby's heart rate in labour,
a newborn's weight, and whether a newborn is still in its first day.

WHO PCPNC 2015 draws its labour and newborn lines with them: labour longer than 12 hours, waters broken more than
18 hours, a fetal heart rate below 100 or above 180, a baby under 1500 g, yellow skin in the first 24 hours.
As in numbers.py, a number counts only where a word says what it is ("14 hours", "saa 15", "FHR 90", "1.4 kg").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edgekit.sdk import fold

from .numbers import NUMBER_WORDS

COUNT = r"\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
HOURS_PER = {"h": 1.0, "d": 24.0}


@dataclass(frozen=True)
class Reading:
    """A number found in the note, where it was and how it was written."""

    value: float
    start: int
    end: int
    written: str


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


# --- how long ---------------------------------------------------------------------------------------------------

# "14 hours", "20hrs", "24h", "2 days", "16 heures", "2 jours"; Swahili puts the unit first: "saa 15", "masaa 18",
# "siku mbili". "saa" is also the hour of the clock ("tangu saa 13"): read as a duration, the higher level wins.
DURATION = re.compile(
    rf"\b(?P<n>{COUNT})\s*(?P<unit>hours?|hrs?|h|heures?|days?|jours?)\b|\b(?P<unit2>saa|masaa|siku)\s+(?P<n2>{COUNT})\b"
)
# "2 days old", "a baby of 3 days", "day 4": an age or a day of the week after birth, not how long something lasted.
NOT_DURATION_AFTER = re.compile(r"\s*(?:old|de vie|d'age|ya umri)")


def durations(text: str) -> list[Reading]:
    """Every stated length of time, in hours."""
    folded = fold(text)
    found = []
    for m in DURATION.finditer(folded):
        if NOT_DURATION_AFTER.match(folded, m.end()):
            continue
        unit = m.group("unit") or m.group("unit2")
        number = m.group("n") or m.group("n2")
        per = HOURS_PER["d"] if unit.startswith(("d", "j", "siku")) else HOURS_PER["h"]
        found.append(Reading(_count(number) * per, m.start(), m.end(), text[m.start() : m.end()]))
    return found


# --- the baby's heart rate in labour ----------------------------------------------------------------------------

FHR_WORDS = (
    r"fhr|fhs|fh|fetal\s+heart(?:\s+rate|\s+sounds?|beat)?|foetal\s+heart(?:\s+rate|beat)?|baby'?s\s+heart(?:\s*beat|\s+rate)?|"
    r"bcf|bdcf|rcf|rythme\s+cardiaque\s+f\w*|mapigo\s+ya\s+moyo\s+(?:ya|wa)\s+mtoto"
)
FETAL_HEART = re.compile(
    rf"\b(?:{FHR_WORDS})\b\s*(?:of|is|was|ni|est|a|de|=|:|at)?\s*(?P<v>\d{{2,3}})(?!\d|[.,]\d)"
    r"\s*(?:bpm|b/min|/\s*min|/\s*mn|kwa\s+dakika|per\s+min(?:ute)?|a\s+minute)?"
)


def fetal_heart_rates(text: str) -> list[Reading]:
    folded = fold(text)
    return [
        Reading(float(m.group("v")), m.start(), m.end(), text[m.start() : m.end()].strip())
        for m in FETAL_HEART.finditer(folded)
        if 40 <= int(m.group("v")) <= 250
    ]


# --- a newborn's weight -----------------------------------------------------------------------------------------

WEIGHT = re.compile(
    r"(?<![\d.,])(?P<v>\d{1,4}(?:[.,]\d{1,3})?)\s*(?P<unit>kgs?|kilos?|kilograms?|g|gr|grams?|grammes?|gramu)\b|"
    r"\b(?P<unit2>kilo|kg|gramu)\s+(?P<v2>\d{1,4}(?:[.,]\d{1,3})?)"
)


# "gained 1.5 kg", "a perdu 2 kg": a change in the woman's weight, not a baby's.
NOT_WEIGHT_BEFORE = re.compile(
    r"(?:gain\w*|lost|loss|lose|losing|prise|perdu|pris|ameongeza|amepungua|ongezeko)\s+(?:of\s+|de\s+)?$"
)


def newborn_weights(text: str) -> list[Reading]:
    """Weights in grams that can only be a baby's: under 5 kg (a woman weighs far more)."""
    folded = fold(text)
    found = []
    for m in WEIGHT.finditer(folded):
        if NOT_WEIGHT_BEFORE.search(folded[max(0, m.start() - 20) : m.start()]):
            continue
        raw, unit = (m.group("v"), m.group("unit")) if m.group("v") else (m.group("v2"), m.group("unit2"))
        value = float(raw.replace(",", "."))
        grams = value * 1000 if unit.startswith("k") else value
        if 300 <= grams < 5000:
            found.append(Reading(grams, m.start(), m.end(), text[m.start() : m.end()].strip()))
    return found


# --- a newborn's first day --------------------------------------------------------------------------------------

FIRST_DAY = re.compile(
    r"\bborn\s+(?:this\s+morning|today|tonight|last\s+night|yesterday|an?\s+hour\s+ago|\d{1,2}\s*(?:hours?|hrs?|h)\s+ago)|"
    r"\b\d{1,2}\s*(?:hours?|hrs?|h)\s+old\b|\b(?:day|siku)\s+(?:0|1|one)\b|\bfirst\s+day\b|\bless\s+than\s+(?:a|one)\s+day|"
    r"\b(?:amezaliwa|alizaliwa|kazaliwa)\s+(?:leo|asubuhi|usiku|jana|saa)|\bsiku\s+ya\s+kwanza\b|"
    r"\bnee?s?\s+(?:aujourd.hui|ce\s+matin|cette\s+nuit|hier|il\s+y\s+a\s+\d{1,2}\s*h)|\bj\s?[01]\b|\bpremier\s+jour\b|"
    r"\bmoins\s+de\s+24\s*h|\bunder\s+24\s*h|\b<\s*24\s*h"
)


def first_day(text: str) -> bool:
    """Does the note say the baby is in its first day (or was born yesterday, which may still be under 24 hours)?"""
    return bool(FIRST_DAY.search(fold(text)))
