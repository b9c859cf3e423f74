"""Who a sign is said of, and the signs a note gives as numbers: blood pressure, temperature, breathing rate, and
(birth_numbers.py) how long labour or broken waters have lasted, the baby's heart rate, a newborn's weight."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import birth_numbers, numbers
from .rules import Rules
from .text import Word


@dataclass
class Finding:
    """One place in the note where a sign was found."""

    code: str
    evidence: str
    span: tuple[int, int] | None = None  # word indices; None for measurements and combinations
    order: int = 0  # where in the note, for a stable order of signs
    parts: list[str] = field(default_factory=list)


# --- who a sign is said of ---------------------------------------------------------------------------------------


def subjects(words: list[Word], rules: Rules) -> list[str | None]:
    """For each word, the person last named before it ("baby", "mother") or None. "The baby is not feeding well
    and has a fever": the fever is the baby's. A baby in the womb is still "baby": only newborn rules care."""
    baby = frozenset().union(*(language.baby for language in rules.languages.values()))
    mother = frozenset().union(*(language.mother for language in rules.languages.values()))
    current: str | None = None
    result: list[str | None] = []
    for word in words:
        if word.text in baby:
            current = "baby"
        elif word.text in mother:
            current = "mother"
        result.append(current)
    return result


def subject_at(char: int, words: list[Word], who: list[str | None]) -> str | None:
    last = None
    for word, subject in zip(words, who, strict=True):
        if word.start > char:
            break
        last = subject
    return last


def note_subjects(who: list[str | None]) -> set[str]:
    return {subject for subject in who if subject}


# --- signs measured ----------------------------------------------------------------------------------------------


def _blood_pressure_findings(readings: list[numbers.BloodPressure], rules: Rules) -> list[Finding]:
    m = rules.measurements
    found = []
    for reading in readings:
        systolic, diastolic = reading.systolic or 0, reading.diastolic or 0
        if systolic >= m.severe_systolic or diastolic >= m.severe_diastolic:
            found.append(Finding("blood_pressure_severe", reading.evidence, order=reading.start))
        elif systolic >= m.high_systolic or diastolic >= m.high_diastolic:
            found.append(Finding("blood_pressure_high", reading.evidence, order=reading.start))
    return found


def _temperature_finding(reading: numbers.Temperature, subjects_: set[str | None], rules: Rules) -> list[Finding]:
    """A temperature read against the thresholds of whoever it may belong to; where that is unclear, each
    reading is made and the higher level kept."""
    m = rules.measurements
    candidates: list[Finding] = []
    if "baby" in subjects_:
        if reading.celsius >= m.newborn_fever_c:
            candidates.append(Finding("newborn_fever", reading.evidence, order=reading.start))
        elif reading.celsius < m.newborn_cold_c:
            candidates.append(Finding("newborn_hypothermia", reading.evidence, order=reading.start))
    if subjects_ - {"baby"} and reading.celsius >= m.fever_c:
        candidates.append(Finding("fever", reading.evidence, order=reading.start))
    if not candidates:
        return []
    return [max(candidates, key=lambda finding: rules.rules[finding.code].rank)]


def measured_findings(
    text: str,
    words: list[Word],
    who: list[str | None],
    rules: Rules,
    systolic: int | None,
    diastolic: int | None,
    temperature_c: float | None,
) -> list[Finding]:
    readings = numbers.blood_pressures(text)
    if systolic is not None or diastolic is not None:
        readings.append(numbers.BloodPressure(systolic, diastolic, len(text), len(text), ""))
    found = _blood_pressure_findings(readings, rules)

    for reading in numbers.temperatures(text):
        subject = subject_at(reading.start, words, who)
        found += _temperature_finding(reading, {subject or "mother"}, rules)
    if temperature_c is not None:
        # Beside the note, the reading belongs to whoever the note is about; if it names both, or nobody but a
        # baby is in it, it is read for each and the higher level kept.
        named = note_subjects(who) or {"mother"}
        reading = numbers.Temperature(float(temperature_c), len(text), len(text), "")
        found += _temperature_finding(reading, named, rules)

    for rate in numbers.breathing_rates(text):
        if rate.per_minute >= rules.measurements.fast_breathing:
            found.append(Finding("breathing_difficulty", rate.evidence, order=rate.start))
    return found


# --- labour and birth --------------------------------------------------------------------------------------------

SENTENCE_END = frozenset(".;!?\n")
# A duration is read against the labour or broken waters it is written nearest to, in the same sentence:
# "waters broke 20 hours ago, contractions for 2 hours" is a long rupture, not a long labour.
TIMED = {
    "labour": ("prolonged_labour", "long_labour_hours"),
    "waters_broken": ("prolonged_rupture", "long_rupture_hours"),
}


def _same_sentence(text: str, a: int, b: int) -> bool:
    low, high = sorted((a, b))
    return not SENTENCE_END.intersection(text[low:high])


def _timed_findings(text: str, found: list[Finding], rules: Rules) -> list[Finding]:
    timed = [finding for finding in found if finding.code in TIMED and finding.span is not None]
    result = []
    for reading in birth_numbers.durations(text):
        near = [f for f in timed if _same_sentence(text, f.order, reading.start)]
        if not near:
            continue
        finding = min(near, key=lambda f: abs(f.order - reading.start))
        code, threshold = TIMED[finding.code]
        if reading.value >= getattr(rules.measurements, threshold):
            result.append(Finding(code, f"{finding.evidence} + {reading.written}", order=reading.start))
    return result


def birth_findings(text: str, found: list[Finding], rules: Rules) -> list[Finding]:
    """Long labour or long-broken waters (with the sign found in words), the baby's heart rate, a newborn's weight."""
    m = rules.measurements
    result = _timed_findings(text, found, rules)
    for rate in birth_numbers.fetal_heart_rates(text):
        if rate.value < m.fetal_heart_low or rate.value > m.fetal_heart_high:
            result.append(Finding("fetal_distress", f"{rate.value:.0f}/min ({rate.written})", order=rate.start))
    for weight in birth_numbers.newborn_weights(text):
        code = "newborn_very_small" if weight.value < m.very_small_g else None
        code = code or ("low_birth_weight" if weight.value < m.low_birth_weight_g else None)
        if code:
            result.append(Finding(code, f"{weight.value:.0f} g ({weight.written})", order=weight.start))
    return result
