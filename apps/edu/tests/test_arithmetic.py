"""The arithmetic a hint writes out: false sums found (units, grouped thousands, x before +), true ones and
things that only look like sums left alone; numbers nothing can check found."""

from __future__ import annotations

import pytest
from edgekit_edu.arithmetic import evaluate, false_sums, unchecked_numbers


@pytest.mark.parametrize(
    "text",
    [
        "Multiply by 1000: 4.2 kg \u00d7 1000 = 42000 grams.",
        "1 868 - 2 375 = 1 563",
        "5 + 6 \u00d7 4 = 44",
        "3/4 + 1/8 = 4/12",
        "12 x 5 = 50",
        "0,6 + 0,2 = 0,9",
        "So 34 + 8 is 40.",
    ],
)
def test_a_false_sum_is_found(text):
    assert false_sums(text), text


@pytest.mark.parametrize(
    "text",
    [
        "4.2 kg \u00d7 1000 = 4200 g",
        "2 375 + 1 868 = 4 243",
        "5 + 6 \u00d7 4 = 29",  # x before +, as the pupil's book reads it
        "2 + 3 + 4 = 9",  # a chain is read whole, not as its last part (3 + 4 = 9 would be false)
        "3/4 + 1/8 = 7/8",
        "12 : 4 = 3",
        "Solve 6p - 8 = 34 by adding 8 first.",  # an equation with a letter is no sum
        "The bus leaves at 14:40 and arrives at 17:05.",  # a time is no division
        "(3 + 4) \u00d7 2 = 14",  # brackets are not read, so never called false
        "1/6 + 1/3 = 1/6 + 2/6 = 3/6",  # a chain of steps: the first = is not the result
    ],
)
def test_a_true_sum_or_no_sum_is_left_alone(text):
    assert false_sums(text) == [], text


def test_evaluate_reads_the_order_of_operations():
    assert evaluate("10 - 2 \u00d7 3 + 8 ÷ 4") == 6
    assert evaluate("7 ÷ 0") is None


def test_numbers_a_hint_works_out_are_unchecked_unless_a_true_sum_shows_them():
    question = "A pair of shoes costs 1 500 shillings. How much do you pay after a 20% discount?"
    assert unchecked_numbers("After a 20% discount, you pay 80 shillings.", question) == ["80"]
    assert unchecked_numbers("Find 1% first: divide 1500 by 100.", question) == []
    assert unchecked_numbers("10% of 1 500 is 150: 1 500 ÷ 10 = 150.", question) == []
    assert unchecked_numbers("The bus travels for 2 hours and 35 minutes.", "From 14:40 to 17:05?") == ["35"]
    assert unchecked_numbers("Divide 15 and 20 by the same number.", "Simplify 15/20.") == []
