"""Every surface renders the one answering flow: what the page with JavaScript does with a guard, the page
without it does too, and /v1's plain chat goes through the same guard step. Real apps (agri's guard), real
server; the queue is made full or busy by replacing its `enter`, the one way in (edgekit/answering/turn.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from edgekit.guards import GuardAnswer
from edgekit.hookspecs import hookimpl
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.scheduler import QueueFull
from edgekit.server import create_app

HTML = {"accept": "text/html"}
POISONED = "My child swallowed pesticide!"


class LeadingGuard:
    """Words the answer must open with, the grounded answer after them (as health's triage does). It takes only
    `question`, which every version of the hook passes."""

    @hookimpl
    def before_answer(self, question):
        if "maize" in question:
            return GuardAnswer("FIRST: check the store for rats.", final=False)
        return None


class PlainChatGuard:
    """A guard for plain chat (no app): it answers a danger sign whole."""

    @hookimpl
    def before_answer(self, question):
        if "bleeding" in question.lower():
            return "Refer now: heavy bleeding in pregnancy is an emergency."
        return None


def queue_that(kit: Kit, monkeypatch, *, full: bool) -> list[str]:
    """The chat model's queue refuses every newcomer (full), or is busy with another phone's long answer and
    fails the test at once for anyone who takes a place in it (they would wait behind that answer). Returns the
    clients that tried to take a place."""
    queue = kit.scheduler.queue(kit.manager.model_for("chat"))
    entered: list[str] = []
    if not full:
        # Other answers hold every slot of the model (one, or a batching engine's several).
        monkeypatch.setattr(queue, "_admitted", [object()] * queue.slots)
        assert queue.busy and queue.full

    def refuse(client: str):
        entered.append(client)
        if full:
            raise QueueFull(queue.model_id, 5)
        raise AssertionError(f"{client} took a place behind a long answer")

    monkeypatch.setattr(queue, "enter", refuse)
    return entered


def post_form(client: TestClient, question: str):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/apps/agri", headers=HTML).text)[1]
    return client.post("/apps/agri/ask", data={"question": question, "csrf_token": token}, headers=HTML)


@pytest.mark.parametrize("full", [True, False], ids=["queue full", "queue busy"])
def test_the_form_without_javascript_answers_a_guard_without_the_queue(settings, monkeypatch, full):
    kit = Kit(settings)
    entered = queue_that(kit, monkeypatch, full=full)
    with TestClient(create_app(kit=kit)) as client:
        page = post_form(client, POISONED)
        api = client.post("/apps/agri/api/ask", json={"question": POISONED, "lang": "en"})
    assert page.status_code == 200, page.text[:300]
    assert "This is an emergency." in page.text
    assert api.status_code == 200 and "This is an emergency." in api.text
    assert entered == []  # neither the form nor the API took a place: a guard's whole answer needs no model
    assert kit.manager.loaded_ids() == []


def test_a_guards_opening_words_are_not_hidden_by_a_full_queue_on_either_page(settings, monkeypatch):
    kit = Kit(settings)
    kit.plugins.manager.register(LeadingGuard())
    queue_that(kit, monkeypatch, full=True)
    with TestClient(create_app(kit=kit)) as client:
        page = post_form(client, "How do I store maize?")
        api = client.post("/apps/agri/api/ask", json={"question": "How do I store maize?", "lang": "en"})
        unguarded = post_form(client, "How do I plant beans?")
    assert page.status_code == 200 and api.status_code == 200
    for body in (page.text, api.text):
        assert "FIRST: check the store for rats." in body
        assert "The box is busy with other questions" in body
    assert unguarded.status_code == 429  # without a guard's words, a full queue is a plain queue_full


@pytest.mark.parametrize("stream", [False, True])
def test_v1_plain_chat_goes_through_the_guard_first(bare_settings, stream):
    """No chat model is installed: the guard's answer must not need one, and must take no turn."""
    kit = Kit(bare_settings, plugin_host=load_plugins(entry_points=False, extra=(PlainChatGuard(),)))
    kit.accounts.add_user("nurse", "teacher", pin="2468")
    headers = {"Authorization": f"Bearer {kit.accounts.create_token('nurse')}"}
    asked = {"messages": [{"role": "user", "content": "She has heavy bleeding"}], "stream": stream}
    with TestClient(create_app(kit=kit)) as client:
        guarded = client.post("/v1/chat/completions", json=asked, headers=headers)
        other = client.post(
            "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": "What should she eat?"}]},
            headers=headers,
        )
    assert guarded.status_code == 200, guarded.text
    if stream:
        assert "Refer now: heavy bleeding in pregnancy is an emergency." in guarded.text
        assert guarded.text.rstrip().endswith("data: [DONE]")
    else:
        body = guarded.json()
        assert body["choices"][0]["message"]["content"] == "Refer now: heavy bleeding in pregnancy is an emergency."
        assert body["model"] == "guard" and body["object"] == "chat.completion"
    assert other.status_code == 503 and other.json()["error"]["code"] == "model_not_installed"
    assert kit.scheduler.queues == {} and kit.manager.loaded_ids() == []


def test_v1_plain_chat_is_kept_like_any_answer(bare_settings):
    from sqlmodel import select

    from edgekit.store import session_for
    from edgekit.store.tables import Exchange

    kit = Kit(bare_settings, plugin_host=load_plugins(entry_points=False, extra=(PlainChatGuard(),)))
    kit.accounts.add_user("nurse", "teacher", pin="2468")
    headers = {"Authorization": f"Bearer {kit.accounts.create_token('nurse')}"}
    with TestClient(create_app(kit=kit)) as client:
        client.post(
            "/v1/chat/completions", json={"messages": [{"role": "user", "content": "Heavy bleeding"}]}, headers=headers
        )
    with session_for(kit.db) as session:
        kept = session.exec(select(Exchange)).all()
    assert [(e.question, e.model) for e in kept] == [("Heavy bleeding", "guard")]
    assert kept[0].user_id is not None
