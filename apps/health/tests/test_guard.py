"""Triage as the app's guard, through the real grounded pipeline (real documents, embedding and chat models):
an emergency answer opens with the referral instruction, whatever the model or the documents say after it."""

from __future__ import annotations

import edgekit_health as app
import pytest
from edgekit_health.triage import referral_text

from edgekit import testing


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
    result = testing.answer(health_kit, "health", question, lang=lang, on_text=pieces.append, record=False)
    assert result.answer.startswith(referral_text("emergency", lang))
    assert "".join(pieces).startswith(referral_text("emergency", lang)), "the phone sees it first, too"
    assert result.guard["triage"]["level"] == "emergency" and result.guard["triage"]["refer"]
    assert result.model != "guard", "the grounded answer follows the referral"
    assert len(result.answer) > len(result.guard["triage"]["advice"]) + 20


def test_a_routine_question_is_answered_from_the_documents_without_a_referral(health_kit):
    result = testing.answer(
        health_kit, "health", "When should a pregnant woman come for her antenatal visits?", lang="en", record=False
    )
    assert result.guard is None and result.citations
    assert not result.answer.startswith(referral_text("emergency", "en"))


def test_the_guard_answers_only_for_its_own_app():
    # The box hands a question to the guard of the app asked only: asked of agri, triage stays out.
    agri = testing.app_context(app, app_id="agri")
    assert testing.guard(testing.app_host(app), agri, "She is bleeding heavily", "en") is None


def test_whatever_fails_after_the_guard_the_referral_stands(health_kit, monkeypatch):
    testing.break_knowledge(monkeypatch, RuntimeError("the index is damaged"))
    result = testing.answer(health_kit, "health", "She is bleeding heavily", lang="en", record=False)
    assert result.answer.startswith(referral_text("emergency", "en")) and result.model == "guard"
    with pytest.raises(RuntimeError):  # without a guard's words there is nothing to stand: the error is reported
        testing.answer(health_kit, "health", "When is the next antenatal visit?", lang="en", record=False)


def _ask_while_busy(kit, monkeypatch, question: str, lang: str):
    import json

    from fastapi.testclient import TestClient

    app_kit = testing.same_box(kit)
    testing.fill_chat_queue(app_kit, monkeypatch)  # every new question is refused its place
    token = kit.accounts.create_token("amina")
    with TestClient(testing.create_app(app_kit)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        asked = client.post("/apps/health/api/ask", json={"question": question, "lang": lang}, headers=headers)
        assert asked.status_code == 200
        events = [block for block in asked.text.split("\n\n") if block]
        assert events[0].startswith("event: token") and referral_text("emergency", lang) in events[0]
        done = json.loads(events[-1].split("data: ", 1)[1])
        routine = client.post("/apps/health/api/ask", json={"question": "When is the next visit?"}, headers=headers)
        assert routine.status_code == 429 and routine.json()["error"]["code"] == "queue_full"
    return done


def test_a_full_queue_does_not_hide_a_referral_from_the_app_api(kit, monkeypatch):
    # English: the chat model writes it, so the rest of the answer needs a model turn the full queue refuses.
    done = _ask_while_busy(kit, monkeypatch, "Baby is not breathing", "en")
    assert done["answer"].startswith(referral_text("emergency", "en")) and "Ask again later" in done["answer"]
    assert done["guard"]["triage"]["level"] == "emergency"


def test_a_question_the_chat_model_cannot_write_takes_no_turn_even_when_the_queue_is_full(kit, monkeypatch):
    # Swahili: the test chat model writes English only, so the answer is the documents' own and needs no turn.
    done = _ask_while_busy(kit, monkeypatch, "Mtoto hapumui", "sw")
    assert done["answer"].startswith(referral_text("emergency", "sw")) and "Uliza tena baadaye" not in done["answer"]
    assert done["guard"]["triage"]["level"] == "emergency"
    # Answered at once from the documents (or told plainly that they hold nothing), never sent away to wait.
    assert done["model"] in ("extractive", "none")
