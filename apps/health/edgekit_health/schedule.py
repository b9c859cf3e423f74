"""Dates of a pregnancy: expected date of delivery, gestational age, and the WHO 2016 antenatal contacts.

WHO recommendations on antenatal care for a positive pregnancy experience (2016) set eight contacts, at 12, 20,
26, 30, 34, 36, 38 and 40 weeks of gestation. After the birth, WHO's postnatal recommendations (2022) set four
contacts: within 24 hours, on day 3, between days 7 and 14, and at six weeks.

A visit counts for the contact whose window holds the day it happened. Windows share their edges, so every day of
a pregnancy belongs to exactly one contact: from a week after the previous contact to a week after this one.
A contact is then `done` (a visit in its window), `missed` (its window closed with no visit), `overdue` (its
date has passed but its window is still open), `due` (its date is within the coming week) or `upcoming`.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from edgekit.sdk import EdgekitError

ANC_WEEKS = (12, 20, 26, 30, 34, 36, 38, 40)
PREGNANCY_DAYS = 280  # 40 weeks from the first day of the last menstrual period
GRACE_DAYS = 7  # a visit up to a week after a contact's date still counts for it
DUE_AHEAD_DAYS = 7  # a contact within the coming week is shown as due
POST_TERM_DAYS = 42 * 7  # still pregnant at 42 weeks: the pregnancy is past term, refer
MAX_PREGNANCY_DAYS = 45 * 7  # an LMP further back than this is a typing error
SCHEDULE_SPAN_DAYS = PREGNANCY_DAYS + 8 * 7 + 7 * 7  # an EDD, the postnatal contacts and a margin: all on the calendar

# (label, day after the birth it is due, last day of its window)
PNC_CONTACTS = (("within 24 hours", 0, 1), ("day 3", 3, 6), ("days 7-14", 7, 14), ("week 6", 42, 56))


class BadDate(EdgekitError):
    code = "bad_date"
    http_status = 422

    def __init__(self, message: str, accepted: tuple[date, date] | None = None):
        super().__init__(message)
        self.accepted = accepted  # the first and last day that would have been taken, for the form to show


def naegele(lmp: date) -> date:
    """Naegele's rule: the first day of the last period, plus one year, minus three months, plus seven days.
    It lands within a day of LMP + 280 days (leap years and month lengths make the difference)."""
    later = lmp + timedelta(days=7)
    year, month = later.year + 1, later.month - 3
    if month < 1:
        year, month = year - 1, month + 12
    day = min(later.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def lmp_from_edd(edd: date) -> date:
    """The dating anchor when only the expected date of delivery is known (from an ultrasound or a card)."""
    return edd - timedelta(days=PREGNANCY_DAYS)


def accepted_range(kind: str, today: date) -> tuple[date, date]:
    """The first and last LMP (or EDD) of a pregnancy that can be under way today: from 45 weeks ago to today for
    the LMP, 280 days later for the EDD. Clipped to the calendar, so it never overflows itself."""
    first_lmp = _shift(today, -MAX_PREGNANCY_DAYS) or date.min
    if kind == "LMP":
        return first_lmp, today
    return _shift(first_lmp, PREGNANCY_DAYS) or date.max, _shift(today, PREGNANCY_DAYS) or date.max


def pregnancy_dates(*, lmp: date | None = None, edd: date | None = None, today: date) -> tuple[date, date]:
    """(lmp, edd) from whichever was given, checked against today: a date in the future or a pregnancy longer
    than 45 weeks is a typing error, and a wrong date would put every visit on the wrong day. The date is checked
    before any arithmetic on it: 9999-12-31 plus nine months is off the calendar (OverflowError, once a 500)."""
    if lmp is None and edd is None:
        raise BadDate("Give the first day of the last menstrual period (LMP) or the expected date of delivery (EDD).")
    if lmp is not None and edd is not None:
        raise BadDate("Give the LMP or the EDD, not both: the other is worked out from it.")
    if _shift(today, SCHEDULE_SPAN_DAYS) is None or _shift(today, -MAX_PREGNANCY_DAYS) is None:
        days = (date.min + timedelta(days=MAX_PREGNANCY_DAYS), date.max - timedelta(days=SCHEDULE_SPAN_DAYS))
        raise BadDate(
            f"Today ({today.isoformat()}) is too near the end of the calendar to plan a pregnancy: a day from "
            f"{days[0].isoformat()} to {days[1].isoformat()} is accepted.",
            days,
        )
    kind, given = ("LMP", lmp) if lmp is not None else ("EDD", edd)
    first, last = accepted_range(kind, today)
    accepted = f"An {kind} from {first.isoformat()} to {last.isoformat()} is accepted."
    if given > last:
        raise BadDate(
            f"The {kind} {given.isoformat()} puts the last menstrual period after today ({today.isoformat()}). "
            f"{accepted}",
            (first, last),
        )
    if given < first:
        raise BadDate(
            f"The {kind} {given.isoformat()} would make the pregnancy longer than 45 weeks today: check the date. "
            f"{accepted}",
            (first, last),
        )
    if lmp is not None:
        return lmp, naegele(lmp)
    return lmp_from_edd(edd), edd


def _shift(day: date, days: int) -> date | None:
    """`day` moved by `days`, or None when that falls off the calendar (before year 1 or after 9999)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


@dataclass(frozen=True)
class GestationalAge:
    days: int

    @property
    def weeks(self) -> int:
        return self.days // 7

    def __str__(self) -> str:
        return f"{self.weeks}w{self.days % 7}d"


def gestational_age(lmp: date, on: date) -> GestationalAge:
    return GestationalAge((on - lmp).days)


@dataclass(frozen=True)
class Contact:
    number: int
    label: str  # "12 weeks", "day 3"
    due: date
    window_start: date  # first day a visit counts for this contact
    window_end: date  # last day a visit counts for this contact
    status: str  # done | missed | overdue | due | upcoming
    visit_date: date | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("due", "window_start", "window_end", "visit_date"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def _status(due: date, start: date, end: date, visits: list[date], today: date) -> tuple[str, date | None]:
    seen = [day for day in visits if start <= day <= end]
    if seen:
        return "done", seen[0]
    if today > end:
        return "missed", None
    if today > due:
        return "overdue", None
    if today >= due - timedelta(days=DUE_AHEAD_DAYS):
        return "due", None
    return "upcoming", None


def antenatal_contacts(lmp: date, visits: list[date], today: date) -> list[Contact]:
    contacts = []
    previous_end = lmp - timedelta(days=1)
    for number, week in enumerate(ANC_WEEKS, start=1):
        due = lmp + timedelta(weeks=week)
        start, end = previous_end + timedelta(days=1), due + timedelta(days=GRACE_DAYS)
        status, seen = _status(due, start, end, sorted(visits), today)
        contacts.append(Contact(number, f"{week} weeks", due, start, end, status, seen))
        previous_end = end
    return contacts


def postnatal_contacts(birth: date, visits: list[date], today: date) -> list[Contact]:
    """Windows follow on from each other, as the antenatal ones do: a visit on day 2 counts for the day-3
    contact, one on day 20 for the six-week contact."""
    contacts = []
    previous_end = birth
    for number, (label, due_day, last_day) in enumerate(PNC_CONTACTS, start=1):
        due, end = birth + timedelta(days=due_day), birth + timedelta(days=last_day)
        start = previous_end + timedelta(days=1) if number > 1 else birth
        previous_end = end
        status, seen = _status(due, start, end, sorted(visits), today)
        contacts.append(Contact(number, label, due, start, end, status, seen))
    return contacts


def next_contact(contacts: list[Contact]) -> Contact | None:
    """The contact a health worker should plan for: the first one overdue, due or upcoming."""
    return next((c for c in contacts if c.status in ("overdue", "due", "upcoming")), None)


def needs_visit(contacts: list[Contact]) -> str | None:
    """`overdue` when the latest contact whose date has passed was not made (missed or overdue: she has not been
    seen when she should have been), `due` when one falls within the coming week, else None."""
    passed = [c for c in contacts if c.status in ("done", "missed", "overdue")]
    if passed and passed[-1].status in ("missed", "overdue"):
        return "overdue"
    if any(c.status == "due" for c in contacts):
        return "due"
    return None
