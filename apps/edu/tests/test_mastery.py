"""The teacher's mastery rule, and review of mastered skills later."""

from datetime import datetime, timedelta

import pytest
from edgekit_edu.mastery import FIRST_REVIEW, MasteryRule, RuleError, after_attempt, review_is_due

NOW = datetime(2026, 6, 1, 9, 0)


@pytest.mark.parametrize(
    "rule, results, met",
    [
        ("3 of 5", [True, True, True], True),
        ("3 of 5", [True, False, True, False, True], True),
        ("3 of 5", [True, True, False, False, False, False, True], False),  # only the last 5 count
        ("3/5", [False, True, True], False),
        ("10 in a row", [True] * 10, True),
        ("10 in a row", [True] * 9 + [False] + [True] * 9, False),
        ("3 in a row", [False, True, True, True], True),
    ],
)
def test_rules(rule, results, met):
    assert MasteryRule.parse(rule).is_met(results) is met


@pytest.mark.parametrize("text", ["6 of 5", "0 in a row", "three of five", "", "3 of 0"])
def test_rules_a_teacher_could_not_mean_are_refused(text):
    with pytest.raises(RuleError):
        MasteryRule.parse(text)


def test_progress_counts_towards_the_rule():
    assert MasteryRule.parse("5 in a row").progress([True, False, True, True]) == (2, 5)
    assert MasteryRule.parse("3 of 5").progress([True, False, True]) == (2, 3)


def test_mastery_then_spaced_review_then_forgetting():
    rule = MasteryRule.parse("3 in a row")
    state = after_attempt(rule, [True, True], None, NOW)
    assert not state.mastered
    state = after_attempt(rule, [True, True, True], state, NOW)
    assert state.mastered and state.review_due == NOW + FIRST_REVIEW
    assert not review_is_due(state, NOW + timedelta(days=1)) and review_is_due(state, NOW + timedelta(days=2))
    later = NOW + timedelta(days=2)
    state = after_attempt(rule, [True, True, True, True], state, later, reviewing=True)
    assert state.mastered and state.review_due == later + FIRST_REVIEW * 3, "a passed review comes back later"
    state = after_attempt(rule, [True, True, True, True, False], state, later + timedelta(days=6), reviewing=True)
    assert not state.mastered and state.review_due is None, "a failed review sends the skill back to practice"


def test_many_wrong_in_a_row_is_stuck():
    rule = MasteryRule.parse("3 of 5")
    assert after_attempt(rule, [True, False, False, False, False], None, NOW).stuck
    assert not after_attempt(rule, [False, False, False, True], None, NOW).stuck
