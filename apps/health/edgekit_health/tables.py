"""The registry's tables: the women a health worker visits, their visits, and the referrals made.

No names are kept: a woman is known by a pseudonymous code written on her own card, her village, and (if she
wants reminders) a phone number. Tables start with the app id, as every app's do.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from edgekit.sdk import now

REFERRAL_STATUSES = ("referred", "arrived", "treated", "not_reached", "closed")
OPEN_REFERRAL_STATUSES = ("referred", "not_reached")
WOMAN_STATUSES = ("pregnant", "delivered", "closed")


class Woman(SQLModel, table=True):
    __tablename__ = "health_woman"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)  # pseudonymous: what her card says
    village: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    lmp: date  # first day of the last menstrual period, the anchor of every antenatal date
    edd: date  # expected date of delivery
    status: str = Field(default="pregnant", max_length=16)
    delivered_on: date | None = None
    health_worker: str = Field(max_length=64, index=True)  # the account that visits her
    created_at: datetime = Field(default_factory=now)
    created_by: str = Field(max_length=64)


class Visit(SQLModel, table=True):
    __tablename__ = "health_visit"

    id: int | None = Field(default=None, primary_key=True)
    woman_id: int = Field(foreign_key="health_woman.id", index=True)
    visit_date: date
    gestational_days: int | None = None  # None for a visit after the birth
    systolic: int | None = None
    diastolic: int | None = None
    weight_kg: float | None = None
    temperature_c: float | None = None
    signs: str = ""  # what was found, in the health worker's words
    sign_codes: str = ""  # the danger signs triage found, comma-separated codes
    level: str = Field(default="routine", max_length=16)  # routine | urgent | emergency
    notes: str = ""
    recorded_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=now)


class Referral(SQLModel, table=True):
    __tablename__ = "health_referral"

    id: int | None = Field(default=None, primary_key=True)
    woman_id: int = Field(foreign_key="health_woman.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="health_visit.id")
    level: str = Field(max_length=16)
    reason: str
    status: str = Field(default="referred", max_length=16, index=True)
    facility: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    updated_by: str = Field(max_length=64)
