"""rules.toml: complete in three languages, sourced, and checked as it loads."""

from importlib.resources import files

import pytest
from edgekit_health.triage.rules import LANGUAGES, RulesError, load_rules, parse_rules

RULES = load_rules()


def test_every_rule_is_sourced_and_speaks_three_languages():
    assert len(RULES.rules) >= 40
    for rule in RULES.rules.values():
        assert "WHO" in rule.source
        assert set(rule.label) == set(rule.advice) == set(LANGUAGES)
    with_patterns = [rule for rule in RULES.rules.values() if rule.patterns]
    assert len(with_patterns) >= 35


def test_the_danger_signs_the_task_names_are_there():
    emergency = {code for code, rule in RULES.rules.items() if rule.level == "emergency"}
    urgent = {code for code, rule in RULES.rules.items() if rule.level == "urgent"}
    assert {"vaginal_bleeding", "convulsions", "severe_headache", "blurred_vision", "dangerous_fever",
            "severe_abdominal_pain", "breathing_difficulty", "unconscious", "newborn_not_feeding",
            "chest_indrawing", "newborn_hypothermia", "newborn_fever", "newborn_no_movement", "newborn_jaundice",
            "cord_problem", "blood_pressure_severe"} <= emergency  # fmt: skip
    assert {"fetal_movement_reduced", "swelling", "fever", "waters_broken", "foul_discharge", "urinary_burning",
            "blood_pressure_high"} <= urgent  # fmt: skip


RULE = """
[[rule]]
code = "x_sign"
level = "urgent"
applies_to = "woman"
source = "WHO PCPNC 2015, B2"
label = {en = "X", sw = "X", fr = "X"}
advice = {en = "A", sw = "A", fr = "A"}
patterns.en = ["xylophone"]
"""


def _toml_with(rule: str) -> str:
    return files("edgekit_health.triage").joinpath("rules.toml").read_text(encoding="utf-8") + "\n" + rule


def test_a_well_formed_rule_loads():
    assert "x_sign" in parse_rules(_toml_with(RULE)).rules


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('level = "urgent"', 'level = "soon"'), "level"),
        (('source = "WHO PCPNC 2015, B2"', 'source = "a blog"'), "WHO"),
        (('sw = "X", ', ""), "label is missing in sw"),
        (('["xylophone"]', '["xylo .."]'), "must start and end with a word"),
        (('patterns.en = ["xylophone"]', 'requires = [["no_such_sign"]]'), "unknown codes"),
        (('patterns.en = ["xylophone"]', ""), "can ever find it"),
        (('code = "x_sign"', 'code = "fever"'), "defined twice"),
        (('level = "urgent"', 'level = "routine"'), "context for a combination"),
        (('patterns.en = ["xylophone"]', 'patterns.en = ["xylophone"]\nfirst_day = true'), "first_day only qualify"),
    ],
)
def test_a_broken_rule_is_refused_with_its_reason(change, message):
    with pytest.raises(RulesError, match=message):
        parse_rules(_toml_with(RULE.replace(*change)))


def test_a_broken_file_is_refused():
    with pytest.raises(RulesError):
        parse_rules("[[rule]\n")
