"""Template hints, the fallback for a third of stuck pupils: every item of the bank gets its skill's method (math:
the strategy and a worked similar problem; reading and science: how to find the answer), never the answer and
never the generic "read the question again"."""

from __future__ import annotations

import pytest
from edgekit_edu.hint_methods import READING, SUBJECTS, method
from edgekit_edu.item import Item
from edgekit_edu.item_bank import load_bank
from edgekit_edu.leaks import leaks_answer
from edgekit_edu.science_methods import SCIENCE
from edgekit_edu.tutor import GENERIC, template_hint

BANK = sorted(load_bank().values(), key=lambda item: item.id)


def generic(lang: str) -> str:
    return GENERIC[lang].format(title="")


@pytest.mark.parametrize("item", BANK, ids=lambda item: item.id)
def test_every_bank_item_gets_its_skills_method_and_never_its_answer(item):
    hint = template_hint(item, item.lang, [])
    assert hint and hint != generic(item.lang), item.id
    assert not leaks_answer(hint, item), (item.prompt, item.answer, hint)


def test_a_math_item_from_the_bank_gets_a_worked_similar_problem():
    item = Item(
        id="stuck-1",
        skill="math.operations.divide",
        kind="number",
        lang="sw",
        prompt="Gawanya 500 kwa 12.",
        answer="41",
    )
    hint = template_hint(item, "sw", [])
    assert "Mfano unaofanana" in hint and "41" not in hint
    assert template_hint(item, "sw", []) == hint  # the same item always gets the same example


def test_every_method_is_written_in_each_language():
    for table in (*READING.values(), *SCIENCE.values(), *SUBJECTS.values()):
        assert set(table) == {"en", "sw", "fr"} and len(set(table.values())) == 3
    assert "«Teeth»" in method("science.body.bones", "en", "Teeth")  # a skill without its own method
    assert method("history.kings", "en") == ""


def test_every_science_skill_of_the_bank_has_its_own_method_not_where_to_look():
    skills = {item.skill for item in BANK if item.skill.startswith("science.")}
    assert skills and skills <= set(SCIENCE), sorted(skills - set(SCIENCE))
    for skill in skills:
        for lang in ("en", "sw", "fr"):
            assert method(skill, lang, "Lesson") == SCIENCE[skill][lang]


def test_an_item_of_an_unknown_subject_gets_the_general_hint():
    item = Item(id="x", skill="history.kings", kind="short", lang="fr", prompt="Qui ?", answer="Kabaka")
    assert template_hint(item, "fr", []) == generic("fr")
