# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""A math template hint's method is chosen from the item itself: the kind of problem its words name, else the
operation of its first step (its signs, its worked answer, or for adding and subtracting its words)."""

from __future__ import annotations

import pytest
from edgekit_edu.generate import TEMPLATES
from edgekit_edu.item import Item
from edgekit_edu.item_bank import load_bank
from edgekit_edu.math_kinds import (
    CLOCK_DURATION,
    DECIMAL_TO_FRACTION,
    DISCOUNT,
    SIMPLIFY,
    SMALL_TO_BIG,
    first_step,
    named_kind,
    signs,
)
from edgekit_edu.tutor import math_hint, template_hint

MATH_BANK = sorted((item for item in load_bank().values() if item.skill.startswith("math.")), key=lambda item: item.id)


def item(prompt: str, skill: str, lang: str = "en", answer: str = "999", explain: str = "") -> Item:
    return Item(id="held-out", skill=skill, kind="number", lang=lang, prompt=prompt, answer=answer, explain=explain)


@pytest.mark.parametrize("bank_item", MATH_BANK, ids=lambda bank_item: bank_item.id)
def test_every_math_bank_item_is_shown_a_method_with_its_own_first_operation(bank_item):
    """Where the item says its operation, names no other kind of problem and its skill has several templates to
    choose from, the hint's first step has the item's operation (a skill with one template shows that one)."""
    wanted = first_step(bank_item)
    found = math_hint(bank_item, bank_item.lang)
    assert found, bank_item.id
    hint, shown = found
    if named_kind(bank_item) is None and wanted and len(TEMPLATES[bank_item.skill]) > 1:
        assert shown & wanted, (bank_item.prompt, sorted(wanted), hint)
        if "add_subtract" in bank_item.skill:  # an adding pupil is never shown a subtraction, nor the other way
            assert shown == wanted, (bank_item.prompt, hint)


@pytest.mark.parametrize(
    ("prompt", "skill", "lang", "kind"),
    [
        (
            "A radio costs 2 400 shillings. What do you pay after a 15% discount?",
            "math.percentages.change",
            "en",
            DISCOUNT,
        ),
        (
            "Shati linauzwa shilingi 800 kwa punguzo la 25%. Utalipa kiasi gani?",
            "math.percentages.change",
            "sw",
            DISCOUNT,
        ),
        ("Convert 450 cm to m.", "math.measurement.units", "en", SMALL_TO_BIG),
        ("Convertis 3 500 g en kg.", "math.measurement.units", "fr", SMALL_TO_BIG),
        ("Badilisha mita 2 500 kuwa kilomita.", "math.measurement.units", "sw", SMALL_TO_BIG),
        (
            "A match starts at 15:20 and ends at 17:05. How long does it last?",
            "math.measurement.time",
            "en",
            CLOCK_DURATION,
        ),
        (
            "Le car part à 8h45 et arrive à 11h10. Combien de temps dure le trajet ?",
            "math.measurement.time",
            "fr",
            CLOCK_DURATION,
        ),
        ("Write 0.25 as a fraction in its simplest form.", "math.decimals.fractions", "en", DECIMAL_TO_FRACTION),
        ("Simplify 18/24.", "math.fractions.equivalent", "en", SIMPLIFY),
    ],
)
def test_the_kind_of_problem_the_words_name_picks_the_method(prompt, skill, lang, kind):
    held_out = item(prompt, skill, lang)
    assert named_kind(held_out) is kind
    assert template_hint(held_out, lang, []) == kind.method[lang]


@pytest.mark.parametrize(
    ("prompt", "skill"),
    [
        ("How many centimetres are there in 4 m?", "math.measurement.units"),  # big to small: the template's own
        ("Change 3.5 kg into grams.", "math.measurement.units"),
        ("Work out 2/3 × 3/4 and give the answer in its simplest form.", "math.fractions.multiply"),
        ("Find 20% of 450.", "math.percentages.of_amount"),
    ],
)
def test_items_of_the_templates_own_kind_name_no_other(prompt, skill):
    assert named_kind(item(prompt, skill)) is None


def test_an_adding_word_problem_is_shown_adding_and_a_taking_away_one_subtracting():
    adds = item(
        "Une école avait 1 240 cahiers et en reçoit 985 de plus. Combien en a-t-elle ?",
        "math.operations.add_subtract",
        "fr",
    )
    takes = item("A shop had 2 300 eggs and sold 1 475. How many are left?", "math.operations.add_subtract")
    assert first_step(adds) == {"+"} and first_step(takes) == {"−"}
    assert math_hint(adds, "fr")[1] == {"+"} and "+" in template_hint(adds, "fr", [])
    assert math_hint(takes, "en")[1] == {"−"} and "−" in template_hint(takes, "en", [])


def test_the_first_step_is_read_from_signs_then_the_worked_answer_then_words():
    assert signs("15 x 600 and 20 - 5") == {"×", "−"}
    assert first_step(item("Work out 7 + 8 × 2.", "math.operations.order")) == {"+", "×"}
    assert first_step(item("How many cups?", "math.measurement.units", explain="2 L = 2 000 mL; 2 000 ÷ 250 = 8")) == {
        "÷"
    }
    assert first_step(item("Round 8 249 to the nearest hundred, or more.", "math.place_value.rounding")) == frozenset()
