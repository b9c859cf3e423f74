"""What a teacher sees of a class: the mastery grid (pupils by skills), who is stuck, what each pupil asked the
tutor, the flags, and the same as CSV. Read only; every function takes a class the caller may already see."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import Session, select

from edgekit_edu.school import class_skills, pupils_of
from edgekit_edu.tables import Attempt, Flag, Mastery, Pupil, SchoolClass, TutorExchange

STUCK_HINTS = 5  # many hints on one skill without mastering it: the teacher should look


@dataclass(frozen=True)
class Cell:
    state: str  # mastered | review | practising | stuck | not_started
    right: int
    tried: int


def grid(session: Session, school_class: SchoolClass, now) -> tuple[list[Pupil], list[str], dict]:
    """(pupils, skills, {(pupil id, skill): Cell})."""
    pupils = pupils_of(session, school_class)
    skills = class_skills(session, school_class)
    ids = [p.id for p in pupils]
    cells: dict[tuple[int, str], Cell] = {}
    if not ids:
        return pupils, skills, cells
    counts: dict[tuple[int, str], list[int]] = {}
    for attempt in session.exec(select(Attempt).where(Attempt.pupil_id.in_(ids), Attempt.counted == True)):  # noqa: E712
        tally = counts.setdefault((attempt.pupil_id, attempt.skill), [0, 0])
        tally[0] += attempt.correct
        tally[1] += 1
    rows = {(m.pupil_id, m.skill): m for m in session.exec(select(Mastery).where(Mastery.pupil_id.in_(ids)))}
    for pupil in pupils:
        for skill in {*skills, *(s for (p, s) in counts if p == pupil.id)}:
            right, tried = counts.get((pupil.id, skill), [0, 0])
            row = rows.get((pupil.id, skill))
            cells[(pupil.id, skill)] = Cell(_state(row, tried, now), right, tried)
    return pupils, skills, cells


def _state(row: Mastery | None, tried: int, now) -> str:
    if row is None or tried == 0:
        return "not_started"
    if row.mastered:
        due = row.review_due
        return "review" if due is not None and due.replace(tzinfo=None) <= now.replace(tzinfo=None) else "mastered"
    if row.stuck or row.hints >= STUCK_HINTS:
        return "stuck"
    return "practising"


def stuck(session: Session, school_class: SchoolClass) -> list[tuple[Pupil, Mastery]]:
    pupils = {p.id: p for p in pupils_of(session, school_class)}
    if not pupils:
        return []
    rows = session.exec(select(Mastery).where(Mastery.pupil_id.in_(list(pupils)), Mastery.mastered == False))  # noqa: E712
    return [(pupils[r.pupil_id], r) for r in rows if r.stuck or r.hints >= STUCK_HINTS]


def exchanges(session: Session, school_class: SchoolClass, limit: int = 200) -> list[tuple[Pupil, TutorExchange]]:
    pupils = {p.id: p for p in pupils_of(session, school_class)}
    if not pupils:
        return []
    rows = session.exec(
        select(TutorExchange)
        .where(TutorExchange.pupil_id.in_(list(pupils)))
        .order_by(TutorExchange.id.desc())
        .limit(limit)
    )
    return [(pupils[r.pupil_id], r) for r in rows]


def flags(session: Session, school_class: SchoolClass) -> list[tuple[Pupil | None, Flag]]:
    rows = session.exec(select(Flag).where(Flag.class_id == school_class.id).order_by(Flag.id.desc()))
    return [(session.get(Pupil, f.pupil_id) if f.pupil_id else None, f) for f in rows]


def pupil_answers(session: Session, pupil: Pupil, limit: int = 200) -> list[Attempt]:
    query = select(Attempt).where(Attempt.pupil_id == pupil.id).order_by(Attempt.id.desc()).limit(limit)
    return list(session.exec(query))


def grid_csv(session: Session, school_class: SchoolClass, now) -> str:
    pupils, skills, cells = grid(session, school_class, now)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["pupil", *skills])
    for pupil in pupils:
        row = [pupil.display_name]
        for skill in skills:
            cell = cells.get((pupil.id, skill))
            row.append(f"{cell.state} {cell.right}/{cell.tried}" if cell else "not_started 0/0")
        writer.writerow([_safe_cell(value) for value in row])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: a pupil's name must never be one."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
