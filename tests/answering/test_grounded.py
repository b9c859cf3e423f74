"""The grounded pipeline with the real agri app, its real documents, the real embedding and chat models."""

from __future__ import annotations

import pytest

from edgekit.answering import EXTRACTIVE_MODEL, NO_KNOWLEDGE_MODEL, answer_question
from edgekit.kit import Kit
from edgekit.settings import Settings
from tests.conftest import CHAT_MODEL


@pytest.fixture(scope="module")
def agri_kit(installed_models_dir, embed_models_dir, tmp_path_factory):
    from edgekit.knowledge.sync import sync_app_knowledge

    kit = Kit(Settings(home=tmp_path_factory.mktemp("agri-home"), models_dir_override=installed_models_dir, threads=2))
    sync_app_knowledge(kit)
    yield kit
    kit.close()


def test_fall_armyworm_is_answered_from_its_document_with_citations(agri_kit):
    streamed = []
    result = answer_question(
        agri_kit, "agri", "How do I control fall armyworm in my maize?", max_tokens=60, seed=1, on_text=streamed.append
    )
    # The model's answer is shown only when it keeps to the passages; otherwise the passages speak for themselves.
    assert result.model in (CHAT_MODEL, EXTRACTIVE_MODEL)
    assert result.citations and "armyworm" in result.citations[0].title.lower()
    assert result.citations[0].url.startswith("https://") and result.citations[0].source
    assert "".join(streamed).strip() == result.answer and result.answer
    assert all(0 <= c.score <= 1 for c in result.citations)


@pytest.mark.parametrize(
    "question, lang, expected",
    [
        ("Nifanye nini kuhusu viwavijeshi vamizi shambani?", "sw", "fall-armyworm.sw.md"),
        ("Comment lutter contre la chenille légionnaire d'automne ?", "fr", "fall-armyworm.fr.md"),
        ("Comment protéger mes vaches contre les tiques ?", "fr", "dairy-cow-health.md"),
    ],
)
def test_questions_in_swahili_and_french_find_the_right_document(agri_kit, question, lang, expected):
    from edgekit.knowledge.retrieval import retrieve

    passages = retrieve(agri_kit, question, app="agri", lang=lang)
    assert passages and passages[0].document_path.endswith(expected), [p.document_path for p in passages]


def test_nothing_relevant_says_so_and_names_whom_to_ask(agri_kit):
    result = answer_question(agri_kit, "agri", "How do I fix the gearbox of my car?", lang="en")
    assert result.model == NO_KNOWLEDGE_MODEL and result.citations == []
    assert "will not guess" in result.answer and "your extension officer" in result.answer
    swahili = answer_question(agri_kit, "agri", "Nitatengenezaje gia ya gari langu?", lang="sw")
    assert swahili.model == NO_KNOWLEDGE_MODEL and "Tafadhali muulize afisa ugani wako" in swahili.answer
    french = answer_question(agri_kit, "agri", "Comment réparer la boîte de vitesses de ma voiture ?", lang="fr")
    assert "Demandez à votre agent de vulgarisation agricole" in french.answer, "the whole message in French"
    assert "documents Conseils agricoles" in french.answer


def test_with_the_chat_model_switched_off_the_answer_comes_from_the_passages(agri_kit, installed_models_dir):
    kit = Kit(agri_kit.settings.model_copy(update={"chat_enabled": False}))
    result = answer_question(kit, "agri", "How dry should maize be before storage?", lang="en")
    assert result.model == EXTRACTIVE_MODEL and result.citations
    assert result.answer.startswith("From the documents on this box:")
    assert "[1]" in result.answer


def test_without_a_chat_model_installed_the_answer_is_extractive(agri_kit, installed_models_dir, tmp_path):
    only_embeddings = tmp_path / "models"
    only_embeddings.mkdir()
    (only_embeddings / "minilm-int8").symlink_to(installed_models_dir / "minilm-int8")
    kit = Kit(agri_kit.settings.model_copy(update={"models_dir_override": only_embeddings}))
    result = answer_question(kit, "agri", "How do I stop weevils in stored maize?", lang="en")
    assert result.model == EXTRACTIVE_MODEL and result.citations


def test_the_guard_answers_first_and_no_model_runs(agri_kit):
    result = answer_question(agri_kit, "agri", "My child swallowed pesticide!", lang="en")
    assert result.model == "guard" and result.citations == []
    assert result.answer.startswith("This is an emergency.")


class LeadingGuard:
    """A guard whose words must open the answer, with the grounded answer after them (as health triage does)."""

    from edgekit.hookspecs import hookimpl

    @hookimpl
    def before_answer(self, app, question):
        from edgekit.guards import GuardAnswer

        if "maize" in question and app is not None and app.id == "agri":
            return GuardAnswer("FIRST: check the store for rats.", final=False, data={"level": "urgent"})
        return None


def test_a_leading_guard_opens_the_answer_and_the_grounded_answer_follows(agri_kit):
    guard = LeadingGuard()
    agri_kit.plugins.manager.register(guard)
    pieces = []
    try:
        result = answer_question(
            agri_kit, "agri", "How do I store maize after harvest?", lang="en", on_text=pieces.append
        )
    finally:
        agri_kit.plugins.manager.unregister(guard)
    assert result.answer.startswith("FIRST: check the store for rats.\n\n")
    assert len(result.answer) > len("FIRST: check the store for rats.") + 20, "the grounded answer follows"
    assert result.citations and result.model != "guard"
    assert result.guard == {"level": "urgent"}
    assert "".join(pieces).startswith("FIRST: check the store for rats.\n\n"), "streamed first, too"


def test_an_unknown_app(agri_kit):
    from edgekit.errors import EdgekitError

    with pytest.raises(EdgekitError) as caught:
        answer_question(agri_kit, "weather", "Will it rain?")
    assert caught.value.code == "unknown_app" and "agri" in caught.value.message


def test_edgekit_ask_app_json(agri_kit, installed_models_dir):
    import json

    from typer.testing import CliRunner

    from edgekit.cli.main import app as cli

    result = CliRunner().invoke(
        cli,
        [
            "--home",
            str(agri_kit.settings.home),
            "ask",
            "agri",
            "How do I store maize after harvest?",
            "--json",
            "--max-tokens",
            "40",
            "--seed",
            "2",
        ],
        env={"EDGEKIT_MODELS_DIR": str(installed_models_dir), "EDGEKIT_THREADS": "2"},
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"app", "question", "answer", "citations", "model", "latency_ms", "guard"}
    assert body["app"] == "agri" and body["citations"]
    assert set(body["citations"][0]) == {"title", "source", "url", "snippet", "score"}
    assert "storage" in body["citations"][0]["title"].lower() or "maize" in body["citations"][0]["title"].lower()


def test_the_app_api_streams_tokens_then_the_cited_answer(agri_kit):
    import json

    from fastapi.testclient import TestClient

    from edgekit.server import create_app

    with (
        TestClient(create_app(kit=Kit(agri_kit.settings))) as client,
        client.stream(
            "POST", "/apps/agri/api/ask", json={"question": "How do I control fall armyworm?", "lang": "en"}
        ) as response,
    ):
        assert response.status_code == 200
        events = [block for block in response.read().decode().split("\n\n") if block]
    kinds = [block.split("\n")[0] for block in events]
    assert kinds[-1] == "event: done" and kinds.count("event: token") >= 1
    done = json.loads(events[-1].split("data: ", 1)[1])
    tokens = "".join(json.loads(e.split("data: ", 1)[1])["text"] for e in events if e.startswith("event: token"))
    assert tokens.strip() == done["answer"] and "armyworm" in done["citations"][0]["title"].lower()


def test_the_app_api_keeps_to_the_roles_in_the_manifest(agri_kit, monkeypatch):
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from edgekit.server import create_app

    kit = Kit(agri_kit.settings)
    record = kit.plugins.apps["agri"]
    monkeypatch.setattr(record, "manifest", replace(record.manifest, roles=("admin", "health_worker")))
    kit.accounts.add_user("pupil", "student", pin="1357")
    token = kit.accounts.create_token("pupil")
    with TestClient(create_app(kit=kit)) as client:
        anonymous = client.post("/apps/agri/api/ask", json={"question": "Maize?"})
        student = client.post(
            "/apps/agri/api/ask", json={"question": "Maize?"}, headers={"Authorization": f"Bearer {token}"}
        )
        unknown = client.post("/apps/weather/api/ask", json={"question": "Rain?"})
    assert anonymous.status_code == 401 and student.status_code == 403
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_app"


@pytest.mark.parametrize(
    "question, lang, lead, document",
    [
        ("Viwavijeshi vamizi wanakula mahindi yangu, nifanye nini?", "sw", "Kutoka kwenye nyaraka", "Viwavijeshi"),
        ("Comment stocker le maïs après la récolte ?", "fr", "D'après les documents", "stockage du maïs"),
    ],
)
def test_questions_the_chat_model_cannot_answer_in_their_language_get_the_passages(
    agri_kit, question, lang, lead, document
):
    result = answer_question(agri_kit, "agri", question, lang=lang)
    assert result.model == EXTRACTIVE_MODEL
    assert result.answer.startswith(lead)
    assert document in result.citations[0].title


def test_an_answer_that_wanders_from_the_passages_is_not_shown(agri_kit):
    from edgekit.answering.check import is_grounded
    from edgekit.knowledge import retrieve

    passages = retrieve(agri_kit, "How dry should maize be before storage?", app="agri", lang="en")
    assert not is_grounded("If the soil is dry, it should be moist but not wet.", passages)  # gemma's, once
    assert not is_grounded("Spray a fungicide every week.", passages)
    assert is_grounded("Grain is ready for storage at about 13% moisture. Dry it on a tarpaulin.", passages)
    assert not is_grounded("Yes.", passages)  # too short to check


def test_each_answer_is_kept_with_its_app(agri_kit):
    from sqlmodel import select

    from edgekit.store import session_for
    from edgekit.store.tables import Exchange

    answer_question(agri_kit, "agri", "How do I make compost from crop waste?", lang="en")
    with session_for(agri_kit.db) as session:
        kept = session.exec(select(Exchange).order_by(Exchange.id.desc())).first()
    assert kept.app == "agri" and kept.question == "How do I make compost from crop waste?" and kept.answer


def test_the_reply_speaks_the_askers_language_when_it_was_not_given(agri_kit):
    result = answer_question(agri_kit, "agri", "Nitatengenezaje gia ya gari langu?")
    assert result.model == NO_KNOWLEDGE_MODEL and result.answer.startswith("Sikupata jibu")


def test_a_guards_whole_answer_needs_no_turn_at_the_chat_model(agri_kit, monkeypatch):
    import json

    from fastapi.testclient import TestClient

    from edgekit.scheduler import QueueFull
    from edgekit.server import create_app

    kit = Kit(agri_kit.settings)
    queue = kit.scheduler.queue(kit.manager.model_for("chat"))

    def full(_client):
        raise QueueFull(queue.model_id, 5)

    monkeypatch.setattr(queue, "enter", full)  # sixteen farmers are already waiting
    with TestClient(create_app(kit=kit)) as client:
        poisoned = client.post("/apps/agri/api/ask", json={"question": "My child swallowed pesticide!", "lang": "en"})
        done = json.loads([b for b in poisoned.text.split("\n\n") if b][-1].split("data: ", 1)[1])
        assert done["model"] == "guard" and done["answer"].startswith("This is an emergency.")
        ordinary = client.post("/apps/agri/api/ask", json={"question": "How do I store maize?", "lang": "en"})
        assert ordinary.status_code == 429
