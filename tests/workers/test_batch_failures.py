"""The batching chat engine never leaves a caller waiting, against the real gemma model: a sequence that cannot be
placed, a decode that fails while clearing cells fails too, a donor that leaves while a follower waits for its
prefix, and an engine stopped mid-answer. Each caller ends (its tokens, or engine_failed at once), the slots and
their cells come back, and the other answers go on.

The faults are made in process by wrapping one method of the live batcher: the code around it is the real one."""

from __future__ import annotations

import threading
import time

import pytest

from edgekit.engines.llm_llamacpp import Generation
from edgekit.errors import EngineError
from edgekit.models.catalog import Catalog
from edgekit.models.store import ModelStore
from edgekit.settings import Settings
from edgekit.workers import batch_loop
from edgekit.workers.batched_chat import BatchedLlamaCppEngine
from tests.conftest import CHAT_MODEL

QUESTIONS = ["How do I store maize after harvest?", "What do goats eat?", "Why rotate crops?"]
ENDS_WITHIN_S = 120  # far longer than any answer here takes on a loaded 2-core box; a hang goes past it
BROKEN = "BROKEN BROKEN"


@pytest.fixture(scope="module")
def engine(installed_models_dir, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("batch-failures"), threads=2, chat_parallel=4)
    spec = ModelStore(installed_models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(CHAT_MODEL)
    engine = BatchedLlamaCppEngine(spec, installed_models_dir / CHAT_MODEL, settings)
    engine.load()
    yield engine
    engine.unload()


class Call:
    """One answer asked in a thread of its own: its pieces, its end (finish reason or error)."""

    def __init__(self, engine, question: str, system: str | None = None, max_tokens: int = 24, **options):
        self.pieces: list[str] = []
        self.generation = Generation()
        self.error: BaseException | None = None
        self.first_piece = threading.Event()
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": question}]

        def run() -> None:
            try:
                for piece in engine.stream_chat(
                    messages, max_tokens=max_tokens, temperature=0.0, seed=3, generation=self.generation, **options
                ):
                    self.pieces.append(piece)
                    self.first_piece.set()
            except BaseException as exc:  # noqa: BLE001  (the test looks at it)
                self.error = exc
            finally:
                self.first_piece.set()

        self.thread = threading.Thread(target=run, daemon=True)  # daemon: a hang fails the test, not pytest
        self.thread.start()

    def end(self) -> Call:
        self.thread.join(ENDS_WITHIN_S)
        assert not self.thread.is_alive(), "the caller was left waiting"
        return self

    @property
    def finished(self) -> bool:
        return (
            self.error is None
            and bool(self.generation.text.strip())
            and self.generation.finish_reason
            in (
                "stop",
                "length",
            )
        )


def assert_engine_failed(call: Call, cause: str) -> None:
    assert isinstance(call.error, EngineError), call.error
    assert call.error.code == "engine_failed" and cause in call.error.message


def assert_all_slots_back(engine) -> None:
    """Once the callers have ended, the loop retires their sequences at its next step (within a few seconds)."""
    batcher = engine._batcher
    deadline = time.monotonic() + 10
    while (batcher.active or len(batcher.free) < engine.slots) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert batcher._thread.is_alive(), "the loop goes on"
    assert not batcher.active and sorted(batcher.free) == list(range(engine.slots))


def test_a_sequence_that_cannot_be_placed_fails_alone_and_gives_its_slot_back(engine, monkeypatch):
    batcher = engine._batcher
    place = batcher._place

    def place_then_break(sequence) -> None:
        place(sequence)  # it has a slot (and maybe copied cells) when it breaks
        if BROKEN in engine._llm.detokenize(sequence.prompt).decode("utf-8", "replace"):
            raise RuntimeError("no room in the KV cache")

    monkeypatch.setattr(batcher, "_place", place_then_break)
    calls = [Call(engine, QUESTIONS[0]), Call(engine, f"{BROKEN} {QUESTIONS[1]}"), Call(engine, QUESTIONS[2])]
    good_first, broken, good_last = (call.end() for call in calls)

    assert_engine_failed(broken, "RuntimeError: no room in the KV cache")
    assert good_first.finished and good_last.finished
    assert_all_slots_back(engine)
    assert Call(engine, QUESTIONS[1]).end().finished  # and the slot it had serves again


def test_a_failed_decode_whose_cells_cannot_be_cleared_ends_every_answer_and_the_loop_goes_on(engine, monkeypatch):
    batcher = engine._batcher
    decode, remove = batcher.ctx.decode, batch_loop.llama_cpp.llama_memory_seq_rm
    broken = threading.Event()

    def decode_once_broken(batch) -> None:
        # Once both answers are in the batch: fails the decode that holds them both.
        if len(batcher.active) == 2 and not broken.is_set() and armed.is_set():
            broken.set()
            raise RuntimeError("llama_decode returned -3")
        decode(batch)

    def remove_unless_broken(memory, seq_id, start, end):
        if broken.is_set() and armed.is_set():
            raise OSError("cannot clear cells")
        return remove(memory, seq_id, start, end)

    armed = threading.Event()
    monkeypatch.setattr(batcher.ctx, "decode", decode_once_broken)
    monkeypatch.setattr(batch_loop.llama_cpp, "llama_memory_seq_rm", remove_unless_broken)
    armed.set()
    calls = [Call(engine, question, max_tokens=200) for question in QUESTIONS[:2]]  # long: still answering
    for call in calls:
        call.end()
    armed.clear()

    assert broken.is_set()
    for call in calls:
        assert_engine_failed(call, "llama_decode returned -3")
    assert_all_slots_back(engine)
    # The cells the error path could not clear are cleared by the next placing: the next answers are whole.
    again = [Call(engine, question) for question in QUESTIONS]
    assert all(call.end().finished for call in again)


@pytest.mark.parametrize("leaves", ["cancelled", "failed"])
def test_a_donor_leaving_while_a_follower_waits_for_its_prefix(engine, monkeypatch, leaves):
    """A follower waits for the donor to read the prefix they share; the donor leaves first (its client
    cancels, or its own sampling fails): the follower reads the prompt itself and answers."""
    batcher = engine._batcher
    place = batcher._place
    left: list = []

    class BrokenSampler:
        def sample(self, ctx, index):
            raise RuntimeError("sampler broke")

    def place_and_make_the_donor_leave(sequence) -> None:
        place(sequence)
        if sequence.follow is not None and not left:
            donor = sequence.follow[0]
            left.append(donor)
            if leaves == "cancelled":
                donor.cancel.set()
            else:
                donor.sampler = BrokenSampler()

    # An instruction no earlier answer used, so no free slot holds it and the follower must follow the donor.
    system = f"You advise farmers in the {leaves} valley of Kilifi county. Answer in one short sentence, kindly."
    donor = Call(engine, "Tell me a long story about a farmer.", system, max_tokens=200, cancel=threading.Event())
    assert donor.first_piece.wait(ENDS_WITHIN_S) and donor.error is None
    monkeypatch.setattr(batcher, "_place", place_and_make_the_donor_leave)
    follower = Call(engine, QUESTIONS[0], system).end()
    donor.end()

    assert left, "the follower waited on the donor"
    assert follower.finished
    if leaves == "cancelled":
        assert donor.error is None and donor.generation.finish_reason == "cancelled"
    else:
        assert_engine_failed(donor, "RuntimeError: sampler broke")
    assert_all_slots_back(engine)


def test_an_engine_stopped_mid_answer_ends_its_callers(installed_models_dir, tmp_path):
    settings = Settings(home=tmp_path, threads=2, chat_parallel=2)
    spec = ModelStore(installed_models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(CHAT_MODEL)
    engine = BatchedLlamaCppEngine(spec, installed_models_dir / CHAT_MODEL, settings)
    engine.load()
    try:
        story = Call(engine, "Tell me a long story about a farmer.", max_tokens=300)
        assert story.first_piece.wait(ENDS_WITHIN_S)
        engine._batcher.stop()
        story.end()
        assert isinstance(story.error, EngineError) and story.error.code == "engine_failed"
        with pytest.raises(EngineError):  # and a request after it is refused, not left waiting
            list(engine.stream_chat([{"role": "user", "content": "Hello"}], max_tokens=4))
    finally:
        engine.unload()
