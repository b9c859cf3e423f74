# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Answer checking is exact on every generated item type, in every usual written form, over many seeds; wrong
values, wrong units and the wrong form are refused; nothing here needs a model."""

from __future__ import annotations

from fractions import Fraction

import pytest
from edgekit_edu.checking import CORRECT, NOT_SIMPLEST, UNREADABLE, WRONG, WRONG_FORM, check
from edgekit_edu.generate import TEMPLATES, make_item, parse_generated_id
from edgekit_edu.item import Item
from edgekit_edu.numbers import is_simplest, parse_number, readings, written_forms

SEEDS = range(300)
SKILLS = sorted(TEMPLATES)


def _value(item: Item) -> Fraction:
    value = parse_number(item.answer.removesuffix(item.unit) if item.unit else item.answer, "fr")
    assert value is not None, item
    return value


def _forms_the_item_accepts(item: Item) -> set[str]:
    value = _value(item)
    forms = written_forms(value)
    if item.form == "decimal":
        forms = {f for f in forms if "/" not in f}
    if item.form == "fraction" or item.simplest:
        forms = {f for f in forms if "/" in f or value.denominator == 1}
    if value.denominator == 1 and item.lang == "fr":
        forms = {f for f in forms if "," not in f}  # 12,500 is twelve and a half in French: not a form here
    with_units = {f"{f} {item.unit}" for f in forms} | {f"{f}{item.unit}" for f in forms} if item.unit else set()
    return forms | with_units


def test_there_are_templates_for_every_math_topic():
    topics = {skill.split(".")[1] for skill in SKILLS}
    assert topics == {"place_value", "operations", "fractions", "decimals", "percentages", "measurement", "equations"}
    assert len(SKILLS) >= 20


@pytest.mark.parametrize("skill", SKILLS)
def test_every_written_form_of_the_answer_is_accepted(skill):
    checked = 0
    for seed in SEEDS:
        for lang in ("en", "sw", "fr"):
            item = make_item(skill, seed, lang)
            for form in _forms_the_item_accepts(item):
                assert check(item, form).outcome == CORRECT, (item.prompt, item.answer, form)
                checked += 1
            assert check(item, item.answer).correct, (item.prompt, item.answer)
    assert checked >= len(SEEDS) * 3


@pytest.mark.parametrize("skill", SKILLS)
def test_near_misses_are_wrong(skill):
    for seed in SEEDS:
        item = make_item(skill, seed, "en")
        value = _value(item)
        for wrong in (value + 1, value - 1, value * 10, value + Fraction(1, 100), -value if value else 1):
            for form in written_forms(wrong):
                if value in readings(form, "en"):
                    continue  # "1,375" is also read as 1.375: the same value, however it looks
                outcome = check(item, form).outcome
                assert outcome in (WRONG, UNREADABLE) and outcome != CORRECT, (item.prompt, item.answer, form)
                assert outcome == WRONG, (item.prompt, form)


@pytest.mark.parametrize("skill", SKILLS)
def test_the_same_id_makes_the_same_item_and_the_server_can_remake_it(skill):
    for seed in (0, 1, 99999):
        first, again = make_item(skill, seed, "sw"), make_item(skill, seed, "sw")
        assert first == again
        assert parse_generated_id(first.id) == (skill, seed)
    prompts = {make_item(skill, seed).prompt for seed in range(40)}
    assert len(prompts) >= 20, "fresh numbers each time"


def test_the_public_view_of_an_item_never_carries_its_answer():
    for skill in SKILLS:
        item = make_item(skill, 3)
        public = item.public()
        assert "answer" not in public and "explain" not in public
        assert item.answer not in {str(v) for v in public.values()}


@pytest.mark.parametrize(
    "answer, response, lang, outcome",
    [
        ("3/4", "3/4", "en", CORRECT),
        ("3/4", "0.75", "en", CORRECT),
        ("3/4", "0,75", "fr", CORRECT),
        ("3/4", "0,75", "en", CORRECT),
        ("3/4", ".75", "en", CORRECT),
        ("3/4", "¾", "en", CORRECT),
        ("3/4", "6/8", "en", CORRECT),
        ("3/4", " 3 / 4 ", "en", CORRECT),
        ("3/4", "0.7", "en", WRONG),
        ("3/4", "4/3", "en", WRONG),
        ("3/2", "1 1/2", "en", CORRECT),
        ("3/2", "1½", "sw", CORRECT),
        ("3/2", "1.5", "en", CORRECT),
        ("3/2", "1 1/3", "en", WRONG),
        ("12500", "12 500", "en", CORRECT),
        ("12500", "12,500", "en", CORRECT),
        ("12500", "12,500", "sw", CORRECT),
        ("12500", "12500", "fr", CORRECT),
        ("1.375", "1,375", "en", CORRECT),  # a decimal comma, written in an English class
        ("1375", "1,375", "en", CORRECT),  # thousands, as English and Swahili schools write them
        ("1.375", "1,375", "fr", CORRECT),
        ("1250", "1,250", "fr", WRONG),  # 1,25 in French: a different number
        ("-3", "−3", "en", CORRECT),
        ("42", "x = 42", "en", CORRECT),
        ("42", "forty", "en", UNREADABLE),
        ("42", "", "en", UNREADABLE),
        ("42", "4/0", "en", UNREADABLE),
    ],
)
def test_written_forms(answer, response, lang, outcome):
    item = Item(id="t", skill="math.t", kind="number", lang=lang, prompt="?", answer=answer)
    assert check(item, response).outcome == outcome


@pytest.mark.parametrize(
    "answer, unit, response, outcome",
    [
        ("50%", "%", "50%", CORRECT),
        ("50%", "%", "50 %", CORRECT),
        ("50%", "%", "50", CORRECT),
        ("50%", "%", "50 percent", CORRECT),
        ("50%", "%", "asilimia 50", UNREADABLE),
        ("50%", "%", "0.5", WRONG),
        ("350", "cm", "350 cm", CORRECT),
        ("350", "cm", "350cm", CORRECT),
        ("350", "cm", "350 m", WRONG),
        ("28", "cm²", "28 cm2", CORRECT),
        ("28", "cm²", "28 cm²", CORRECT),
        ("28", "cm²", "28 square cm", CORRECT),
        ("28", "cm²", "28 cm", WRONG),
    ],
)
def test_units(answer, unit, response, outcome):
    item = Item(id="t", skill="math.t", kind="number", lang="en", prompt="?", answer=answer, unit=unit)
    assert check(item, response).outcome == outcome


def test_simplest_form_and_decimal_form_are_asked_for_when_the_item_says_so():
    simplify = Item(id="t", skill="s", kind="number", lang="en", prompt="?", answer="3/4", simplest=True)
    assert check(simplify, "6/8").outcome == NOT_SIMPLEST and not check(simplify, "6/8").correct
    assert check(simplify, "3/4").correct
    decimal = Item(id="t", skill="s", kind="number", lang="en", prompt="?", answer="0.75", form="decimal")
    assert check(decimal, "3/4").outcome == WRONG_FORM
    assert check(decimal, "0,75").correct
    assert not is_simplest("2 2/4") and is_simplest("2 1/2")


def test_choice_and_short_answers():
    choice = Item(
        id="c",
        skill="s",
        kind="choice",
        lang="en",
        prompt="?",
        answer="Boiling it",
        choices=("Letting it stand", "Boiling it", "Adding sugar"),
    )
    for response in ("Boiling it", "boiling it.", "b", "B", "2"):
        assert check(choice, response).correct, response
    for response in ("a", "Adding sugar", "3"):
        assert check(choice, response).outcome == WRONG, response
    assert check(choice, "something else").outcome == UNREADABLE
    short = Item(id="s", skill="s", kind="short", lang="fr", prompt="?", answer="l'évaporation", accept=("evaporer",))
    for response in ("L'évaporation", "l evaporation", "  l'EVAPORATION! ", "évaporer"):
        assert check(short, response).correct, response
    assert check(short, "la pluie").outcome == WRONG
