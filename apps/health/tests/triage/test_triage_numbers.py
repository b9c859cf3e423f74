"""Measurements in notes and beside them: blood pressure, temperature, breathing rate, weeks of pregnancy."""

import pytest
from edgekit_health.triage import triage
from edgekit_health.triage.numbers import blood_pressures, breathing_rates, gestation_weeks, temperatures


def readings(text):
    return [(bp.systolic, bp.diastolic) for bp in blood_pressures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("160/110", [(160, 110)]),
        ("BP 150 over 100", [(150, 100)]),
        ("shinikizo la damu 150/95", [(150, 95)]),
        ("presha yake ni 170/115", [(170, 115)]),
        ("TA 16/11", [(160, 110)]),  # cmHg, as written in French-speaking Africa
        ("TA 14/9", [(140, 90)]),
        ("tension 12,5/8", [(125, 80)]),
        ("BP 14/9 cmHg", [(140, 90)]),
        ("pression arterielle 150 sur 95", [(150, 95)]),
        ("diastolic 112", [(None, 112)]),
    ],
)
def test_blood_pressure_is_read_however_it_is_written(text, expected):
    assert readings(text) == expected


@pytest.mark.parametrize("text", ["seen on 16/11", "3 kwa siku", "gave 2 over 3 days", "G2P1", "BP normal"])
def test_numbers_that_are_not_blood_pressure_are_left_alone(text):
    assert readings(text) == []


@pytest.mark.parametrize(
    ("text", "celsius"),
    [("38,5°C", 38.5), ("101 F", 38.3), ("temp 39", 39.0), ("joto nyuzi 38.6", 38.6), ("Température 38,5", 38.5)],
)
def test_temperature_is_read_in_celsius(text, celsius):
    assert [t.celsius for t in temperatures(text)] == [celsius]


@pytest.mark.parametrize("text", ["she is 38 weeks", "38 ans", "39 kg", "BP 150/95", "born 38 hours ago"])
def test_numbers_that_are_not_temperature_are_left_alone(text):
    assert temperatures(text) == []


def test_breathing_rates():
    assert [r.per_minute for r in breathing_rates("Newborn is breathing 65 breaths a minute")] == [65]
    assert [r.per_minute for r in breathing_rates("Mtoto anapumua mara 66 kwa dakika")] == [66]
    assert [r.per_minute for r in breathing_rates("FR 64/min")] == [64]
    assert breathing_rates("pulse 120, 65 kg") == []


def test_weeks_of_pregnancy():
    assert gestation_weeks("she is 32 weeks") == 32
    assert gestation_weeks("mimba ya miezi saba") == pytest.approx(7 * 52 / 12)
    assert gestation_weeks("grossesse de 8 mois") == pytest.approx(8 * 52 / 12)
    assert gestation_weeks("baby 3 months old") is None
    assert gestation_weeks("for two weeks") is None


@pytest.mark.parametrize(
    ("systolic", "diastolic", "level"),
    [(139, 89, "routine"), (140, 80, "urgent"), (120, 90, "urgent"), (159, 109, "urgent"), (160, 90, "emergency"),
     (130, 110, "emergency")],
)  # fmt: skip
def test_blood_pressure_thresholds(systolic, diastolic, level):
    assert triage(f"BP {systolic}/{diastolic}").level == level
    assert triage("", systolic=systolic, diastolic=diastolic).level == level


def test_measurements_beside_the_note_count_like_those_in_it():
    result = triage("", systolic=162, diastolic=100)
    assert result.level == "emergency" and result.signs[0].evidence == "BP 162/100"
    assert triage("routine visit", temperature_c=38.0).level == "urgent"
    assert triage("routine visit", temperature_c=37.9).level == "routine"
    assert triage("", systolic=150).level == "urgent"


def test_a_cmhg_reading_is_quoted_as_written():
    (sign,) = triage("TA 16/11").signs
    assert sign.code == "blood_pressure_severe" and sign.evidence == "BP 160/110 (16/11)"


def test_fever_with_a_danger_sign_is_an_emergency():
    assert triage("Temperature 38.5, no other problem").level == "urgent"
    assert triage("Temperature 38.5 and too weak to stand").level == "emergency"
    assert triage("too weak to get up", temperature_c=38.6).level == "emergency"


def test_newborn_temperature_and_breathing_thresholds():
    assert triage("baby temp 37.5").level == "emergency"
    assert triage("baby temp 37.2").level == "routine"
    assert triage("baby temperature 35.4").level == "emergency"
    assert triage("the baby", temperature_c=35.1).signs[0].code == "newborn_hypothermia"
    assert triage("baby breathing 60 per minute").level == "emergency"
    assert triage("baby breathing 59 per minute").level == "routine"


def test_labour_before_37_weeks_is_an_emergency_after_it_urgent():
    assert triage("contractions since morning, 36 weeks").level == "emergency"
    assert triage("contractions since morning, 38 weeks").level == "urgent"
    assert triage("Maji yamevunjika, mimba ya miezi sita").level == "emergency"
