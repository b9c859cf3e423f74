"""Dates of a pregnancy: Naegele's rule, gestational age, and the WHO 2016 antenatal and 2022 postnatal contacts."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from edgekit_health import schedule
from edgekit_health.schedule import BadDate


@pytest.mark.parametrize(
    "lmp, edd",
    [
        (date(2026, 1, 1), date(2026, 10, 8)),  # the textbook case: +1 year, -3 months, +7 days
        (date(2026, 5, 24), date(2027, 2, 28)),  # May 31 less three months has no 31st: the month's last day
        (date(2027, 5, 25), date(2028, 3, 1)),  # across a leap February: a day after LMP + 280
        (date(2026, 12, 28), date(2027, 10, 4)),  # seven days carry into the next year
        (date(2026, 3, 20), date(2026, 12, 27)),
    ],
)
def test_naegele(lmp, edd):
    assert schedule.naegele(lmp) == edd
    assert abs((edd - lmp).days - schedule.PREGNANCY_DAYS) <= 3


def test_an_edd_given_directly_dates_the_pregnancy_back_280_days():
    lmp, edd = schedule.pregnancy_dates(edd=date(2026, 10, 8), today=date(2026, 6, 1))
    assert (lmp, edd) == (date(2026, 1, 1), date(2026, 10, 8))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({}, "LMP"),
        ({"lmp": date(2026, 1, 1), "edd": date(2026, 10, 8)}, "not both"),
        ({"lmp": date(2026, 7, 1)}, "after today"),
        ({"lmp": date(2025, 6, 1)}, "45 weeks"),
        ({"edd": date(2027, 6, 1)}, "after today"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(kwargs, words):
    with pytest.raises(BadDate) as caught:
        schedule.pregnancy_dates(today=date(2026, 6, 1), **kwargs)
    assert words in caught.value.message and caught.value.code == "bad_date"


def test_gestational_age_in_weeks_and_days():
    age = schedule.gestational_age(date(2026, 1, 1), date(2026, 6, 1))
    assert (age.days, age.weeks, str(age)) == (151, 21, "21w4d")


def test_eight_contacts_at_the_who_weeks_whose_windows_cover_every_day_once():
    lmp = date(2026, 1, 1)
    contacts = schedule.antenatal_contacts(lmp, [], today=lmp)
    assert [c.label for c in contacts] == [f"{w} weeks" for w in (12, 20, 26, 30, 34, 36, 38, 40)]
    assert [c.due for c in contacts] == [lmp + timedelta(weeks=w) for w in schedule.ANC_WEEKS]
    assert contacts[0].window_start == lmp
    for earlier, later in pairwise(contacts):
        assert later.window_start == earlier.window_end + timedelta(days=1)
    assert all(c.window_start <= c.due <= c.window_end for c in contacts)


def test_each_contact_status_on_a_given_day():
    lmp = date(2026, 1, 1)
    visits = [lmp + timedelta(weeks=11), lmp + timedelta(weeks=21)]  # the 12- and 20-week contacts, the 20th late
    today = lmp + timedelta(weeks=30, days=2)
    status = {c.label: c.status for c in schedule.antenatal_contacts(lmp, visits, today)}
    assert status == {
        "12 weeks": "done",
        "20 weeks": "done",
        "26 weeks": "missed",
        "30 weeks": "overdue",
        "34 weeks": "upcoming",
        "36 weeks": "upcoming",
        "38 weeks": "upcoming",
        "40 weeks": "upcoming",
    }
    contacts = schedule.antenatal_contacts(lmp, visits, today)
    assert schedule.next_contact(contacts).label == "30 weeks"
    assert schedule.needs_visit(contacts) == "overdue"


def test_a_contact_within_the_coming_week_is_due():
    lmp = date(2026, 1, 1)
    visits = [lmp + timedelta(weeks=w) for w in (12, 20, 26, 30)]
    contacts = schedule.antenatal_contacts(lmp, visits, today=lmp + timedelta(weeks=33, days=2))
    assert [c.status for c in contacts][4] == "due"
    assert schedule.needs_visit(contacts) == "due"


def test_a_woman_seen_on_time_needs_no_visit_yet():
    lmp = date(2026, 1, 1)
    visits = [lmp + timedelta(weeks=w) for w in (12, 20)]
    contacts = schedule.antenatal_contacts(lmp, visits, today=lmp + timedelta(weeks=22))
    assert schedule.needs_visit(contacts) is None
    assert schedule.next_contact(contacts).label == "26 weeks"


def test_registered_late_with_no_visit_she_is_overdue_for_a_first_contact():
    lmp = date(2026, 1, 1)
    contacts = schedule.antenatal_contacts(lmp, [], today=lmp + timedelta(weeks=16))
    assert contacts[0].status == "missed" and schedule.needs_visit(contacts) == "overdue"


def test_postnatal_contacts_after_the_birth():
    birth = date(2026, 6, 1)
    contacts = schedule.postnatal_contacts(birth, [birth], today=birth + timedelta(days=4))
    assert [c.label for c in contacts] == ["within 24 hours", "day 3", "days 7-14", "week 6"]
    assert [c.status for c in contacts] == ["done", "overdue", "due", "upcoming"]  # day 7 falls within the week
    assert schedule.needs_visit(contacts) == "overdue"


def test_postnatal_windows_follow_on_so_every_day_counts_for_a_contact():
    birth = date(2026, 6, 1)
    contacts = schedule.postnatal_contacts(
        birth, [birth + timedelta(days=2), birth + timedelta(days=20)], birth + timedelta(days=60)
    )
    assert [c.status for c in contacts] == ["missed", "done", "missed", "done"]
    for earlier, later in pairwise(contacts):
        assert later.window_start == earlier.window_end + timedelta(days=1)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"lmp": date.max}, "after today"),
        ({"lmp": date(9999, 12, 25)}, "after today"),
        ({"lmp": date.min}, "45 weeks"),
        ({"edd": date.min}, "45 weeks"),
        ({"edd": date.max}, "after today"),
        ({"edd": date(9999, 1, 1)}, "after today"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_bad_dates_that_name_the_accepted_range(kwargs, words):
    # Naegele's rule or EDD - 280 days would run off the calendar: refuse before any arithmetic on the date.
    with pytest.raises(BadDate) as caught:
        schedule.pregnancy_dates(today=date(2026, 6, 1), **kwargs)
    message = caught.value.message
    assert words in message and caught.value.code == "bad_date"
    kind = "LMP" if "lmp" in kwargs else "EDD"
    first, last = schedule.accepted_range(kind, date(2026, 6, 1))
    assert f"from {first.isoformat()} to {last.isoformat()}" in message and kind in message


def test_the_accepted_range_is_exactly_a_plausible_pregnancy():
    today = date(2026, 6, 1)
    first, last = schedule.accepted_range("LMP", today)
    assert (first, last) == (today - timedelta(weeks=45), today)
    assert schedule.pregnancy_dates(lmp=first, today=today)[0] == first
    assert schedule.pregnancy_dates(lmp=last, today=today)[0] == last
    first_edd, last_edd = schedule.accepted_range("EDD", today)
    assert schedule.pregnancy_dates(edd=first_edd, today=today)[1] == first_edd
    assert schedule.pregnancy_dates(edd=last_edd, today=today)[1] == last_edd
    for outside in ({"lmp": first - timedelta(days=1)}, {"edd": last_edd + timedelta(days=1)}):
        with pytest.raises(BadDate):
            schedule.pregnancy_dates(today=today, **outside)


@pytest.mark.parametrize("today", [date.max, date(9999, 12, 1), date.min])
def test_a_today_at_the_ends_of_the_calendar_is_refused_not_crashed(today):
    # `edgekit health dates --today` takes any day: a schedule that would run past 9999-12-31 is a bad date too.
    with pytest.raises(BadDate):
        lmp, _edd = schedule.pregnancy_dates(lmp=today, today=today)
        schedule.antenatal_contacts(lmp, [], today)
