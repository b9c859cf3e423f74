"""The batching chat engine against the real gemma model: a lone greedy answer is today's engine's, token for
token and piece for piece; answers decoded together all finish, in far fewer decode steps than tokens; a shared
instruction is read once; cancel leaves the others running; through the worker, a crash reaches every answer in
flight.

Answers decoded together are not compared with the answers given alone: llama.cpp is not batch-invariant (the
attention sums over a KV cache the other sequences share, in another order), so a near-tie between two tokens may
fall the other way; seen here as "also eat leaves and fruit" alone and "also feed on other animals" together."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading

import pytest

from edgekit.engines.llm_llamacpp import Generation, LlamaCppEngine
from edgekit.errors import EngineCrashed
from edgekit.kit import Kit
from edgekit.models.catalog import Catalog
from edgekit.models.store import ModelStore
from edgekit.settings import Settings
from edgekit.workers.batched_chat import BatchedLlamaCppEngine
from tests.conftest import CHAT_MODEL

QUESTIONS = ["How do I store maize after harvest?", "What do goats eat?", "How do I treat a burn?", "Why rotate crops?"]
INSTRUCTION = "You advise farmers in Kilifi county. Answer in one or two short sentences, practical and kind."


@pytest.fixture(scope="module")
def spec_and_dir(installed_models_dir):
    settings = Settings(models_dir_override=installed_models_dir)
    spec = ModelStore(installed_models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(CHAT_MODEL)
    return spec, installed_models_dir / CHAT_MODEL


@pytest.fixture(scope="module")
def batched(spec_and_dir, tmp_path_factory):
    spec, directory = spec_and_dir
    settings = Settings(home=tmp_path_factory.mktemp("batched"), threads=2, chat_parallel=4)
    engine = BatchedLlamaCppEngine(spec, directory, settings)
    engine.load()
    yield engine
    engine.unload()


def ask(engine, question: str, max_tokens: int = 24, cancel=None, system: str | None = None, **options):
    generation = Generation()
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": question}]
    pieces = list(
        engine.stream_chat(
            messages, max_tokens=max_tokens, seed=5, temperature=0.0, generation=generation, cancel=cancel, **options
        )
    )
    return pieces, dataclasses.asdict(generation)


def together(engine, questions: list[str], **options) -> list:
    results: list = [None] * len(questions)

    def run(index: int) -> None:
        results[index] = ask(engine, questions[index], **options)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_lone_greedy_answer_is_todays_token_for_token(spec_and_dir, batched):
    spec, directory = spec_and_dir
    today = LlamaCppEngine(spec, directory, Settings(threads=2))
    today.load()
    try:
        expected = [ask(today, q, max_tokens=40) for q in QUESTIONS[:2]]
    finally:
        today.unload()
    assert [ask(batched, q, max_tokens=40) for q in QUESTIONS[:2]] == expected
    assert sum(len(pieces) for pieces, _ in expected) > 3, "answers worth comparing"


def finished(results: list) -> bool:
    return all(g["text"].strip() and g["finish_reason"] in ("stop", "length") for _, g in results)


def test_answers_decoded_together_all_finish_in_fewer_steps_than_tokens(batched):
    steps_before = batched._batcher.steps
    results = together(batched, QUESTIONS)
    assert finished(results)
    tokens = sum(g["tokens"] for _, g in results)
    # One decode a step serves every answer in the batch: far fewer steps than tokens.
    assert batched._batcher.steps - steps_before < 0.6 * tokens


def test_a_shared_instruction_is_read_once(batched):
    instruction_tokens = batched.count_tokens(INSTRUCTION)
    reused_before = batched._batcher.prefix_reused
    results = together(batched, QUESTIONS, system=INSTRUCTION)
    assert all(text for _, generation in results for text in [generation["text"]])
    # Each answer after the first starts from the cells of one that read the instruction.
    assert batched._batcher.prefix_reused - reused_before >= (len(QUESTIONS) - 1) * instruction_tokens


def test_cancel_stops_one_answer_within_a_token_and_the_others_finish(batched):
    cancel = threading.Event()
    cancelled: list[str] = []

    def cancelled_story() -> None:
        generation = Generation()
        stream = batched.generate(
            "Once upon a time", max_tokens=200, seed=1, cancel=cancel, generation=generation, temperature=0.0
        )
        for piece in stream:
            cancelled.append(piece)
            if len(cancelled) == 3:
                cancel.set()
        cancelled.append(generation.finish_reason)

    story = threading.Thread(target=cancelled_story)
    story.start()
    others = together(batched, QUESTIONS[1:])
    story.join()
    assert cancelled[-1] == "cancelled" and len(cancelled) == 4
    assert finished(others)


def test_through_the_worker_answers_run_at_once_and_a_crash_reaches_each(installed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2, chat_parallel=4))
    try:
        assert kit.manager.slots_for(CHAT_MODEL) == 4
        inside, most = 0, 0
        guard = threading.Lock()
        results: list = [None] * len(QUESTIONS)

        def run(index: int) -> None:
            nonlocal inside, most
            with kit.manager.acquire("chat") as engine:
                with guard:
                    inside += 1
                    most = max(most, inside)
                results[index] = ask(engine, QUESTIONS[index], max_tokens=16)
                with guard:
                    inside -= 1

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(QUESTIONS))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert finished(results) and most > 1

        errors: list = []
        started = threading.Barrier(4)

        def long_story() -> None:
            try:
                with kit.manager.acquire("chat") as engine:
                    for count, _ in enumerate(engine.generate("Once upon a time", max_tokens=400, seed=1)):
                        if count == 2:
                            started.wait(timeout=120)
            except EngineCrashed as exc:
                errors.append(exc)

        stories = [threading.Thread(target=long_story) for _ in range(3)]
        for thread in stories:
            thread.start()
        started.wait(timeout=120)
        os.kill(kit.manager.status()[0]["worker_pid"], signal.SIGKILL)
        for thread in stories:
            thread.join(timeout=60)
        assert len(errors) == 3 and all(e.code == "engine_crashed" for e in errors)
        with kit.manager.acquire("chat") as llm:  # and a fresh worker answers
            assert finished([ask(llm, QUESTIONS[0], max_tokens=16)])
    finally:
        kit.close()


def test_the_default_chat_model_through_its_chat_template_answers_as_today(installed_models_dir, tmp_path):
    """qwen2.5-0.5b-instruct (the default on most boxes) asked through its chat template: a chat handler's stop."""
    model = "qwen2.5-0.5b-instruct"
    settings = Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2, chat_parallel=2)
    spec = ModelStore(installed_models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(model)
    if spec is None:
        pytest.skip(f"{model} is not installed")
    answers = []
    for engine_class in (LlamaCppEngine, BatchedLlamaCppEngine):
        engine = engine_class(spec, installed_models_dir / model, settings)
        engine.load()
        try:
            answers.append([ask(engine, q, max_tokens=24, system=INSTRUCTION) for q in QUESTIONS[:2]])
        finally:
            engine.unload()
    assert answers[1] == answers[0]
    assert all(g["text"].strip() for _, g in answers[0])


def test_the_slots_share_a_pool_of_cells_and_an_answer_waits_for_room_rather_than_overflow(batched):
    """Four slots share 4,096 cells (not four contexts): answers that may each write 1,900 tokens are admitted two
    at a time, the others wait their turn, and every one finishes without a decode finding the cache full."""
    memory = batched.slot_memory_mb()
    assert memory["slots"] == 4 and memory["kv_cells"] == 4096
    assert memory["kv_mb"] == pytest.approx(4 * memory["kv_mb_per_slot"], abs=1)
    short_before = batched._batcher.steps_short_of_cells
    results = together(batched, QUESTIONS, max_tokens=1900, stop=["."])
    assert finished(results)
    assert batched._batcher.steps_short_of_cells > short_before  # some waited for cells
    # And short answers are not held back: four that fit all run at once.
    short_before = batched._batcher.steps_short_of_cells
    assert finished(together(batched, QUESTIONS, max_tokens=24))
    assert batched._batcher.steps_short_of_cells == short_before
