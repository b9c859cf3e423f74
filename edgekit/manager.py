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

TASK_NAMES = {"chat": "Chat model"}


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
        if task == "chat":
            return self.settings.chat_model
        raise EdgekitError(f"No engine serves the task '{task}' yet.", code="task_unavailable")

    def loaded_ids(self) -> list[str]:
        return sorted(self._loaded)

    @contextmanager
    def acquire(self, task: str) -> Iterator[Engine]:
        """Hold the model that serves `task`, loaded and to ourselves, for the length of the block."""
        model_id = self.model_for(task)
        engine, lock = self._engine(model_id, TASK_NAMES.get(task, "Model"))
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
