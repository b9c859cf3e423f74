"""Measurements written in a note: blood pressure, temperature, breathing rate and how far along a pregnancy is.

Health workers write them every way: "160/110", "BP 150 over 100", "shinikizo la damu 150/95", "presha 170/115",
"TA 16/11" (French-speaking Africa often gives blood pressure in cmHg: 16/11 is 160/110), "38,5°C", "101 F",
"joto nyuzi 38.6", "65 breaths a minute", "pumzi 66 kwa dakika", "FR 64/min", "32 weeks", "miezi saba",
"grossesse de 8 mois". A number is read only where its meaning is clear: "16/11" alone may be a date, "38" alone
may be weeks, so those need a word such as TA, temp or weeks beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edgekit.sdk import fold

NUMBER = r"\d{1,3}(?:[.,]\d{1,2})?"


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _format(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class BloodPressure:
    systolic: int | None
    diastolic: int | None
    start: int
    end: int
    written: str  # as it was in the note

    @property
    def evidence(self) -> str:
        reading = f"{self.systolic or '?'}/{self.diastolic or '?'}"
        evidence = f"BP {reading}"
        # Quote the note only where it wrote the reading differently ("TA 16/11", "150 over 100").
        return evidence if self.written in ("", evidence, reading) else f"{evidence} ({self.written})"


@dataclass(frozen=True)
class Temperature:
    celsius: float
    start: int
    end: int
    written: str

    @property
    def evidence(self) -> str:
        evidence = f"{_format(self.celsius)} °C"
        return evidence if self.written in ("", evidence) else f"{evidence} ({self.written})"


@dataclass(frozen=True)
class BreathingRate:
    per_minute: int
    start: int
    end: int
    written: str

    @property
    def evidence(self) -> str:
        return f"{self.per_minute} breaths/min ({self.written})"


# --- blood pressure ---------------------------------------------------------------------------------------------

BP_WORDS = (
    r"bp|b\.p\.?|blood\s+pressure|pressure|presha|pressure\s+ya\s+damu|shinikizo(?:\s+la\s+damu)?|ta|t\.a\.?|"
    r"tension(?:\s+arterielle)?|pa|pression(?:\s+arterielle)?"
)
BP_CONTEXT = re.compile(rf"\b(?:{BP_WORDS})\b[^0-9]{{0,24}}$")
BP_READING = re.compile(
    rf"(?<![\d/.,])(?P<s>{NUMBER})\s*(?P<sep>/|over|on|sur|juu\s+ya|kwa)\s*(?P<d>{NUMBER})(?![\d/]|[.,]\d)"
    r"(?:\s*(?P<unit>mm\s*hg|cm\s*hg))?"
)
BP_SINGLE = re.compile(
    rf"\b(?P<which>systolic|systolique|sistoli|sys|diastolic|diastolique|diastoli|dia)\b\s*[:=]?\s*(?P<v>{NUMBER})"
)


def _plausible_mmhg(systolic: float, diastolic: float) -> bool:
    return 60 <= systolic <= 300 and 30 <= diastolic <= 200 and systolic > diastolic


def blood_pressures(text: str) -> list[BloodPressure]:
    folded = fold(text)
    found: list[BloodPressure] = []
    for m in BP_READING.finditer(folded):
        context = bool(BP_CONTEXT.search(folded[: m.start()]))
        systolic, diastolic = _number(m.group("s")), _number(m.group("d"))
        unit = (m.group("unit") or "").replace(" ", "")
        if m.group("sep") != "/" and not context:
            continue  # "3 kwa siku" is not a blood pressure; "150 over 100" needs "BP" before it
        if unit == "cmhg" or (context and systolic <= 30 and diastolic <= 20 and unit != "mmhg"):
            systolic, diastolic = systolic * 10, diastolic * 10  # cmHg: TA 16/11
        elif not context and (systolic != int(systolic) or diastolic != int(diastolic)):
            continue
        if _plausible_mmhg(systolic, diastolic):
            written = text[m.start() : m.end()].strip()
            found.append(BloodPressure(round(systolic), round(diastolic), m.start(), m.end(), written))
    for m in BP_SINGLE.finditer(folded):
        value = _number(m.group("v"))
        value = value * 10 if value <= 30 else value
        written = text[m.start() : m.end()]
        if m.group("which").startswith("s") and 60 <= value <= 300:
            found.append(BloodPressure(round(value), None, m.start(), m.end(), written))
        elif m.group("which").startswith("d") and 30 <= value <= 200:
            found.append(BloodPressure(None, round(value), m.start(), m.end(), written))
    return found


# --- temperature ------------------------------------------------------------------------------------------------

TEMP_WORDS = r"temp|temperature|t|t°|joto(?:\s+la(?:\s+mwili)?)?|nyuzi(?:\s+joto)?|homa|fever|fievre"
TEMP_BEFORE = re.compile(rf"\b(?:{TEMP_WORDS})\s*(?:of|ya|ni|est|de|=|:|is|was|a)?\s*(?:about|around|vers)?\s*$")
TEMPERATURE = re.compile(
    rf"(?<![\d/.,])(?P<v>{NUMBER})(?![\d/]|[.,]\d)\s*"
    r"(?P<unit>°\s*c|°\s*f|º\s*c|º\s*f|°|º|degrees?\s*(?:celsius|centigrade|c\b|fahrenheit|f\b)?|deg\s*[cf]?|"
    r"celsius|fahrenheit|c\b|f\b|de\s+fievre)?"
)
NOT_TEMPERATURE_AFTER = re.compile(
    r"\s*(?:kg|g\b|cm|mm|%|weeks?|wks?|wiki|semaines?|sa\b|months?|mois|miezi|years?|yrs?|ans\b|miaka|y/?o\b|"
    r"hours?|hrs?|saa\b|heures?|min|dakika|days?|siku|jours?|times|mara|fois|/)"
)


def temperatures(text: str) -> list[Temperature]:
    folded = fold(text)
    found: list[Temperature] = []
    for m in TEMPERATURE.finditer(folded):
        value, unit = _number(m.group("v")), (m.group("unit") or "").replace(" ", "")
        has_word = bool(TEMP_BEFORE.search(folded[max(0, m.start() - 30) : m.start()]))
        has_decimal = "." in m.group("v") or "," in m.group("v")
        if NOT_TEMPERATURE_AFTER.match(folded, m.end()) and not unit:
            continue
        if not (unit or has_word or (has_decimal and 34 <= value <= 43)):
            continue  # a bare "38" may be weeks; a bare "38.5" in a health note is a temperature
        fahrenheit = unit.endswith("f") or "fahrenheit" in unit
        if fahrenheit or (not unit.endswith("c") and 90 <= value <= 110):
            value = (value - 32) * 5 / 9
        if 30 <= value <= 45:
            found.append(Temperature(round(value, 1), m.start(), m.end(), text[m.start() : m.end()].strip()))
    return found


# --- breathing rate ---------------------------------------------------------------------------------------------

RATE_WORDS = (
    r"rr|r/r|resp(?:iratory)?\s+rate|breathing\s+rate|breathing|breathes|breaths|breath|respirations?|resp|"
    r"fr|frequence\s+respiratoire|respire|pumzi|anapumua|kupumua|inapumua"
)
# Up to two words may stand between ("breathing very fast, 64/min"), but not another measurement's name.
OTHER_MEASURE = r"pulse|heart|hr|bp|temp\w*|pouls|mapigo|presha|ta|tension|joto|homa|fever|fievre"
RATE_BEFORE = re.compile(rf"\b(?:{RATE_WORDS})\b(?:[\s,]+(?!(?:{OTHER_MEASURE})\b)\w+){{0,2}}[\s,]*[:=]?\s*$")
RATE = re.compile(
    r"(?<![\d/.,])(?P<v>\d{2,3})(?!\d|\s*/\s*\d|[.,]\d)\s*(?P<after>breaths?|respirations?|resp|/\s*min|/\s*mn|"
    r"(?:times\s+)?(?:per|a|an|each|every|in\s+a|par|kwa)\s+(?:min(?:ute)?|mn|dakika))?"
)


def breathing_rates(text: str) -> list[BreathingRate]:
    folded = fold(text)
    found: list[BreathingRate] = []
    for m in RATE.finditer(folded):
        after = m.group("after") or ""
        before = bool(RATE_BEFORE.search(folded[max(0, m.start() - 40) : m.start()]))
        per_minute = bool(after) and not after.startswith(("breath", "resp"))
        if not (after.startswith(("breath", "resp")) or (before and (per_minute or not after))):
            continue
        value = int(m.group("v"))
        if 10 <= value <= 150:
            found.append(BreathingRate(value, m.start(), m.end(), text[m.start() : m.end()].strip()))
    return found


# --- how far along the pregnancy is -----------------------------------------------------------------------------

NUMBER_WORDS = {
    # English, French, Swahili (with the noun-class prefixes miezi takes: miezi mitano, minane)
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
    "moja": 1, "mmoja": 1, "mbili": 2, "miwili": 2, "tatu": 3, "mitatu": 3, "nne": 4, "minne": 4, "tano": 5,
    "mitano": 5, "sita": 6, "saba": 7, "nane": 8, "minane": 8, "tisa": 9,
}  # fmt: skip
COUNT = r"\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
WEEKS = re.compile(
    r"\b(?P<a>\d{1,2})\s*(?:weeks?|wks?|wk|semaines?|sem|sa)\b|\b(?:wiki|week|ga)\s*(?:ya\s+)?(?P<b>\d{1,2})\b|"
    r"\b(?P<c>\d{2})\s*/\s*40\b"
)
MONTHS = re.compile(rf"\b(?P<a>{COUNT})\s*(?:months?|mois)\b|\b(?:miezi|mwezi)\s*(?:wa\s+|ya\s+)?(?P<b>{COUNT})\b")
# "2 weeks ago", "a baby 3 months old", "for two months", "tangu wiki 2" are times, not the pregnancy.
NOT_GESTATION_AFTER = re.compile(r"\s*(?:old|ago|iliyopita|zilizopita|uliopita|back|since|de vie|d'age)")
NOT_GESTATION_BEFORE = re.compile(
    r"(?:\bfor|\bsince|depuis|il y a|tangu|kwa|baada ya|after|in)\s*(?:the\s+)?(?:last\s+)?$"
)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def gestation_weeks(text: str) -> float | None:
    """The pregnancy's length in weeks where the note gives it (the smallest, if several), else None.
    Months are counted as completed months of four and a third weeks."""
    folded = fold(text)
    weeks: list[float] = []
    for pattern, per in ((WEEKS, 1.0), (MONTHS, 52 / 12)):
        for m in pattern.finditer(folded):
            if NOT_GESTATION_AFTER.match(folded, m.end()) or NOT_GESTATION_BEFORE.search(folded[: m.start()]):
                continue
            value = next(_count(g) for g in m.groups() if g)
            if (per == 1.0 and 4 <= value <= 45) or (per > 1 and 1 <= value <= 10):
                weeks.append(value * per)
    return min(weeks) if weeks else None


def preterm(text: str) -> bool:
    """Before 37 weeks, or 8 months or less: PCPNC counts labour before 8 completed months as preterm, and
    "8 months" may not be complete, so it counts too (the higher level wins)."""
    weeks = gestation_weeks(text)
    return weeks is not None and weeks < 37
