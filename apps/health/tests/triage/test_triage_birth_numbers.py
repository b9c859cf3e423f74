"""Durations, fetal heart rates, newborn weights and the first day, as health workers write them."""

import pytest
from edgekit_health.triage.birth_numbers import durations, fetal_heart_rates, first_day, newborn_weights


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("in labour for 14 hours", [14]),
        ("now 20hrs", [20]),
        ("ana uchungu kwa saa 15", [15]),
        ("masaa 18 sasa", [18]),
        ("maji yalivunjika siku mbili zilizopita", [48]),
        ("rupture il y a 24h", [24]),
        ("en travail depuis 2 jours", [48]),
        ("baby 2 days old", []),
        ("contractions every 5 min", []),
        ("32 weeks", []),
    ],
)
def test_durations(text, hours):
    assert [reading.value for reading in durations(text)] == hours


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("fetal heart 90 bpm", 90),
        ("FHR: 188", 188),
        ("mapigo ya moyo wa mtoto 190 kwa dakika", 190),
        ("BCF 95/min", 95),
        ("baby's heartbeat 100", 100),
    ],
)
def test_fetal_heart_rates(text, rate):
    assert [reading.value for reading in fetal_heart_rates(text)] == [rate]


@pytest.mark.parametrize("text", ["BP 120/80", "pulse 90", "temp 38", "RR 64"])
def test_other_numbers_are_not_fetal_heart_rates(text):
    assert fetal_heart_rates(text) == []


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("baby weighs 1.4 kg", [1400]),
        ("uzito wa kilo 1.2", [1200]),
        ("poids 1300 g", [1300]),
        ("1,8kg", [1800]),
        ("she weighs 62 kg", []),
        ("she gained 1.5 kg", []),
        ("Hb 9 g/dl", []),
    ],
)
def test_newborn_weights(text, grams):
    assert [reading.value for reading in newborn_weights(text)] == grams


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("born this morning", True),
        ("baby 10 hours old", True),
        ("amezaliwa leo", True),
        ("né ce matin", True),
        ("J1", True),
        ("baby 3 days old", False),
        ("day 5 after delivery", False),
        ("siku ya nne", False),
    ],
)
def test_first_day(text, expected):
    assert first_day(text) is expected
