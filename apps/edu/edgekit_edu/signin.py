"""Pupils signing in on a shared phone: the class code, then their own name from a list, then a short PIN or a
picture password (checked by the box's sign-in, with its throttle on guessing). A phone left idle signs out."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from edgekit.sdk import NotFound
from edgekit_edu.school import pupils_of
from edgekit_edu.tables import Pupil, SchoolClass

IDLE = timedelta(minutes=10)  # a lesson's pause, not a break: the next child on the phone starts signed out


def class_for_code(session: Session, code: str) -> SchoolClass:
    """The class a pupil's code opens (anyone holding the code sees the pupils' chosen names, nothing more)."""
    found = session.exec(select(SchoolClass).where(SchoolClass.code == (code or "").strip().upper())).first()
    if found is None:
        raise NotFound("No class has that code. Check the code with your teacher.", code="unknown_class")
    return found


def pupil_in_class(session: Session, school_class: SchoolClass, pupil_id: int) -> Pupil:
    for pupil in pupils_of(session, school_class):
        if pupil.id == pupil_id:
            return pupil
    raise NotFound("That name is not in this class.", code="unknown_pupil")


def is_idle(pupil: Pupil, now) -> bool:
    seen = pupil.last_seen_at
    return seen is not None and now.replace(tzinfo=None) - seen.replace(tzinfo=None) > IDLE


TOUCH_EVERY = timedelta(seconds=60)  # a write (and an fsync) per minute of activity, not per answer


def touch(session: Session, pupil: Pupil, now) -> bool:
    """Note that the pupil is active; True when that needed a write."""
    seen = pupil.last_seen_at
    if seen is not None and now.replace(tzinfo=None) - seen.replace(tzinfo=None) < TOUCH_EVERY:
        return False
    pupil.last_seen_at = now
    session.add(pupil)
    return True
