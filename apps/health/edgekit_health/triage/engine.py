"""Triage a health worker's note: which danger signs it names, how urgent the highest one is, what to do now.

Order of work:
1. words, clauses and negation scopes (text.py), and who each word is about (the mother or a baby);
2. every rule's patterns in every language, so a note that mixes languages is read whole; a sign denied in its
   own clause ("no headache") is dropped, and a more specific sign takes the place of the general one it overlaps
   ("cord is bleeding" is a cord problem, not vaginal bleeding);
3. measurements in the text and those passed beside it (numbers.py, measured.py) against the WHO thresholds, and
   the numbers of labour and birth (birth_numbers.py): how long labour or broken waters have lasted, read against
   the sign written nearest, the baby's heart rate, a newborn's weight;
4. combinations (fever with weakness, high blood pressure with headache, labour before 37 weeks, yellow skin on
   a baby's first day, breech in labour);
5. the highest level wins. Nothing here is learned or scored: the same note always gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from edgekit.sdk import EdgekitError, guess_language

from . import birth_numbers, numbers
from .measured import Finding, birth_findings, measured_findings, subjects
from .patterns import find_all
from .rules import LANGUAGES, LEVELS, Rule, Rules, load_rules
from .text import Word, negated, words_of

MAX_TEXT = 2000
MAX_ADVICE_SIGNS = 3
ROUTINE_SOURCES = (
    "WHO recommendations on antenatal care for a positive pregnancy experience (ANC 2016), recommendation E.1: "
    "at least eight antenatal contacts",
    "WHO recommendations on maternal and newborn care for a positive postnatal experience (PNC 2022): "
    "postnatal contacts in the first 24 hours, on day 3, between days 7 and 14, and at six weeks",
)


@dataclass(frozen=True)
class Sign:
    code: str
    label: str
    evidence: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "evidence": self.evidence}


@dataclass(frozen=True)
class Triage:
    level: str
    signs: list[Sign]
    refer: bool
    advice: str
    sources: list[str]
    lang: str

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "signs": [sign.as_dict() for sign in self.signs],
            "refer": self.refer,
            "advice": self.advice,
            "sources": list(self.sources),
        }


def referral_text(level: str, lang: str | None) -> str:
    """The sentence an answer at this level starts with: refer now, the facility today, or the next routine visit."""
    if level not in LEVELS:
        raise ValueError(f"unknown triage level {level!r}; expected one of {', '.join(LEVELS)}")
    return load_rules().languages[answer_language(lang)].referral[level]


def answer_language(lang: str | None, text: str = "") -> str:
    """The language to answer in: the one asked for when we have it ("sw-KE" -> "sw"), else the note's, else
    English. An unknown language is not an error: a triage must always answer."""
    for candidate in (lang, guess_language(text) if text else None):
        short = (candidate or "").strip().lower().replace("_", "-").split("-")[0]
        if short in LANGUAGES:
            return short
    return "en"


# --- signs named in words ----------------------------------------------------------------------------------------


def _pattern_findings(text: str, words: list[Word], who: list[str | None], rules: Rules) -> list[Finding]:
    folded = [word.text for word in words]
    negation_words = frozenset().union(*(lw.negation for lw in rules.language_words.values()))
    # A gap in a pattern never skips a word that starts a new statement, nor a negation ("pain, not severe").
    blocked = [word.conjunction or word.text in negation_words for word in words]

    raw: list[tuple[Rule, int, int]] = []
    for rule in rules.pattern_rules():
        for pattern in rule.patterns:
            for start, end in find_all(pattern, folded, rules.vocabulary, blocked):
                if words[start].clause == words[end - 1].clause:
                    raw.append((rule, start, end))

    taken = {index for _, start, end in raw for index in range(start, end)}
    found: list[Finding] = []
    for rule, start, end in raw:
        if negated(words, start, end, rules.language_words, taken - set(range(start, end))):
            continue
        subject = who[start]
        if rule.applies_to == "newborn" and (subject == "mother" or (rule.baby_named and subject != "baby")):
            continue  # "she feels cold", "cold season": not a newborn danger sign
        if rule.not_for_baby and subject == "baby":
            continue  # "the baby cries a lot" is no sign of depression
        code = rule.newborn if (rule.newborn and subject == "baby") else rule.code
        evidence = text[words[start].start : words[end - 1].end]
        found.append(Finding(code, evidence, (start, end), words[start].start))
    return found


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _without_replaced(found: list[Finding], rules: Rules) -> list[Finding]:
    """Drop a general sign where a more specific one stands for it: on the same words ("cord is bleeding" is not
    vaginal bleeding), or anywhere for a measured one (BP 150/95 beside BP 170/112 is one very high reading).
    A sign found in words is never dropped by a sign elsewhere in the note."""

    def replaced(finding: Finding) -> bool:
        for other in found:
            if other is finding or finding.code not in rules.rules[other.code].replaces:
                continue
            if finding.span is None or (other.span is not None and _overlap(other.span, finding.span)):
                return True
        return False

    return [finding for finding in found if not replaced(finding)]


# --- combinations ------------------------------------------------------------------------------------------------


def _combined(found: list[Finding], text: str, rules: Rules) -> list[Finding]:
    """Add every combination sign whose groups are all met, until nothing more is added."""
    codes = {finding.code for finding in found}
    is_preterm = numbers.preterm(text)
    is_first_day = birth_numbers.first_day(text)
    added = True
    while added:
        added = False
        for rule in rules.combinations():
            if rule.code in codes or (rule.preterm and not is_preterm) or (rule.first_day and not is_first_day):
                continue
            if all(group & codes for group in rule.requires):
                parts = [f.evidence for f in found if any(f.code in group for group in rule.requires)]
                evidence = " + ".join(dict.fromkeys(parts))
                if rule.preterm:
                    weeks = numbers.gestation_weeks(text)
                    evidence += f" + {weeks:.0f} weeks" if weeks is not None else ""
                found.append(Finding(rule.code, evidence, order=len(text) + 1))
                codes.add(rule.code)
                added = True
    return found


# --- the answer --------------------------------------------------------------------------------------------------


def _signs(found: list[Finding], rules: Rules, lang: str) -> list[Sign]:
    """One sign per code, the most urgent first, then in the order the note gives them."""
    by_code: dict[str, list[Finding]] = {}
    for finding in sorted(found, key=lambda f: f.order):
        by_code.setdefault(finding.code, []).append(finding)
    ordered = sorted(by_code.items(), key=lambda item: (-rules.rules[item[0]].rank, item[1][0].order))
    return [
        Sign(code, rules.rules[code].label[lang], "; ".join(dict.fromkeys(f.evidence for f in findings)))
        for code, findings in ordered
    ]


def _advice(level: str, signs: list[Sign], rules: Rules, lang: str) -> str:
    parts = [rules.languages[lang].referral[level]]
    at_level = [sign for sign in signs if rules.rules[sign.code].level == level]
    parts += list(dict.fromkeys(rules.rules[sign.code].advice[lang] for sign in at_level))[:MAX_ADVICE_SIGNS]
    return " ".join(parts)


def triage(
    text: str,
    lang: str | None = None,
    *,
    systolic: int | None = None,
    diastolic: int | None = None,
    temperature_c: float | None = None,
) -> Triage:
    """Danger signs in a note (English, Swahili, French or a mix) and measurements given beside it."""
    text = text or ""
    if len(text) > MAX_TEXT:
        raise EdgekitError(
            f"The note is {len(text)} characters long; triage reads at most {MAX_TEXT}. Keep to the signs seen.",
            code="text_too_long",
            http_status=422,
        )
    if not text.strip() and systolic is None and diastolic is None and temperature_c is None:
        raise EdgekitError(
            "Nothing to triage: write what the woman or baby has, or give a blood pressure or temperature.",
            code="empty_triage",
            http_status=422,
        )
    rules = load_rules()
    answer_lang = answer_language(lang, text)
    words = words_of(text, rules.language_words)
    who = subjects(words, rules)

    found = _pattern_findings(text, words, who, rules)
    found += measured_findings(text, words, who, rules, systolic, diastolic, temperature_c)
    found += birth_findings(text, found, rules)
    found = _combined(_without_replaced(found, rules), text, rules)
    # Routine rules are context for combinations (twins, breech, a previous caesarean): alone, no danger sign.
    found = [finding for finding in found if rules.rules[finding.code].level != "routine"]

    signs = _signs(found, rules, answer_lang)
    level = max((rules.rules[sign.code].level for sign in signs), key=LEVELS.index, default="routine")
    sources = list(dict.fromkeys(rules.rules[sign.code].source for sign in signs)) or list(ROUTINE_SOURCES)
    return Triage(
        level=level,
        signs=signs,
        refer=level != "routine",
        advice=_advice(level, signs, rules, answer_lang),
        sources=sources,
        lang=answer_lang,
    )
