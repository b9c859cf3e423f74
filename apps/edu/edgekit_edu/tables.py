"""The school's tables: classes, pupils, assignments, attempts, mastery, tutor exchanges and flags.

A pupil is known by a pseudonymous display name the teacher chooses (a first name, or a nickname) and signs in
with a core account of role "student" (its PIN or picture password is hashed there, with the box's sign-in
throttle); these tables keep no secret. Tables start with the app id, as every app's do.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from edgekit.sdk import now

FLAG_STATUSES = ("open", "seen", "closed")
EXCHANGE_KINDS = ("hint", "template_hint", "safeguarding", "offtopic", "unavailable")


class SchoolClass(SQLModel, table=True):
    __tablename__ = "edu_class"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8, unique=True, index=True)  # what pupils type: short, no look-alike letters
    name: str = Field(max_length=64)
    teacher: str = Field(max_length=64, index=True)  # the teacher's account; an admin may hand the class over
    rule: str = Field(default="3 of 5", max_length=32)  # the mastery rule, as mastery.MasteryRule.parse reads it
    lang: str = Field(default="en", max_length=8)
    created_at: datetime = Field(default_factory=now)


class Pupil(SQLModel, table=True):
    __tablename__ = "edu_pupil"

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="edu_class.id", index=True)
    display_name: str = Field(max_length=40)  # pseudonymous: what the pupil picks from the list
    account: str = Field(max_length=64, unique=True)  # the core account ("edu-k7m2q-03"), role student
    secret_kind: str = Field(default="pin", max_length=16)  # pin | pictures (a PIN whose digits are pictures)
    last_seen_at: datetime | None = None  # for signing a shared phone out after inactivity
    active: bool = True
    created_at: datetime = Field(default_factory=now)


class Assignment(SQLModel, table=True):
    __tablename__ = "edu_assignment"

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="edu_class.id", index=True)
    skill: str = Field(max_length=64)
    pupil_id: int | None = Field(default=None, foreign_key="edu_pupil.id")  # None: the whole class
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=now)


class Attempt(SQLModel, table=True):
    __tablename__ = "edu_attempt"
    # one pupil's attempts at one skill, in order: what checking an answer and the next item read (migration 0002)
    __table_args__ = (Index("ix_edu_attempt_pupil_skill", "pupil_id", "skill", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="edu_pupil.id", index=True)
    skill: str = Field(max_length=64, index=True)
    item_id: str = Field(max_length=96)
    response: str = Field(max_length=200)
    outcome: str = Field(max_length=16)  # checking.Verdict.outcome
    correct: bool
    counted: bool  # False for an unreadable answer: it does not go into mastery
    reviewing: bool = False
    created_at: datetime = Field(default_factory=now)


class Mastery(SQLModel, table=True):
    __tablename__ = "edu_mastery"
    __table_args__ = (UniqueConstraint("pupil_id", "skill"),)

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="edu_pupil.id", index=True)
    skill: str = Field(max_length=64)
    mastered: bool = False
    mastered_at: datetime | None = None
    review_due: datetime | None = None
    review_gap_days: float = 2.0
    since_attempt_id: int = 0  # attempts after this one count (a failed review starts the count again)
    stuck: bool = False
    hints: int = 0
    updated_at: datetime = Field(default_factory=now)


class TutorExchange(SQLModel, table=True):
    __tablename__ = "edu_tutor_exchange"

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int | None = Field(default=None, foreign_key="edu_pupil.id", index=True)
    asked_by: str = Field(max_length=64)
    skill: str = Field(default="", max_length=64)
    item_id: str = Field(default="", max_length=96)
    question: str = Field(max_length=1000)
    answer: str
    kind: str = Field(max_length=16)  # EXCHANGE_KINDS
    model: str = Field(default="", max_length=64)
    lang: str = Field(default="en", max_length=8)
    created_at: datetime = Field(default_factory=now)


class Flag(SQLModel, table=True):
    __tablename__ = "edu_flag"

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int | None = Field(default=None, foreign_key="edu_pupil.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="edu_class.id", index=True)
    exchange_id: int | None = Field(default=None, foreign_key="edu_tutor_exchange.id")
    reason: str = Field(max_length=32)  # safeguarding
    message: str = Field(max_length=1000)
    status: str = Field(default="open", max_length=16, index=True)
    created_at: datetime = Field(default_factory=now)
    updated_by: str = Field(default="", max_length=64)
