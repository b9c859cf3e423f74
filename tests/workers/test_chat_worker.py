"""The chat engine's proxy against the real gemma model in a worker: the same answers as in process, cancel and
early stops across the process boundary, engine errors with their codes, and memory handed back on unload."""

from __future__ import annotations

import dataclasses
import threading

import psutil
import pytest

from edgekit.engines.llm_llamacpp import Generation, LlamaCppEngine
from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.settings import Settings
from edgekit.workers.chat import ChatWorkerEngine
from tests.conftest import CHAT_MODEL

QUESTION = "How do I store maize after harvest?"


@pytest.fixture(scope="module")
def worker_kit(installed_models_dir, tmp_path_factory):
    kit = Kit(
        Settings(home=tmp_path_factory.mktemp("worker-home"), models_dir_override=installed_models_dir, threads=2)
    )
    yield kit
    kit.close()


def answer(kit: Kit) -> tuple[type, list[str], dict, int]:
    generation = Generation()
    with kit.manager.acquire("chat") as llm:
        pieces = list(llm.stream_answer(QUESTION, max_tokens=30, seed=5, temperature=0.0, generation=generation))
        return type(llm), pieces, dataclasses.asdict(generation), llm.count_tokens(QUESTION)


def test_the_worker_answers_as_the_engine_in_process_does(worker_kit, installed_models_dir, tmp_path):
    in_process = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2, engine_workers=False))
    try:
        process_type, *direct = answer(in_process)
    finally:
        in_process.close()
    worker_type, *through_worker = answer(worker_kit)
    assert (worker_type, process_type) == (ChatWorkerEngine, LlamaCppEngine)
    assert through_worker == direct
    assert len(through_worker[0]) > 1, "pieces arrive one by one across the boundary"


def test_cancel_stops_the_worker_within_a_token_and_it_serves_on(worker_kit):
    cancel = threading.Event()
    generation = Generation()
    pieces = []
    with worker_kit.manager.acquire("chat") as llm:
        for piece in llm.generate("Once upon a time", max_tokens=200, seed=1, cancel=cancel, generation=generation):
            pieces.append(piece)
            if len(pieces) == 3:
                cancel.set()
        assert generation.finish_reason == "cancelled" and len(pieces) == 3
        # A consumer that just stops reading leaves the channel clean too.
        early = llm.generate("Once upon a time", max_tokens=200, seed=1)
        assert next(early) and next(early)
        early.close()
        assert "".join(llm.stream_answer("What do goats eat?", max_tokens=8, seed=2)).strip()


def test_an_engine_error_in_the_worker_arrives_with_its_code(installed_models_dir, tmp_path):
    from edgekit.models.catalog import Catalog
    from edgekit.models.store import ModelStore

    settings = Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2)
    spec = ModelStore(installed_models_dir, Catalog.from_dir(settings.catalog_dir)).installed_spec(CHAT_MODEL)
    templated = dataclasses.replace(spec, prompt_format="chat_template", context_length=256)
    llm = ChatWorkerEngine(templated, installed_models_dir / CHAT_MODEL, settings)
    llm.load()
    try:
        with pytest.raises(BadInput) as caught:
            list(llm.stream_chat([{"role": "user", "content": "maize " * 400}], max_tokens=10))
        assert caught.value.code == "prompt_too_long" and caught.value.http_status == 413
        generation = Generation()  # and the same worker answers afterwards
        list(llm.stream_chat([{"role": "user", "content": "Hi"}], max_tokens=5, seed=1, generation=generation))
        assert llm.loaded and generation.finish_reason in ("stop", "length")
    finally:
        llm.unload()


def test_the_budget_counts_the_worker_and_unloading_ends_it(worker_kit):
    with worker_kit.manager.acquire("chat") as llm:
        pid = llm.worker.pid
    resident = psutil.Process(pid).memory_info().rss / 1e6
    [row] = worker_kit.manager.status()
    assert row["worker_pid"] == pid and row["rss_mb"] == pytest.approx(resident, abs=30)
    assert worker_kit.manager.used_mb() >= max(row["rss_mb"] - 30, 1)
    worker_kit.manager.unload_all()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert worker_kit.manager.used_mb() == 0
