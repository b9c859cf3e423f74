"""What the health API answers, as typed models: the OpenAPI schema shows each shape, and a record the registry
builds wrongly fails here, on the box, rather than in a phone's script. Dates travel as ISO text."""

from __future__ import annotations

from pydantic import BaseModel


class SignOut(BaseModel):
    code: str
    label: str
    evidence: str


class TriageOut(BaseModel):
    level: str  # emergency | urgent | routine
    signs: list[SignOut]
    refer: bool
    advice: str
    sources: list[str]


class ContactOut(BaseModel):
    number: int
    label: str
    due: str
    window_start: str
    window_end: str
    status: str  # done | missed | overdue | due | upcoming
    visit_date: str | None


class VisitOut(BaseModel):
    id: int
    visit_date: str
    gestational_age: str | None
    systolic: int | None  # the blood pressure as measured, each number on its own
    diastolic: int | None
    blood_pressure: str | None  # "120/80", for people to read
    weight_kg: float | None
    temperature_c: float | None
    signs: str
    sign_codes: list[str]
    level: str
    notes: str
    recorded_by: str


class ReferralOut(BaseModel):
    id: int
    woman_code: str
    visit_id: int | None
    level: str
    reason: str
    status: str
    facility: str | None
    created_at: str
    updated_at: str
    updated_by: str


class SignLabel(BaseModel):
    code: str
    label: str


class ReceivedReferralOut(BaseModel):
    """A referral another facility sent here: the card code, signs and date; never a name or a phone number."""

    id: int
    from_facility: str
    woman_code: str
    level: str
    signs: list[SignLabel]
    referred_on: str
    status: str
    reason: str | None = None


class WomanSummary(BaseModel):
    """A line of the list or the due list."""

    code: str
    village: str
    phone: str | None
    health_worker: str
    status: str
    edd: str
    gestational_age: str | None
    next_contact: str | None
    next_due: str | None
    needs_visit: str | None  # overdue | due | None
    post_term: bool
    open_referrals: int


class WomanRecord(WomanSummary):
    """One woman's whole record."""

    lmp: str
    delivered_on: str | None
    schedule: list[ContactOut]
    schedule_kind: str  # antenatal | postnatal
    visits: list[VisitOut]
    referrals: list[ReferralOut]


class VisitResult(BaseModel):
    """A visit just recorded: the visit, its triage, the referral it opened, and her record as it now is."""

    visit: VisitOut
    triage: TriageOut | None
    referral: ReferralOut | None
    woman: WomanRecord
