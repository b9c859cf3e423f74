"""A chat worker that crashes for real (abort, SIGSEGV, kill -9 from outside) under a live server with the real
gemma model: the client that was answered gets engine_crashed after the text already sent, the server and the
health registry go on serving, and the next question starts a fresh worker. Repeated crashes back off."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from datetime import date, timedelta

import httpx
import pytest
from typer.testing import CliRunner

from edgekit.kit import Kit
from edgekit.settings import Settings
from tests.conftest import CHAT_MODEL
from tests.server.live import live_server

STORY = {"prompt": "Once upon a time in a village by the lake, there lived", "temperature": 0.9, "seed": 11}


def make_kit(home, models_dir, **overrides) -> Kit:
    kit = Kit(Settings(home=home, models_dir_override=models_dir, threads=2, login_delay_s=0, **overrides))
    kit.accounts.add_user("teacher", "teacher", pin="2468")
    kit.accounts.add_user("amina", "health_worker", pin="4826")
    return kit


@pytest.fixture
def box(installed_models_dir, tmp_path):
    kit = make_kit(tmp_path / "home", installed_models_dir)
    with live_server(kit) as url:
        yield (
            url,
            kit,
            {name: {"Authorization": f"Bearer {kit.accounts.create_token(name)}"} for name in ("teacher", "amina")},
        )


def stream_story(url: str, headers: dict, max_tokens: int = 120, on_text=lambda: None) -> list[dict]:
    """The events of a streamed completion, each parsed ('[DONE]' as {'done': True})."""
    events = []
    with httpx.stream(
        "POST",
        url + "/v1/completions",
        json={**STORY, "max_tokens": max_tokens, "stream": True},
        headers=headers,
        timeout=120,
    ) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            events.append({"done": True} if line == "data: [DONE]" else json.loads(line[6:]))
            if "choices" in events[-1] and events[-1]["choices"][0]["text"]:
                on_text()
    return events


def streamed_text(events: list[dict]) -> str:
    return "".join(e["choices"][0]["text"] for e in events if e.get("choices"))


def worker_pid(kit: Kit) -> int:
    [row] = [row for row in kit.manager.status() if row["id"] == CHAT_MODEL]
    return row["worker_pid"]


def assert_crashed_after_text(events: list[dict], reason: str) -> None:
    errors = [e["error"] for e in events if "error" in e]
    assert errors and errors[0]["code"] == "engine_crashed", events[-3:]
    assert reason in errors[0]["message"]
    assert streamed_text(events).strip(), "the text sent before the crash stands"
    assert events[-1] == {"done": True}


def write_visit(url: str, headers: dict, code: str) -> None:
    edd = date.today() + timedelta(weeks=12)
    woman = httpx.post(
        url + "/apps/health/api/women",
        json={"village": "Kibera", "edd": edd.isoformat(), "code": code},
        headers=headers,
    )
    assert woman.status_code == 201, woman.text
    visit = httpx.post(
        url + f"/apps/health/api/women/{code}/visits",
        json={"visit_date": date.today().isoformat(), "systolic": 118, "diastolic": 76, "signs": "feels well"},
        headers=headers,
    )
    assert visit.status_code == 201, visit.text


def assert_serving_again(url: str, kit: Kit, headers: dict, old_pid: int) -> None:
    answer = httpx.post(
        url + "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "How do I store maize after harvest?"}], "max_tokens": 20},
        headers=headers,
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"].strip()
    assert worker_pid(kit) != old_pid, "a fresh worker answered"
    assert httpx.get(url + "/healthz").status_code == 200


@pytest.mark.parametrize(("fault", "reason"), [("abort", "SIGABRT"), ("segv", "SIGSEGV")])
def test_a_worker_crashing_mid_answer_costs_that_answer_only(box, monkeypatch, fault, reason):
    url, kit, headers = box
    assert httpx.get(url + "/healthz").json()["engine_crashes"] == []
    monkeypatch.setenv("EDGEKIT_TEST_FAULTS", "1")
    monkeypatch.setenv("EDGEKIT_FAULT_CHAT", f"{fault}_after:5")
    pids = []
    events = stream_story(url, headers["teacher"], on_text=lambda: pids.append(worker_pid(kit)) if not pids else None)
    monkeypatch.delenv("EDGEKIT_FAULT_CHAT")  # the next worker is healthy

    assert_crashed_after_text(events, reason)
    health = httpx.get(url + "/healthz")  # while no worker runs
    assert health.status_code == 200 and CHAT_MODEL not in health.json()["models_loaded"]
    [crash] = health.json()["engine_crashes"]
    assert crash["id"] == CHAT_MODEL and reason in crash["last_reason"] and crash["backoff_s"] == 0
    write_visit(url, headers["amina"], f"CRASH-{fault}")
    assert_serving_again(url, kit, headers["teacher"], pids[0])
    shown = httpx.get(url + f"/apps/health/api/women/CRASH-{fault}", headers=headers["amina"]).json()
    assert [v["blood_pressure"] for v in shown["visits"]] == ["118/76"]


def test_a_worker_killed_from_outside_mid_answer(box):
    url, kit, headers = box
    pids: list[int] = []
    healthy_during: list[int] = []
    checker = threading.Thread(
        target=lambda: healthy_during.append(httpx.get(url + "/healthz", timeout=30).status_code)
    )

    def kill_on_first_text() -> None:
        if not pids:
            pids.append(worker_pid(kit))
            os.kill(pids[0], signal.SIGKILL)
            checker.start()  # /healthz asked while the worker is dying and the stream is failing

    events = stream_story(url, headers["teacher"], max_tokens=200, on_text=kill_on_first_text)
    checker.join(30)

    assert_crashed_after_text(events, "killed by signal 9 (SIGKILL")
    assert healthy_during == [200]
    write_visit(url, headers["amina"], "KILLED-1")
    assert_serving_again(url, kit, headers["teacher"], pids[0])
    assert httpx.get(url + "/apps/health/api/women/KILLED-1", headers=headers["amina"]).json()["visits"]


def test_a_worker_killed_while_idle_is_replaced_on_the_next_question(box):
    url, kit, headers = box
    first = httpx.post(
        url + "/v1/completions", json={**STORY, "max_tokens": 3}, headers=headers["teacher"], timeout=120
    )
    assert first.status_code == 200
    pid = worker_pid(kit)
    os.kill(pid, signal.SIGKILL)
    assert_serving_again(url, kit, headers["teacher"], pid)
    [crash] = httpx.get(url + "/healthz").json()["engine_crashes"]
    assert "SIGKILL" in crash["last_reason"]


def test_repeated_crashes_back_off_and_show_in_healthz_doctor_and_models_status(
    installed_models_dir, tmp_path, monkeypatch
):
    from edgekit.cli.main import app

    home = tmp_path / "home"
    kit = make_kit(home, installed_models_dir, crash_backoff_after=2, crash_backoff_s=120)
    monkeypatch.setenv("EDGEKIT_TEST_FAULTS", "1")
    monkeypatch.setenv("EDGEKIT_FAULT_CHAT", "segv_after:2")
    headers = {"Authorization": f"Bearer {kit.accounts.create_token('teacher')}"}
    with live_server(kit) as url:
        for _ in range(2):
            assert_crashed_after_text(stream_story(url, headers, max_tokens=20), "SIGSEGV")
        started = time.monotonic()
        refused = httpx.post(url + "/v1/completions", json={**STORY, "max_tokens": 5, "stream": True}, headers=headers)
        assert time.monotonic() - started < 5, "refused at once, no worker started"
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "engine_backoff"
        assert 0 < int(refused.headers["retry-after"]) <= 120
        assert "SIGSEGV" in refused.json()["error"]["message"]
        assert kit.manager.loaded_ids() == []

        health = httpx.get(url + "/healthz")
        assert health.status_code == 200
        [crash] = health.json()["engine_crashes"]
        assert crash["crashes_recent"] == 2 and crash["backoff_s"] > 0 and "SIGSEGV" in crash["last_reason"]

        runner = CliRunner()
        env = {"EDGEKIT_MODELS_DIR": str(installed_models_dir)}
        status = runner.invoke(app, ["--home", str(home), "models", "status", "--port", url.rsplit(":", 1)[1]], env=env)
        assert status.exit_code == 0, status.output
        assert f"{CHAT_MODEL}: worker crashed 2 times" in status.output and "loads refused for" in status.output
    doctor = runner.invoke(app, ["--home", str(home), "doctor", "--json"], env=env)
    checks = {check["name"]: check for check in json.loads(doctor.stdout)["checks"]}
    assert checks["engines"]["status"] == "fail"
    assert CHAT_MODEL in checks["engines"]["detail"] and "SIGSEGV" in checks["engines"]["detail"]
    assert doctor.exit_code == 1
