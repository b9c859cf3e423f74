"""The danger-sign rules, read from rules.toml and checked as they load.

The rules are data so that a midwife can review them without reading Python. Loading refuses anything the engine
could silently get wrong: an unknown level, a label or advice missing in one language, a source that names no WHO
document, a pattern that cannot be read, a combination that names a code no rule has.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from edgekit.sdk import FOLDED, fold

from .patterns import Pattern, PatternError, Vocabulary, compile_pattern
from .text import LanguageWords

LEVELS = ("routine", "urgent", "emergency")
LANGUAGES = ("en", "sw", "fr")
APPLIES_TO = ("woman", "newborn", "anyone")


class RulesError(ValueError):
    """rules.toml cannot be used as it is: the message says which rule and why."""


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    applies_to: str
    source: str
    label: dict[str, str]
    advice: dict[str, str]
    patterns: tuple[Pattern, ...] = ()
    newborn: str | None = None  # the code for the same words said of a baby
    replaces: frozenset[str] = frozenset()
    requires: tuple[frozenset[str], ...] = ()  # a combination: one code from each group
    preterm: bool = False
    first_day: bool = False  # with requires: only while the note says the baby is in its first day
    not_for_baby: bool = False
    baby_named: bool = False

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


@dataclass(frozen=True)
class Language:
    words: LanguageWords
    baby: frozenset[str]
    mother: frozenset[str]
    known: frozenset[str]
    referral: dict[str, str]  # level -> the sentence an answer at that level starts with


@dataclass(frozen=True)
class Measurements:
    severe_systolic: int
    severe_diastolic: int
    high_systolic: int
    high_diastolic: int
    fever_c: float
    newborn_fever_c: float
    newborn_cold_c: float
    fast_breathing: int
    fetal_heart_low: int
    fetal_heart_high: int
    very_small_g: int
    low_birth_weight_g: int
    long_labour_hours: float
    long_rupture_hours: float


@dataclass(frozen=True)
class Rules:
    rules: dict[str, Rule]
    languages: dict[str, Language]
    measurements: Measurements
    vocabulary: Vocabulary = field(repr=False)

    @property
    def language_words(self) -> dict[str, LanguageWords]:
        return {code: language.words for code, language in self.languages.items()}

    def pattern_rules(self) -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.patterns]

    def combinations(self) -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.requires]


def _folded(words: list[str]) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


def _per_language(raw: dict, key: str, code: str) -> dict[str, str]:
    values = raw.get(key) or {}
    missing = [lang for lang in LANGUAGES if not str(values.get(lang, "")).strip()]
    if missing:
        raise RulesError(f"rule {code}: {key} is missing in {', '.join(missing)}")
    return {lang: values[lang].strip() for lang in LANGUAGES}


def _rule(raw: dict) -> Rule:
    code = raw.get("code", "")
    if not code or not code.replace("_", "").isalnum() or code != code.lower():
        raise RulesError(f"rule {code!r}: a code is snake_case")
    if raw.get("level") not in LEVELS:
        raise RulesError(f"rule {code}: level must be urgent, emergency or routine, not {raw.get('level')!r}")
    if raw.get("applies_to") not in APPLIES_TO:
        raise RulesError(f"rule {code}: applies_to must be one of {', '.join(APPLIES_TO)}")
    source = str(raw.get("source", ""))
    if "WHO" not in source:
        raise RulesError(f"rule {code}: the source must name the WHO guidance it follows")
    try:
        patterns = tuple(
            compile_pattern(pattern) for lang in LANGUAGES for pattern in (raw.get("patterns") or {}).get(lang, [])
        )
    except PatternError as error:
        raise RulesError(f"rule {code}: {error}") from None
    unknown_languages = set(raw.get("patterns") or {}) - set(LANGUAGES)
    if unknown_languages:
        raise RulesError(f"rule {code}: patterns for unknown languages {sorted(unknown_languages)}")
    return Rule(
        code=code,
        level=raw["level"],
        applies_to=raw["applies_to"],
        source=source,
        label=_per_language(raw, "label", code),
        advice=_per_language(raw, "advice", code),
        patterns=patterns,
        newborn=raw.get("newborn"),
        replaces=frozenset(raw.get("replaces", [])),
        requires=tuple(frozenset(group) for group in raw.get("requires", [])),
        preterm=bool(raw.get("preterm", False)),
        first_day=bool(raw.get("first_day", False)),
        not_for_baby=bool(raw.get("not_for_baby", False)),
        baby_named=bool(raw.get("baby_named", False)),
    )


def _language(code: str, raw: dict) -> Language:
    referral = raw.get("referral") or {}
    if set(referral) != set(LEVELS) or not all(str(text).strip() for text in referral.values()):
        raise RulesError(f"language {code}: referral needs a sentence for each of {', '.join(LEVELS)}")
    words = LanguageWords(
        negation=_folded(raw.get("negation", [])),
        negation_after=_folded(raw.get("negation_after", [])),
        negation_pairs=_folded(raw.get("negation_pairs", [])),
        negation_pair_ends=_folded(raw.get("negation_pair_ends", [])),
        contrast=_folded(raw.get("contrast", [])),
        additive=_folded(raw.get("additive", [])),
    )
    return Language(
        words=words,
        baby=_folded(raw.get("baby", [])),
        mother=_folded(raw.get("mother", [])),
        known=_folded(raw.get("known", [])),
        referral={level: referral[level].strip() for level in LEVELS},
    )


def _check_references(rules: dict[str, Rule]) -> None:
    for rule in rules.values():
        named = set(rule.replaces) | {rule.newborn or rule.code} | {code for group in rule.requires for code in group}
        unknown = named - set(rules)
        if unknown:
            raise RulesError(f"rule {rule.code}: names unknown codes {sorted(unknown)}")
        if rule.level == "routine" and not any(
            rule.code in group for other in rules.values() for group in other.requires
        ):
            raise RulesError(f"rule {rule.code}: a routine rule is context for a combination, and none requires it")
        if (rule.preterm or rule.first_day) and not rule.requires:
            raise RulesError(f"rule {rule.code}: preterm and first_day only qualify a combination (requires)")
        if not rule.patterns and not rule.requires and not _found_by_numbers_or_others(rule.code, rules):
            raise RulesError(f"rule {rule.code}: no pattern, combination or measurement can ever find it")


MEASURED_CODES = frozenset(
    {"blood_pressure_severe", "blood_pressure_high", "fever", "newborn_fever", "newborn_hypothermia"}
    | {"fetal_distress", "newborn_very_small", "low_birth_weight", "prolonged_labour", "prolonged_rupture"}
)


def _found_by_numbers_or_others(code: str, rules: dict[str, Rule]) -> bool:
    return code in MEASURED_CODES or any(rule.newborn == code for rule in rules.values())


def _vocabulary(rules: dict[str, Rule], languages: dict[str, Language]) -> Vocabulary:
    """Pattern words, the languages' own lists and their stopwords: words a typo is never taken from."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for rule in rules.values():
        for pattern in rule.patterns:
            for element in pattern.elements:
                for alt in getattr(element, "alternatives", ()):
                    (prefixes if alt.kind == "prefix" else words).add(alt.value)
    for language in languages.values():
        lw = language.words
        words |= language.baby | language.mother | language.known
        words |= lw.negation | lw.negation_after | lw.negation_pairs | lw.negation_pair_ends | lw.contrast | lw.additive
    for stopwords in FOLDED.values():
        words |= stopwords
    return Vocabulary(words, prefixes)


def parse_rules(text: str) -> Rules:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"rules.toml: {error}") from None
    rules: dict[str, Rule] = {}
    for entry in raw.get("rule", []):
        rule = _rule(entry)
        if rule.code in rules:
            raise RulesError(f"rule {rule.code} is defined twice")
        rules[rule.code] = rule
    _check_references(rules)
    languages = {code: _language(code, (raw.get("languages") or {}).get(code) or {}) for code in LANGUAGES}
    try:
        measurements = Measurements(**raw["measurements"])
    except (KeyError, TypeError) as error:
        raise RulesError(f"rules.toml: [measurements] is incomplete ({error})") from None
    return Rules(rules, languages, measurements, _vocabulary(rules, languages))


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """The rules shipped with the app, read once per process."""
    return parse_rules(files(__package__).joinpath("rules.toml").read_text(encoding="utf-8"))
