"""ModelManager: the one place models are loaded, so that there is one instance of each and callers take turns.

Models load on first use and only after their files are verified. Each loaded model has a lock: a llama.cpp
context or a speech model is not safe to use from two threads at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from edgekit.engines import Engine
from edgekit.errors import EdgekitError
from edgekit.installer import ModelStore
from edgekit.settings import Settings

TASK_NAMES = {"chat": "Chat model", "stt": "Speech model", "tts": "Voice", "embed": "Embedding model"}


class ModelManager:
    def __init__(self, settings: Settings, store: ModelStore, engines: dict[str, type[Engine]]):
        self.settings = settings
        self.store = store
        self.engines = engines
        self._loaded: dict[str, Engine] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._registry_lock = threading.Lock()

    def model_for(self, task: str) -> str:
        """The model id that serves a task on this box."""
        by_task = {
            "chat": self.settings.chat_model,
            "stt": self.settings.stt_model,
            "tts": self.settings.tts_model,
            "embed": self.settings.embed_model,
        }
        if task not in by_task:
            raise EdgekitError(f"No model serves the task '{task}'.", code="task_unavailable")
        return by_task[task]

    def loaded_ids(self) -> list[str]:
        return sorted(self._loaded)

    @contextmanager
    def acquire(self, task: str) -> Iterator[Engine]:
        """Hold the model that serves `task`, loaded and to ourselves, for the length of the block."""
        with self.acquire_model(self.model_for(task), TASK_NAMES.get(task, "Model")) as engine:
            yield engine

    @contextmanager
    def acquire_model(self, model_id: str, what: str = "Model") -> Iterator[Engine]:
        """Hold one model by id (a caller that must choose, e.g. English or multilingual speech)."""
        engine, lock = self._engine(model_id, what)
        with lock:
            yield engine

    def _engine(self, model_id: str, what: str) -> tuple[Engine, threading.Lock]:
        with self._registry_lock:
            if model_id not in self._loaded:
                spec, directory = self.store.require_verified(model_id, what)
                engine_class = self.engines.get(spec.engine)
                if engine_class is None:
                    raise EdgekitError(
                        f"Model '{model_id}' needs the '{spec.engine}' engine, which is not available here "
                        f"(engines: {', '.join(sorted(self.engines)) or 'none'}).",
                        code="engine_unavailable",
                    )
                engine = engine_class(spec, directory, self.settings)
                engine.load()
                self._loaded[model_id] = engine
                self._locks[model_id] = threading.Lock()
            return self._loaded[model_id], self._locks[model_id]

    def unload_all(self) -> None:
        with self._registry_lock:
            for engine in self._loaded.values():
                engine.unload()
            self._loaded.clear()
            self._locks.clear()
