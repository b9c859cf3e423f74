"""The hand-written cases (cases.toml): no emergency may be missed, no case under-triaged, and the levels and signs
must agree with a midwife's reading almost always. `python -m edgekit_health.triage.evaluate` prints the same."""

from collections import Counter
from pathlib import Path

import pytest
from edgekit_health.triage.evaluate import figures, load_cases, main, run_case

CASES_FILE = Path(__file__).with_name("cases.toml")
CASES = load_cases(CASES_FILE)
EMERGENCIES = [case for case in CASES if case.level == "emergency"]


def _id(case) -> str:
    return case.text[:40]


def test_there_are_enough_cases_in_each_language():
    per_language = Counter(case.lang for case in CASES)
    assert len(CASES) >= 80
    assert per_language["en"] >= 30 and per_language["sw"] >= 30 and per_language["fr"] >= 30
    assert per_language["mixed"] >= 1
    assert {case.level for case in CASES} == {"routine", "urgent", "emergency"}


@pytest.mark.parametrize("case", EMERGENCIES, ids=_id)
def test_every_emergency_is_found_as_emergency(case):
    outcome = run_case(case)
    assert outcome.level == "emergency", f"{case.text!r} gave {outcome.level} with {sorted(outcome.signs)}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_case_is_under_triaged(case):
    outcome = run_case(case)
    assert not outcome.under, f"{case.text!r}: expected {case.level}, got {outcome.level}"


@pytest.mark.parametrize("case", EMERGENCIES, ids=_id)
def test_the_expected_emergency_signs_are_named(case):
    found = run_case(case).signs
    assert case.signs <= found, f"{case.text!r}: missing {sorted(case.signs - found)}"


def test_overall_figures():
    f = figures([run_case(case) for case in CASES])
    assert f["emergency_recall"] == 1.0
    assert f["urgent_recall"] == 1.0
    assert f["under_triaged"] == 0
    assert f["level_accuracy"] >= 0.95
    assert f["sign_accuracy"] >= 0.95
    assert f["over_triage_rate"] <= 0.05


def test_evaluate_prints_the_figures(capsys):
    assert main(["--cases", str(CASES_FILE)]) == 0
    out = capsys.readouterr().out
    for name in ("cases", "emergency recall", "urgent recall", "level accuracy", "over-triage rate"):
        assert name in out
    assert "en " in out and "sw " in out and "fr " in out


def test_evaluate_says_where_the_cases_are_missing(tmp_path, capsys):
    assert main(["--cases", str(tmp_path / "none.toml")]) == 2
    assert "--cases" in capsys.readouterr().err
