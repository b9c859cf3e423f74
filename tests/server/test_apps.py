"""Asking an app (POST /apps/<id>/api/ask and the form at /apps/<id>/ask) with the chat model switched off: the
answer is made of the documents alone, takes no turn at the chat model and so never waits in its queue, nor is
refused for a full one (issue 13, defect 8). Real documents, real embeddings, a real uvicorn server on loopback."""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from edgekit.kit import Kit
from edgekit.scheduler import QueueFull
from edgekit.server import create_app
from edgekit.settings import Settings
from tests.server.live import live_server

CLIENTS = 30
QUESTIONS = (
    "How dry should maize be before storage?",
    "How do I control fall armyworm in my maize?",
    "How do I stop weevils in stored maize?",
)


@pytest.fixture(scope="module")
def chat_off(installed_models_dir, tmp_path_factory) -> Settings:
    """A box with its documents indexed and the chat model switched off (EDGEKIT_CHAT_ENABLED=0)."""
    from edgekit.knowledge.sync import sync_app_knowledge

    settings = Settings(
        home=tmp_path_factory.mktemp("chat-off-home"),
        models_dir_override=installed_models_dir,
        threads=2,
        chat_enabled=False,
        login_delay_s=0,
    )
    kit = Kit(settings)
    sync_app_knowledge(kit)  # all apps: the server then starts no indexing of its own
    kit.close()
    return settings


def done_event(text: str) -> dict | None:
    for block in text.split("\n\n"):
        if block.startswith("event: done"):
            return json.loads(block.split("data: ", 1)[1])
    return None


def no_turn_was_taken(kit: Kit) -> bool:
    queue = kit.scheduler.queues.get(kit.manager.model_for("chat"))
    return queue is None or (queue.served == [] and queue.waiting == 0)


def refuse_every_turn(kit: Kit, monkeypatch) -> None:
    """Any request that asks for a turn at the chat model is refused, as by a queue that is always full."""
    queue = kit.scheduler.queue(kit.manager.model_for("chat"))

    def full(_client):
        raise QueueFull(queue.model_id, 5)

    monkeypatch.setattr(queue, "enter", full)


def test_thirty_clients_at_once_are_all_answered_with_no_queue(chat_off):
    kit = Kit(chat_off)
    statuses: list[int] = []
    answers: list[dict | None] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        # Each client is its own phone to the box; all start together, then ask one question after another.
        with httpx.Client(base_url=url, timeout=120) as http:
            start.wait()
            for question in QUESTIONS:
                response = http.post("/apps/agri/api/ask", json={"question": question, "lang": "en"})
                with lock:
                    statuses.append(response.status_code)
                    answers.append(done_event(response.text) if response.status_code == 200 else None)

    with live_server(kit) as url:
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        seconds = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads), "a client is still waiting"
        counts = {status: statuses.count(status) for status in sorted(set(statuses))}
        print(f"\n{CLIENTS} clients at once, {len(statuses)} questions in {seconds:.1f} s: statuses {counts}")
        assert len(statuses) == CLIENTS * len(QUESTIONS)
        assert statuses.count(429) == 0 and set(statuses) == {200}
        assert all(a is not None and a["model"] == "extractive" and a["citations"] for a in answers)
        assert no_turn_was_taken(kit) and kit.manager.model_for("chat") not in kit.manager.loaded_ids()


def test_the_api_answers_from_the_documents_even_when_the_queue_would_refuse(chat_off, monkeypatch):
    kit = Kit(chat_off)
    refuse_every_turn(kit, monkeypatch)
    with TestClient(create_app(kit=kit)) as client:
        response = client.post("/apps/agri/api/ask", json={"question": QUESTIONS[0], "lang": "en"})
    assert response.status_code == 200, response.text
    events = [block.split("\n", 1)[0] for block in response.text.split("\n\n") if block]
    assert events == ["event: token", "event: done"]
    answer = done_event(response.text)
    assert answer["model"] == "extractive" and answer["answer"].startswith("From the documents on this box:")


def test_the_form_answers_from_the_documents_even_when_the_queue_would_refuse(chat_off, monkeypatch):
    kit = Kit(chat_off)
    refuse_every_turn(kit, monkeypatch)
    html = {"accept": "text/html"}
    with TestClient(create_app(kit=kit)) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/apps/agri", headers=html).text)[1]
        page = client.post("/apps/agri/ask", data={"question": QUESTIONS[2], "csrf_token": token}, headers=html)
    assert page.status_code == 200, page.text[:300]
    assert "From the documents on this box:" in page.text


def test_with_the_chat_model_on_an_answer_still_takes_its_turn(chat_off, monkeypatch):
    # The other side of the decision: an English question to an English chat model waits for the model.
    kit = Kit(chat_off.model_copy(update={"chat_enabled": True}))
    refuse_every_turn(kit, monkeypatch)
    with TestClient(create_app(kit=kit)) as client:
        response = client.post("/apps/agri/api/ask", json={"question": QUESTIONS[0], "lang": "en"})
    assert response.status_code == 429 and response.json()["error"]["code"] == "queue_full"
