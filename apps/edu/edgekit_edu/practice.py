"""A pupil practising a skill: the next item, checking an answer, the attempt recorded and mastery updated.

An item counts on its first readable answer of the day: answering it again (after seeing its worked solution, or
by resending one form) is recorded but does not count, so an item's explanation cannot earn a skill; a data item
may count again on another day, when a skill has few items. A mastered skill whose review is due is practised
as a review.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from edgekit.sdk import BadInput, NotFound, now
from edgekit_edu.checking import Verdict, check
from edgekit_edu.generate import SERVED_SEEDS, TEMPLATES, make_item, parse_generated_id
from edgekit_edu.hub_records import send_mastery
from edgekit_edu.item import Item
from edgekit_edu.item_bank import bank_item, bank_items_for, base_id
from edgekit_edu.mastery import MasteryRule, SkillState, after_attempt, review_is_due
from edgekit_edu.tables import Attempt, Mastery, Pupil, SchoolClass

MAX_RESPONSE = 200
RECOUNT_AFTER = timedelta(days=1)
# One answer is written at a time in this process. SQLite allows one writer anyway; without this lock the others
# wait in its busy handler, which polls with sleeps growing to 100 ms, so a class's answers came back out of turn
# and late. Here they wait in line and each takes the lock the moment the last commit (one fsync) is done.
RECORDING = threading.Lock()


def item_by_id(item_id: str, lang: str) -> Item:
    if generated := parse_generated_id(item_id):
        return make_item(generated[0], generated[1], lang)
    item = bank_item(item_id, lang)
    if item is None:
        raise NotFound(f"No item {item_id!r}.", code="unknown_item")
    return item


def next_item(session: Session, pupil_id: int | None, skill_id: str, lang: str) -> Item:
    """A fresh generated item, or the data item this pupil has least lately answered right."""
    bank = bank_items_for(skill_id, lang)
    if skill_id in TEMPLATES and (not bank or secrets.randbelow(4)):  # mostly fresh numbers, sometimes a word problem
        return make_item(skill_id, secrets.randbelow(SERVED_SEEDS), lang)
    if not bank:
        raise NotFound(f"No items for skill {skill_id!r}.", code="unknown_skill")
    if pupil_id is None:
        return bank[secrets.randbelow(len(bank))]
    done = {}
    for attempt in session.exec(select(Attempt).where(Attempt.pupil_id == pupil_id, Attempt.skill == skill_id)):
        if attempt.correct:
            done[base_id(attempt.item_id)] = attempt.id
    return min(bank, key=lambda item: (done.get(base_id(item.id), 0), secrets.randbelow(1000)))


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    item: Item
    mastered: bool
    just_mastered: bool
    progress: tuple[int, int]
    reviewing: bool
    counted: bool


def _state(row: Mastery | None) -> SkillState | None:
    if row is None:
        return None
    return SkillState(row.mastered, row.mastered_at, row.review_due, timedelta(days=row.review_gap_days), row.stuck)


def mastery_row(session: Session, pupil_id: int, skill_id: str) -> Mastery:
    row = session.exec(select(Mastery).where(Mastery.pupil_id == pupil_id, Mastery.skill == skill_id)).first()
    return row or Mastery(pupil_id=pupil_id, skill=skill_id)


def submit(session: Session, pupil: Pupil, item_id: str, response: str, lang: str) -> Result:
    """Check an answer and record it with the mastery it leads to, in the caller's transaction."""
    response = (response or "").strip()
    if len(response) > MAX_RESPONSE:
        raise BadInput(f"An answer is at most {MAX_RESPONSE} characters.", code="answer_too_long")
    item = item_by_id(item_id, lang)
    verdict = check(item, response)
    row = mastery_row(session, pupil.id, item.skill)
    current = now()
    reviewing = review_is_due(_state(row), current)
    already = session.exec(
        select(Attempt).where(
            Attempt.pupil_id == pupil.id,
            Attempt.item_id == item.id,
            Attempt.counted == True,  # noqa: E712
            Attempt.created_at > current - RECOUNT_AFTER,
        )
    ).first()
    counted = verdict.counts and already is None
    rule = MasteryRule.parse(session.get(SchoolClass, pupil.class_id).rule)
    # Everything is read before the first write: the write lock is then held for the inserts and the commit only.
    results = [
        a.correct
        for a in session.exec(
            select(Attempt)
            .where(
                Attempt.pupil_id == pupil.id,
                Attempt.skill == item.skill,
                Attempt.counted == True,  # noqa: E712
                Attempt.id > row.since_attempt_id,
            )
            .order_by(Attempt.id)
        )
    ]
    if counted:
        results.append(verdict.correct)
    attempt = Attempt(
        pupil_id=pupil.id,
        skill=item.skill,
        item_id=item.id,
        response=response,
        outcome=verdict.outcome,
        correct=verdict.correct,
        counted=counted,
        reviewing=reviewing,
        created_at=current,
    )
    session.add(attempt)
    was_mastered = row.mastered
    if counted:
        state = after_attempt(rule, results, _state(row), current, reviewing=reviewing)
        if was_mastered and not state.mastered:  # a failed review: count again from here
            session.flush()  # the attempt's id
            row.since_attempt_id = attempt.id
        row.mastered, row.mastered_at, row.review_due = state.mastered, state.mastered_at, state.review_due
        row.review_gap_days, row.stuck = state.review_gap.total_seconds() / 86400, state.stuck
        row.updated_at = current
        session.add(row)
        send_mastery(session, pupil, row)
    return Result(
        verdict, item, row.mastered, row.mastered and not was_mastered, rule.progress(results), reviewing, counted
    )
