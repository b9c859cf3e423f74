"""One turn means one turn (edgekit/answering/turn.py), with the real gemma model in its worker, one slot: a client
that goes away while its work runs keeps the turn until the work has really ended; its generation stops at its
next token; and the next client's work starts only then, never alongside it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from edgekit.answering.turn import run_in_turn
from edgekit.engines.llm_llamacpp import Generation
from edgekit.kit import Kit
from edgekit.settings import Settings

STORY_TOKENS = 300  # far more than are written before the cancel lands
WAIT_S = 120


@pytest.fixture
def one_slot_kit(installed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2, chat_parallel=1))
    yield kit
    kit.close()


def test_a_cancelled_clients_work_keeps_the_turn_until_its_thread_has_ended(one_slot_kit):
    kit = one_slot_kit
    model = kit.manager.model_for("chat")
    timeline: list[str] = []
    writing = threading.Event()
    story = Generation()

    def write_story(cancel: threading.Event) -> None:
        timeline.append("first started")
        try:
            with kit.manager.acquire("chat") as engine:
                for _piece in engine.generate(
                    "Once upon a time", max_tokens=STORY_TOKENS, seed=1, cancel=cancel, generation=story
                ):
                    writing.set()
        finally:
            timeline.append("first ended")

    def answer(cancel: threading.Event) -> str:
        timeline.append("second started")
        with kit.manager.acquire("chat") as engine:
            return "".join(engine.generate("The best time to plant maize is", max_tokens=8, seed=1, cancel=cancel))

    async def two_clients() -> str:
        first = asyncio.create_task(run_in_turn(kit, model, "phone-a", write_story))
        assert await asyncio.to_thread(writing.wait, WAIT_S), "the first client's story is being written"
        first.cancel()  # its client went away
        with pytest.raises(asyncio.CancelledError):
            await first
        return await asyncio.wait_for(run_in_turn(kit, model, "phone-b", answer), WAIT_S)

    second_text = asyncio.run(two_clients())

    assert timeline == ["first started", "first ended", "second started"], "the turns overlapped"
    assert story.finish_reason == "cancelled" and story.tokens < STORY_TOKENS, "the cancel reached the generation"
    assert second_text.strip()
    assert kit.scheduler.queue(model).running == 0, "both turns were given up"


def test_work_that_fails_gives_its_turn_up_and_its_error_to_the_client(one_slot_kit):
    kit = one_slot_kit
    model = kit.manager.model_for("chat")

    def broken(_cancel: threading.Event) -> None:
        raise ValueError("no such lesson")

    async def fail_then_answer() -> str:
        with pytest.raises(ValueError, match="no such lesson"):
            await run_in_turn(kit, model, "phone-a", broken)
        return await asyncio.wait_for(run_in_turn(kit, model, "phone-b", lambda _cancel: "answered"), WAIT_S)

    assert asyncio.run(fail_then_answer()) == "answered"
    assert kit.scheduler.queue(model).running == 0
