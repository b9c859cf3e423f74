"""Hints that only echo the question or the hint prompt's own words are found; hints that quote the passage to
point at a clue, or name the method, are not."""

from __future__ import annotations

import pytest
from edgekit_edu.echo import echoes_question

PASSAGE = (
    'Read: "After three months with no rain, the river was parched. The cows walked on cracked mud." '
    "What does 'parched' mean?"
)


@pytest.mark.parametrize(
    "hint, prompt",
    [
        (
            "Neno 'nyembamba' lina maana gani? Neno 'nyembamba' lina maana gani?",
            "Soma: \"Njia ilikuwa nyembamba sana.\" Neno 'nyembamba' lina maana gani?",
        ),
        (
            "Ni sehemu gani ya mmea inayotengeneza chakula? Mizizi (it is wrong)",
            "Ni sehemu gani ya mmea inayotengeneza chakula?",
        ),
        (
            "The water cycle says water vapour cools and turns into tiny drops of water.",
            "What is it called when water vapour cools and turns into tiny drops of water?",
        ),
        ("My answer was: oksijeni.", "Ni gesi gani inayosababisha mabadiliko ya tabianchi?"),
    ],
)
def test_an_echo_is_found(hint, prompt):
    assert echoes_question(hint, prompt)


@pytest.mark.parametrize(
    "hint, prompt",
    [
        ("The river was parched. The cows walked on cracked mud where water once flowed.", PASSAGE),
        ("Add 8 to both sides first. What is 34 + 8?", "Solve 6p \u2212 8 = 34."),
        ("Find a common bottom number for 5 and 3.", "Work out 2/5 + 1/3."),
        ("To work out 2/5 + 1/3, find a common denominator first.", "Work out 2/5 + 1/3."),
    ],
)
def test_a_pointer_or_a_method_is_no_echo(hint, prompt):
    assert not echoes_question(hint, prompt)
