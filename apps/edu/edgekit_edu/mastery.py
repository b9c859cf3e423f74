"""Mastery of a skill by the rule the teacher picks, and when a mastered skill comes back for review.

Rules (as in Kolibri): "m_of_n" = M of the last N attempts correct (e.g. 3 of 5); "streak" = N correct in a row.
Review is spaced: a mastered skill is due again after 2 days, then 7, then 21, ... (each passed review triples the
gap); a review answered wrong sends the skill back to practice, since mastery that does not last is not mastery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_REVIEW = timedelta(days=2)
REVIEW_GROWTH = 3


class RuleError(ValueError):
    """A mastery rule a teacher could not have meant (3 of 2, 0 in a row)."""


@dataclass(frozen=True)
class MasteryRule:
    kind: str = "m_of_n"  # m_of_n | streak
    m: int = 3
    n: int = 5

    def __post_init__(self) -> None:
        if self.kind not in ("m_of_n", "streak"):
            raise RuleError(f"unknown mastery rule {self.kind!r}: use m_of_n or streak")
        if not (1 <= self.n <= 50) or (self.kind == "m_of_n" and not 1 <= self.m <= self.n):
            raise RuleError("a mastery rule needs 1 <= M <= N <= 50")

    @classmethod
    def parse(cls, text: str) -> MasteryRule:
        """'3/5' or '3 of 5' -> M of N; '10' or '10 in a row' -> a streak."""
        words = text.replace("/", " of ").split()
        try:
            if "of" in words:
                return cls("m_of_n", int(words[0]), int(words[words.index("of") + 1]))
            return cls("streak", int(words[0]), int(words[0]))
        except (ValueError, IndexError):
            raise RuleError(f"cannot read the mastery rule {text!r}: write '3 of 5' or '10 in a row'") from None

    def __str__(self) -> str:
        return f"{self.m} of {self.n}" if self.kind == "m_of_n" else f"{self.n} in a row"

    def is_met(self, results: Sequence[bool]) -> bool:
        """`results`: whether each counted attempt was right, oldest first."""
        if self.kind == "streak":
            return len(results) >= self.n and all(results[-self.n :])
        return sum(results[-self.n :]) >= self.m

    def progress(self, results: Sequence[bool]) -> tuple[int, int]:
        """How far along: (done, needed), for a progress bar."""
        if self.kind == "streak":
            streak = 0
            for right in reversed(results):
                if not right:
                    break
                streak += 1
            return min(streak, self.n), self.n
        return min(sum(results[-self.n :]), self.m), self.m


@dataclass(frozen=True)
class SkillState:
    mastered: bool
    mastered_at: datetime | None
    review_due: datetime | None
    review_gap: timedelta
    stuck: bool  # many wrong in a row: the teacher should look


STUCK_WRONG_IN_A_ROW = 4


def after_attempt(
    rule: MasteryRule, results: Sequence[bool], state: SkillState | None, now: datetime, reviewing: bool = False
) -> SkillState:
    """The skill's state once the latest attempt (the last of `results`) is known."""
    wrong_run = 0
    for right in reversed(results):
        if right:
            break
        wrong_run += 1
    stuck = wrong_run >= STUCK_WRONG_IN_A_ROW
    if state and state.mastered:
        if not reviewing:
            return SkillState(True, state.mastered_at, state.review_due, state.review_gap, stuck)
        if results and results[-1]:  # a passed review: the next one comes later
            gap = state.review_gap * REVIEW_GROWTH
            return SkillState(True, state.mastered_at, now + gap, gap, stuck)
        return SkillState(False, None, None, FIRST_REVIEW, stuck)  # forgotten: practise again
    if rule.is_met(results):
        return SkillState(True, now, now + FIRST_REVIEW, FIRST_REVIEW, stuck)
    return SkillState(False, None, None, FIRST_REVIEW, stuck)


def review_is_due(state: SkillState | None, now: datetime) -> bool:
    return bool(state and state.mastered and state.review_due and state.review_due <= now)
