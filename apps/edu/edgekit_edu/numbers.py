"""Numbers as pupils write them, read exactly: `3/4`, `0.75`, `0,75`, `1 1/2`, `50%`, `12 500`, `-3`, `½`.

Every value is a Fraction, so checking is exact (0.1 + 0.2 is 3/10 here). The same module writes a value in all
its usual forms, which the tests use to prove that every form is accepted and the tutor uses to spot a hint that
gives the answer away.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

# A comma is the decimal mark in French schools (0,75) and often written by pupils elsewhere too; a space or a
# thin space groups thousands everywhere; a comma groups them in English and Swahili (Kenya, Tanzania).
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_INTEGER = r"\d+"
_DECIMAL = r"\d*[.,]\d+|\d+[.,]"
_PLAIN = re.compile(rf"^(?P<sign>[-+]?)(?P<number>{_DECIMAL}|{_INTEGER})$")
_FRACTION = re.compile(r"^(?P<sign>[-+]?)(?P<num>\d+)/(?P<den>\d+)$")
_MIXED = re.compile(r"^(?P<sign>[-+]?)(?P<whole>\d+) (?P<num>\d+)/(?P<den>\d+)$")
_ENGLISH_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
_GROUPED = re.compile(r"^[-+]?\d{1,3}( \d{3})+([.,]\d+)?$")
_MINUS_SIGNS = dict.fromkeys(map(ord, "\u2212\u2012\u2013\u2014"), "-")
_SLASHES = dict.fromkeys(map(ord, "\u2044\u2215\u00f7"), "/")


def _vulgar(text: str) -> str:
    """`1½` -> `1 1/2`, so single-character fractions read like typed ones."""
    out = []
    for char in text:
        if len(char) == 1 and unicodedata.category(char) == "No" and "/" not in char:
            value = Fraction(unicodedata.numeric(char)).limit_denominator(100)
            if value.denominator > 1:
                out.append(f" {value.numerator}/{value.denominator}")
                continue
        out.append(char)
    return "".join(out).strip()


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", _vulgar(text)).translate(_MINUS_SIGNS).translate(_SLASHES)
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"\s*/\s*", "/", text)
    return re.sub(r"^([-+])\s+", r"\1", text)


def readings(text: str, lang: str = "en") -> list[Fraction]:
    """Every value the pupil may have meant: one, except "1,375" in English or Swahili, where schools group
    thousands with a comma but many pupils also write a decimal comma (1,375 may be 1375 or 1.375)."""
    text = normalise(text)
    if lang in ("en", "sw") and _ENGLISH_THOUSANDS.match(text):
        values = [_read(text.replace(",", ""))]
        if text.count(",") == 1 and "." not in text:
            values.append(_read(text))
        return [v for v in values if v is not None]
    value = _read(text)
    return [] if value is None else [value]


def parse_number(text: str, lang: str = "en") -> Fraction | None:
    """The exact value a pupil wrote (the first reading), or None when it is not a number (never a guess)."""
    values = readings(text, lang)
    return values[0] if values else None


def _read(text: str) -> Fraction | None:
    if not text:
        return None
    if _GROUPED.match(text):
        whole, _, decimals = text.replace(",", ".").partition(".")
        text = whole.replace(" ", "") + ("." + decimals if decimals else "")
    if match := _MIXED.match(text):
        whole, num, den = int(match["whole"]), int(match["num"]), int(match["den"])
        if den == 0:
            return None
        value = whole + Fraction(num, den)
        return -value if match["sign"] == "-" else value
    if match := _FRACTION.match(text):
        num, den = int(match["num"]), int(match["den"])
        if den == 0:
            return None
        value = Fraction(num, den)
        return -value if match["sign"] == "-" else value
    if match := _PLAIN.match(text):
        value = Fraction(match["number"].replace(",", "."))
        return -value if match["sign"] == "-" else value
    return None


def is_simplest(text: str) -> bool:
    """A written fraction in lowest terms (a whole number or decimal always is)."""
    match = _MIXED.match(normalise(text)) or _FRACTION.match(normalise(text))
    if not match:
        return True
    num, den = int(match["num"]), int(match["den"])
    if den == 1 and "whole" not in match.groupdict():
        return False  # 4/1 is a whole number left as a fraction
    return Fraction(num, den).denominator == den and (not match.groupdict().get("whole") or num < den)


def terminating_decimal(value: Fraction) -> str | None:
    """`3/4` -> `0.75`; None when the decimal never ends (1/3)."""
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return None
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(abs(value.numerator) * 10**places // value.denominator)
    if places:
        digits = digits.rjust(places + 1, "0")
        digits = digits[:-places] + "." + digits[-places:]
    return ("-" if value < 0 else "") + digits


def as_fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def as_mixed(value: Fraction) -> str | None:
    if value.denominator == 1 or abs(value) < 1:
        return None
    whole, rest = divmod(abs(value.numerator), value.denominator)
    return f"{'-' if value < 0 else ''}{whole} {rest}/{value.denominator}"


def canonical(value: Fraction, form: str = "auto") -> str:
    """How the app writes an answer: a whole number, else the asked-for form, else a decimal when it ends."""
    if value.denominator == 1:
        return str(value.numerator)
    if form == "fraction":
        return as_fraction(value)
    if form == "mixed":
        return as_mixed(value) or as_fraction(value)
    return terminating_decimal(value) or as_fraction(value)


def written_forms(value: Fraction) -> set[str]:
    """Every usual way to write this value: 3/4, 6/8-free (lowest terms only), 0.75, 0,75, .75, 1 1/2, 3/2."""
    forms = {as_fraction(value)}
    if mixed := as_mixed(value):
        forms.add(mixed)
    if decimal := terminating_decimal(value):
        forms |= {decimal, decimal.replace(".", ",")}
        if decimal.startswith("0."):
            forms.add(decimal[1:])
        if value.denominator == 1 and abs(value) >= 1000:
            digits = str(abs(value.numerator))
            grouped = " ".join(digits[max(i - 3, 0) : i] for i in range(len(digits), 0, -3)[::-1])
            forms |= {("-" if value < 0 else "") + grouped, ("-" if value < 0 else "") + grouped.replace(" ", ",")}
    return forms
