"""A chat worker that stops answering without dying (the test-only fault stops it with SIGSTOP, as a process hung
in native code looks from outside), with the real gemma model: after EDGEKIT_WORKER_REPLY_TIMEOUT_S without a
reply it is killed, the callers in flight get engine_timeout (or engine_crashed, for the others the same worker
was serving), the crash is recorded, and the next question is answered by a fresh worker."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import psutil
import pytest

from edgekit.engines.llm_llamacpp import Generation
from edgekit.errors import EdgekitError, EngineCrashed, EngineTimeout
from edgekit.kit import Kit
from edgekit.settings import Settings

DEADLINE_S = 30.0  # short for the test; a healthy worker under nice 19 on a 2-core box at load 12 once went 15 s
SLACK_S = 20.0  # the kill, the reaping and the loaded box's scheduling on top of the deadline


def two_slot_kit(models_dir, home, deadline_s: float) -> Kit:
    """A kit whose chat worker has two slots and is killed after `deadline_s` of silence."""
    return Kit(
        Settings(
            home=home,
            models_dir_override=models_dir,
            threads=2,
            chat_parallel=2,
            worker_reply_timeout_s=deadline_s,
        )
    )


@pytest.fixture
def kit(installed_models_dir, tmp_path):
    kit = two_slot_kit(installed_models_dir, tmp_path, DEADLINE_S)
    yield kit
    kit.close()


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def assert_a_fresh_worker_answers(kit: Kit, old_pid: int) -> None:
    with kit.manager.acquire("chat") as engine:
        assert engine.worker.pid != old_pid
        assert "".join(engine.generate("The best time to plant maize is", max_tokens=8, seed=1)).strip()
    [crash] = kit.manager.crashes.status()
    assert "stopped answering" in crash["last_reason"] and crash["crashes_total"] == 1


def test_a_worker_that_hangs_mid_answer_is_killed_and_its_callers_hear_it(kit, monkeypatch):
    monkeypatch.setenv("EDGEKIT_TEST_FAULTS", "1")
    monkeypatch.setenv("EDGEKIT_FAULT_CHAT", "hang_after:3")
    outcomes: list = [None, None]
    last_piece_at = [0.0, 0.0]
    pids: list[int] = []

    def story(index: int) -> None:
        try:
            with kit.manager.acquire("chat") as engine:
                pids.append(engine.worker.pid)
                generation = Generation()
                for _ in engine.generate("Once upon a time", max_tokens=200, seed=index, generation=generation):
                    last_piece_at[index] = time.monotonic()
            outcomes[index] = generation.text
        except EngineCrashed as exc:
            outcomes[index] = exc

    stories = [threading.Thread(target=story, args=(i,), daemon=True) for i in range(2)]
    for thread in stories:
        thread.start()
    for thread in stories:
        thread.join(DEADLINE_S + 240)
    ended_at = time.monotonic()
    monkeypatch.delenv("EDGEKIT_FAULT_CHAT")  # the next worker is healthy

    assert not any(thread.is_alive() for thread in stories), "a caller was left waiting"
    assert all(isinstance(outcome, EngineCrashed) for outcome in outcomes), outcomes
    assert any(isinstance(outcome, EngineTimeout) and outcome.code == "engine_timeout" for outcome in outcomes)
    assert all("stopped answering" in outcome.message for outcome in outcomes)
    assert ended_at - max(last_piece_at) < DEADLINE_S + SLACK_S, "killed after the deadline, not much later"
    assert gone(pids[0]), "the hung worker was killed"
    assert_a_fresh_worker_answers(kit, pids[0])


def test_a_worker_stopped_while_idle_is_found_out_by_the_next_question(kit):
    with kit.manager.acquire("chat") as engine:
        assert "".join(engine.generate("Once upon a time", max_tokens=4, seed=1)).strip()
        pid = engine.worker.pid
    os.kill(pid, signal.SIGSTOP)  # alive, but answers nothing: its probe times out
    started = time.monotonic()
    assert_a_fresh_worker_answers(kit, pid)
    assert time.monotonic() - started < DEADLINE_S + SLACK_S + 60
    assert gone(pid)


def test_a_request_to_a_worker_that_reads_nothing_has_the_deadline_too(embed_models_dir, tmp_path):
    """A request larger than the pipe holds (speech, a batch of texts) sent to a hung worker: the write would block
    the caller, and every later sender, for ever. It waits the same deadline, then the worker is killed."""
    kit = Kit(Settings(home=tmp_path, models_dir_override=embed_models_dir, threads=2))
    try:
        with kit.manager.acquire("embed") as engine:
            assert len(engine.embed(["Goats need clean water."])) == 1
            pid = engine.worker.pid
            engine.worker.reply_timeout_s = 3.0  # loaded with the default; short from here on
            os.kill(pid, signal.SIGSTOP)
            outcome: list = []

            def ask() -> None:
                try:
                    engine.embed(["Dry maize well before storing it. " * 120_000])  # 4 MB, the pipe holds 64 kB
                except EngineCrashed as exc:
                    outcome.append(exc)

            asking = threading.Thread(target=ask, daemon=True)
            asking.start()
            asking.join(3.0 + SLACK_S)
            assert not asking.is_alive(), "the caller was left writing to a worker that reads nothing"
        [error] = outcome
        assert isinstance(error, EngineTimeout), error
        assert "embed: the request not taken in 3 s" in error.message
        assert gone(pid), "the hung worker was killed"
        with kit.manager.acquire("embed") as engine:
            assert engine.worker.pid != pid
            assert len(engine.embed(["Keep the bags off the floor."])) == 1
    finally:
        kit.close()


def test_through_v1_a_hung_worker_ends_the_stream_with_engine_timeout(installed_models_dir, tmp_path, monkeypatch):
    """The client sees the text already sent, then an engine_timeout error event and [DONE]; /healthz answers."""
    from tests.server.live import live_server
    from tests.workers.test_crash_recovery import make_kit, stream_story, streamed_text

    kit = make_kit(tmp_path / "home", installed_models_dir, worker_reply_timeout_s=DEADLINE_S)
    headers = {"Authorization": f"Bearer {kit.accounts.create_token('teacher')}"}
    monkeypatch.setenv("EDGEKIT_TEST_FAULTS", "1")
    monkeypatch.setenv("EDGEKIT_FAULT_CHAT", "hang_after:4")
    try:
        with live_server(kit) as url:
            events = stream_story(url, headers, max_tokens=120)
            monkeypatch.delenv("EDGEKIT_FAULT_CHAT")
            errors = [event["error"] for event in events if "error" in event]
            assert errors and errors[0]["code"] == "engine_timeout", events[-3:]
            assert streamed_text(events).strip(), "the text sent before the hang stands"
            assert events[-1] == {"done": True}
            health = httpx.get(url + "/healthz", timeout=30)
            assert health.status_code == 200
            assert "stopped answering" in health.json()["engine_crashes"][0]["last_reason"]
    finally:
        kit.close()


def test_an_answer_waiting_for_room_while_the_worker_writes_another_is_not_a_hung_worker(
    installed_models_dir, tmp_path
):
    """Two slots share one context's cells (4,096): a story that may write 3,000 tokens holds most of them, so a
    second answer that may write 2,000 waits in the worker, hearing nothing, for longer than the deadline. The
    worker is writing the story all along: it is alive, and the waiting answer must not kill it."""
    deadline_s = 3.0
    kit = two_slot_kit(installed_models_dir, tmp_path, deadline_s)
    try:
        story_started, stop_story = threading.Event(), threading.Event()
        outcomes: dict[str, object] = {}

        def story() -> None:
            try:
                with kit.manager.acquire("chat") as engine:
                    generation = Generation()
                    stream = engine.generate(
                        "Once upon a time", max_tokens=3000, seed=1, cancel=stop_story, generation=generation
                    )
                    for _ in stream:
                        story_started.set()
                outcomes["story"] = generation.finish_reason
            except EdgekitError as exc:  # what the test reports
                outcomes["story"] = exc

        def waiting() -> None:
            try:
                with kit.manager.acquire("chat") as engine:
                    text = "".join(
                        engine.generate("The best time to plant maize is", max_tokens=2000, seed=2, stop=["."])
                    )
                outcomes["waiting"] = text
            except EdgekitError as exc:
                outcomes["waiting"] = exc

        teller = threading.Thread(target=story, daemon=True)
        teller.start()
        assert story_started.wait(120)
        waiter = threading.Thread(target=waiting, daemon=True)
        waiter.start()
        time.sleep(deadline_s * 2)  # the second answer waits for cells while the story goes on
        assert teller.is_alive() and "waiting" not in outcomes, outcomes  # it did wait, past the deadline
        stop_story.set()
        teller.join(60)
        waiter.join(120)
        assert outcomes.get("story") == "cancelled", outcomes
        assert isinstance(outcomes.get("waiting"), str) and outcomes["waiting"].strip(), outcomes
        assert all(crash["crashes_total"] == 0 for crash in kit.manager.crashes.status())
    finally:
        kit.close()
