"""The arm64 proof's token comparison (tests/field/arm64_qemu.py): a divergence passes only at a near-tie of x86's
logits where arm64 took x86's second choice, the teacher-forced steps only within the tolerance, and two builds'
logits only while the leads of x86's tokens over their rivals move less than the tolerance."""

import numpy as np
import pytest

from tests.field.arm64_qemu import REACH, TOLERANCE, judge_distance, judge_forced, judge_free_run, lead_shifts


def step(best: int, best_logit: float, second: int, second_logit: float, fed_logit: float | None = None) -> dict:
    fed = best_logit if fed_logit is None else fed_logit
    return {"best": best, "best_logit": best_logit, "second": second, "second_logit": second_logit, "fed_logit": fed}


X86 = {
    "tokens": [10, 11, 12],
    "steps": [step(10, 15.0, 20, 13.0), step(11, 15.573, 21, 15.571), step(12, 16.0, 22, 12.0)],
}


def test_the_same_tokens_pass():
    assert judge_free_run(X86, {"tokens": [10, 11, 12]})[0]


def test_a_divergence_at_a_near_tie_to_x86s_second_choice_passes():
    ok, how = judge_free_run(X86, {"tokens": [10, 21, 30]})
    assert ok and "0.0020" in how


def test_a_divergence_where_x86_is_sure_fails():
    assert not judge_free_run(X86, {"tokens": [20, 11, 12]})[0]  # margin 2.0 at step 0


def test_a_divergence_to_another_token_than_x86s_second_fails():
    assert not judge_free_run(X86, {"tokens": [10, 99, 12]})[0]


def test_stopping_early_fails():
    assert not judge_free_run(X86, {"tokens": [10, 11]})[0]


def test_teacher_forced_passes_within_the_tolerance_and_fails_beyond_it():
    close = {
        "tokens": [10, 11, 12],
        "steps": [step(10, 15.0, 20, 13.0), step(21, 15.58, 11, 15.57, 15.57), step(12, 16.0, 22, 12.0)],
    }
    assert judge_forced(X86, close)[0]
    # x86's token twice the tolerance below arm64's argmax (the gap was a fixed 1.0 while the tolerance was 0.05).
    far = {
        "tokens": [10, 11, 12],
        "steps": [
            step(10, 15.0, 20, 13.0),
            step(21, 15.0 + 2 * TOLERANCE, 11, 15.0, 15.0),
            step(12, 16.0, 22, 12.0),
        ],
    }
    ok, how = judge_forced(X86, far)
    assert not ok and "step 1" in how


def test_teacher_forced_must_have_been_fed_x86s_tokens():
    assert not judge_forced(X86, {"tokens": [10, 11, 13], "steps": X86["steps"]})[0]


def test_the_tolerance_stays_a_small_part_of_gemmas_top_logits():
    # Gemma-3-270m's top logits are 15-24; a bound of whole units would let a wrong kernel through.
    assert 0 < TOLERANCE <= 1.0


@pytest.mark.parametrize(("margin", "passes"), [(TOLERANCE - 0.01, True), (TOLERANCE + 0.01, False)])
def test_a_free_run_may_leave_x86_only_below_the_tolerance(margin, passes):
    x86 = {"tokens": [10, 11], "steps": [step(10, 15.0, 20, 15.0 - margin), step(11, 16.0, 21, 12.0)]}
    assert judge_free_run(x86, {"tokens": [20, 11]})[0] is passes


def test_teacher_forced_a_flip_where_x86_is_sure_fails_even_if_arm64_is_close():
    x86 = {"tokens": [10, 11], "steps": [step(10, 15.0, 20, 13.0), step(11, 16.0, 21, 16.0 - TOLERANCE - 0.2)]}
    # arm64 puts x86's second choice 0.1 above x86's token: a small gap, but x86 was sure by more than the tolerance.
    flipped = {"tokens": [10, 11], "steps": [step(10, 15.0, 20, 13.0), step(21, 15.9, 11, 15.8, 15.8)]}
    ok, how = judge_forced(x86, flipped)
    assert not ok and "step 1" in how and "x86 chose 11" in how


def test_teacher_forced_a_flip_to_a_token_not_x86s_second_fails():
    flipped = {
        "tokens": [10, 11, 12],
        "steps": [step(10, 15.0, 20, 13.0), step(99, 15.58, 11, 15.57, 15.57), X86["steps"][2]],
    }
    assert not judge_forced(X86, flipped)[0]


def logits(values: dict[int, float], size: int = 40) -> np.ndarray:
    row = np.linspace(-5.0, -1.0, size)  # the tail, all below the named tokens
    for token, value in values.items():
        row[token] = value
    return row


def test_moving_every_logit_together_moves_no_lead():
    row = logits({0: 15.0, 1: 14.5, 2: 13.0})
    assert lead_shifts([0], [row], [row + 0.7]) == pytest.approx([0.0], abs=1e-9)


def test_a_rival_that_comes_closer_counts_by_how_much():
    one = logits({0: 15.0, 1: 14.5, 2: 13.0})
    other = logits({0: 15.0, 1: 14.8, 2: 13.0})
    assert lead_shifts([0], [one], [other]) == pytest.approx([0.3])


def test_a_token_that_enters_the_other_builds_top_counts():
    one = logits({0: 15.0, 1: 14.5})
    other = logits({0: 15.0, 1: 14.5, 39: 14.9})  # from the bottom of one build's list into the other's top two
    assert lead_shifts([0], [one], [other])[0] > 5


def test_changes_beyond_reach_do_not_count():
    one = logits({0: 15.0, 1: 14.5, 2: 15.0 - REACH - 0.5})
    other = logits({0: 15.0, 1: 14.5, 2: 15.0 - REACH - 2.0})  # a token out of reach falls further: no choice changes
    other[39] -= 3.0  # and so does the tail
    assert lead_shifts([0], [one], [other]) == [0.0]


def test_a_rival_within_reach_in_either_build_counts():
    one = logits({0: 15.0, 1: 14.5, 2: 15.0 - REACH - 0.5})
    other = logits({0: 15.0, 1: 14.5, 2: 15.0 - REACH + 0.5})  # out of reach in one build, within it in the other
    assert lead_shifts([0], [one], [other]) == pytest.approx([1.0])


def test_the_distance_passes_within_the_tolerance_and_fails_beyond_it():
    assert judge_distance("arm64 / x86", [0.1, TOLERANCE - 0.01])[0]
    ok, how = judge_distance("arm64 / x86", [0.1, TOLERANCE + 0.01, 0.2])
    assert not ok and "BEYOND" in how and "step 1" in how
    assert not judge_distance("arm64 / x86", [])[0]
