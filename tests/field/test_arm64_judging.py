"""The arm64 proof's token comparison (tests/field/arm64_qemu.py): a divergence passes only at a near-tie of x86's
logits where arm64 took x86's second choice, and the teacher-forced steps only within the tolerance."""

from tests.field.arm64_qemu import TOLERANCE, judge_forced, judge_free_run


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
    far = {
        "tokens": [10, 11, 12],
        "steps": [step(10, 15.0, 20, 13.0), step(21, 16.0, 11, 15.0, 15.0), step(12, 16.0, 22, 12.0)],
    }
    ok, how = judge_forced(X86, far)
    assert not ok and "step 1" in how and TOLERANCE < 1.0


def test_teacher_forced_must_have_been_fed_x86s_tokens():
    assert not judge_forced(X86, {"tokens": [10, 11, 13], "steps": X86["steps"]})[0]
