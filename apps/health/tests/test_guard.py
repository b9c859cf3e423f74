"""Triage as the app's guard, through the real grounded pipeline (real documents, embedding and chat models):
an emergency answer opens with the referral instruction, whatever the model or the documents say after it."""

from __future__ import annotations

import edgekit_health as app
import pytest
from edgekit_health.triage import referral_text

from edgekit.grounded import answer_question


@pytest.mark.parametrize(
    "question, lang",
    [
        ("She is bleeding heavily after the birth, what do I do?", "en"),
        ("Mama ana degedege na maumivu makali ya kichwa", "sw"),
        ("Elle saigne beaucoup et elle a des convulsions", "fr"),
    ],
)
def test_an_emergency_answer_begins_with_the_referral_in_the_askers_language(health_kit, question, lang):
    pieces: list[str] = []
    result = answer_question(health_kit, "health", question, lang=lang, on_text=pieces.append, record=False)
    assert result.answer.startswith(referral_text("emergency", lang))
    assert "".join(pieces).startswith(referral_text("emergency", lang)), "the phone sees it first, too"
    assert result.guard["triage"]["level"] == "emergency" and result.guard["triage"]["refer"]
    assert result.model != "guard", "the grounded answer follows the referral"
    assert len(result.answer) > len(result.guard["triage"]["advice"]) + 20


def test_a_routine_question_is_answered_from_the_documents_without_a_referral(health_kit):
    result = answer_question(
        health_kit, "health", "When should a pregnant woman come for her antenatal visits?", lang="en", record=False
    )
    assert result.guard is None and result.citations
    assert not result.answer.startswith(referral_text("emergency", "en"))


def test_the_guard_answers_only_for_its_own_app():
    assert app.before_answer(question="She is bleeding heavily", ctx={"app": "agri", "lang": "en"}) is None
