"""ModelManager: the one place models are loaded, inside one RAM budget.

- One instance per model, loaded on first use and only after its files are verified.
- Each loaded model has a lock: a llama.cpp context or a speech model is not safe from two threads at once. The
  batching chat engine has `slots` places instead (EDGEKIT_CHAT_PARALLEL): that many answers decode together.
- Loading a model that does not fit evicts the least recently used idle models first. A model larger than the
  whole budget is refused with a clear error instead of letting the kernel kill the server.
- A model idle for longer than the keep-alive is unloaded (unload_idle, run by a reaper thread in the server),
  so a box that served one voice question at noon does not hold the speech model all afternoon.
- Native engines run in worker processes (edgekit/workers): a worker that dies is forgotten, its crash recorded,
  and the next caller loads a fresh one, unless the model crashed so often that its loads are backing off. The
  budget counts a worker's real memory (its RSS) when that is more than the estimate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgekit.engines import Engine
from edgekit.engines.llm_llamacpp import DEFAULT_CONTEXT
from edgekit.errors import EdgekitError, EngineCrashed, MemoryBusy, ModelTooLarge
from edgekit.models.store import ModelStore
from edgekit.settings import Settings
from edgekit.workers.chat_slots import chat_slots
from edgekit.workers.crashes import CRASHES_FILE, CrashLog
from edgekit.workers.proxies import proxy_for

if TYPE_CHECKING:
    from edgekit.power.state import PowerState

TASK_NAMES = {
    "chat": "Chat model",
    "stt": "Speech model",
    "tts": "Voice",
    "embed": "Embedding model",
    "vision": "Vision model",
}


@dataclass
class Loaded:
    engine: Engine
    ram_mb: float
    last_used: float
    lock: threading.Lock | threading.BoundedSemaphore = field(default_factory=threading.Lock)
    users: int = 0  # callers holding or waiting for this model: never evicted while above zero

    def counted_mb(self) -> float:
        """The estimate, or what the model's worker really holds when that is more."""
        resident = self.engine.resident_mb()
        return self.ram_mb if resident is None else max(self.ram_mb, resident)


class ModelManager:
    def __init__(
        self,
        settings: Settings,
        store: ModelStore,
        engines: dict[str, type[Engine]],
        clock: Callable[[], float] = time.monotonic,
        power: PowerState | None = None,
    ):
        self.settings = settings
        # The power profile in force (edgekit.power.state.PowerState), when the kit has one: which tasks may load,
        # with how many threads, and how long an idle model stays. None: the box as its Settings say.
        self.power = power
        self.store = store
        self.engines = engines
        self.clock = clock
        self.budget_mb = settings.ram_budget_mb
        self._loaded: dict[str, Loaded] = {}
        self._state = threading.Condition()
        self.crashes = CrashLog(
            settings.home / CRASHES_FILE,
            after=settings.crash_backoff_after,
            window_s=settings.crash_window_s,
            backoff_s=settings.crash_backoff_s,
        )

    # --- which model -------------------------------------------------------------------------------
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

    # --- using a model -----------------------------------------------------------------------------
    @contextmanager
    def acquire(self, task: str) -> Iterator[Engine]:
        """Hold the model that serves `task`, loaded and to ourselves, for the length of the block."""
        with self.acquire_model(self.model_for(task), TASK_NAMES.get(task, "Model")) as engine:
            yield engine

    @contextmanager
    def acquire_model(self, model_id: str, what: str = "Model") -> Iterator[Engine]:
        """Hold one model by id (for a caller that must choose, e.g. English or multilingual speech)."""
        self._power_check(model_id)  # before pinning: work a profile keeps off never waits for memory
        while True:
            entry = self._pin(model_id, what)
            entry.lock.acquire()
            getattr(entry.engine, "probe", lambda: None)()  # a worker killed a moment ago is found out now
            if entry.engine.crash_reason is None:
                break
            # Its worker died while we waited (or while idle): forget it, and load a fresh one.
            entry.lock.release()
            self._unpin(model_id, entry)
        try:
            yield entry.engine
        finally:
            entry.lock.release()
            self._unpin(model_id, entry)

    def _unpin(self, model_id: str, entry: Loaded) -> None:
        with self._state:
            entry.users -= 1
            entry.last_used = self.clock()
            if entry.engine.crash_reason is not None:
                self._forget_crashed(model_id, entry)
            self._state.notify_all()

    def _forget_crashed(self, model_id: str, entry: Loaded) -> None:
        """Under the state lock: a dead worker leaves the loaded models, once, and its crash is recorded."""
        if self._loaded.get(model_id) is entry:
            del self._loaded[model_id]
            self.crashes.record(model_id, entry.engine.crash_reason or "died")
            entry.engine.unload()  # reaps the process

    def _power_check(self, model_id: str) -> None:
        if self.power is not None:
            spec = self.store.catalog.find(model_id)
            self.power.check_model_work(spec.task if spec else "chat")

    def _engine_settings(self) -> Settings:
        """Threads and batch of the power profile in force, for the model about to load."""
        return self.power.engine_settings() if self.power is not None else self.settings

    def _stale(self, entry: Loaded) -> bool:
        """Loaded under another profile: too many threads, or a task the profile now keeps off."""
        if self.power is None:
            return False
        return entry.engine.settings.threads != self.power.profile.threads or not self.power.allows(
            entry.engine.spec.task
        )

    def _keep_alive_s(self) -> float:
        return self.power.keep_alive_s() if self.power is not None else self.settings.keep_alive_s

    def _pin(self, model_id: str, what: str) -> Loaded:
        with self._state:
            entry = self._loaded.get(model_id)
            if entry is not None and entry.users == 0 and self._stale(entry):
                self._unload(model_id)  # loaded under another power profile: load it again as this one wants
                entry = None
            if entry is None:
                entry = self._load(model_id, what)
            entry.users += 1
            entry.last_used = self.clock()
            return entry

    def check_loadable(self, model_id: str, what: str = "Model") -> Engine | None:
        """Raise now what loading would raise (not installed, damaged, no engine, too large for the budget), so
        a streamed answer can fail with a proper error before its first byte. Returns an engine, not loaded, or
        None when the model is loaded already (nothing left to check)."""
        if model_id in self._loaded:
            return None
        return self._new_engine(model_id, what)

    def _new_engine(self, model_id: str, what: str) -> Engine:
        """The checks of check_loadable, for a model not loaded: an engine that fits the budget, not loaded."""
        self.crashes.refuse_if_backing_off(model_id, what)
        spec, directory = self.store.require_verified(model_id, what)
        engine_class = self.engines.get(spec.engine)
        if engine_class is None:
            raise EdgekitError(
                f"Model '{model_id}' needs the '{spec.engine}' engine, which is not available here "
                f"(engines: {', '.join(sorted(self.engines)) or 'none'}).",
                code="engine_unavailable",
            )
        proxy = proxy_for(engine_class) if self.settings.engine_workers else None
        engine = (proxy or engine_class)(spec, directory, self._engine_settings())
        need = engine.memory_estimate_mb()
        if need > self.budget_mb:
            raise ModelTooLarge(
                f"Model '{model_id}' needs about {need:.0f} MB of RAM, more than the whole budget of "
                f"{self.budget_mb:.0f} MB. Choose a smaller model, or raise EDGEKIT_RAM_BUDGET_MB if the box has "
                f"the memory."
            )
        return engine

    def _load(self, model_id: str, what: str) -> Loaded:
        """Load under the state lock: loads are rare and short, and one at a time keeps peak memory known."""
        engine = self._new_engine(model_id, what)  # _pin calls this only for a model not loaded
        need = engine.memory_estimate_mb()
        self._make_room(need)
        if model_id in self._loaded:  # another caller loaded it while we waited for room: use that one
            return self._loaded[model_id]
        try:
            engine.load()
        except EngineCrashed:
            self.crashes.record(model_id, engine.crash_reason or "died while loading")
            raise
        slots = slots_of(engine)
        lock = threading.BoundedSemaphore(slots) if slots > 1 else threading.Lock()
        entry = Loaded(engine=engine, ram_mb=need, last_used=self.clock(), lock=lock)
        self._loaded[model_id] = entry
        return entry

    def _make_room(self, need: float) -> None:
        deadline = self.clock() + self.settings.load_wait_s
        while self.used_mb() + need > self.budget_mb:
            idle = [(e.last_used, i) for i, e in self._loaded.items() if e.users == 0]
            if idle:
                self._unload(min(idle)[1])
                continue
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise MemoryBusy(
                    f"Every loaded model is in use and {need:.0f} MB more would pass the {self.budget_mb:.0f} MB "
                    f"budget. Try again in a moment."
                )
            self._state.wait(timeout=min(remaining, 1.0))

    # --- unloading ---------------------------------------------------------------------------------
    def _unload(self, model_id: str) -> None:
        entry = self._loaded.pop(model_id)
        entry.engine.unload()

    def unload_idle(self) -> list[str]:
        """Unload models unused for longer than the keep-alive, and idle ones the power profile no longer wants as
        they are (a model in use is never touched: its answer finishes first). Returns the ids unloaded."""
        with self._state:
            for model_id, entry in list(self._loaded.items()):
                if entry.users == 0 and entry.engine.crash_reason is not None:
                    self._forget_crashed(model_id, entry)
            now = self.clock()
            keep_alive_s = self._keep_alive_s()
            expired = [
                i
                for i, e in self._loaded.items()
                if e.users == 0 and (now - e.last_used >= keep_alive_s or self._stale(e))
            ]
            for model_id in expired:
                self._unload(model_id)
            return expired

    def unload_all(self) -> None:
        with self._state:
            for model_id in list(self._loaded):
                self._unload(model_id)

    def start_reaper(self, interval_s: float = 10.0) -> threading.Event:
        """Run unload_idle every interval in a daemon thread; set the returned event to stop it."""
        stop = threading.Event()

        def reap() -> None:
            while not stop.wait(interval_s):
                self.unload_idle()

        threading.Thread(target=reap, name="edgekit-model-reaper", daemon=True).start()
        return stop

    def slots_for(self, model_id: str) -> int:
        """How many requests may hold a model at once: its engine's slots (the fair queue admits that many).
        From the catalog alone when it is not loaded: no file is read or verified for it."""
        with self._state:
            entry = self._loaded.get(model_id)
            if entry is not None:
                return slots_of(entry.engine)
        spec = self.store.catalog.find(model_id)
        if spec is None:  # not in the catalog: loading it will say so (unknown_model); one at a time till then
            return 1
        engine_class = self.engines.get(spec.engine)
        proxy = proxy_for(engine_class) if engine_class is not None and self.settings.engine_workers else None
        if proxy is None or spec.task != "chat":
            return 1
        return chat_slots(self._engine_settings(), spec.context_length or DEFAULT_CONTEXT)

    # --- what is loaded ----------------------------------------------------------------------------
    def used_mb(self) -> float:
        return sum(e.counted_mb() for e in self._loaded.values())

    def loaded_ids(self) -> list[str]:
        return sorted(self._loaded)

    def status(self) -> list[dict[str, Any]]:
        with self._state:
            now = self.clock()
            return [
                {
                    "id": model_id,
                    "task": e.engine.spec.task,
                    "ram_mb": round(e.counted_mb()),
                    "in_use": e.users > 0,
                    "idle_s": round(now - e.last_used, 1),
                    "unloads_in_s": None if e.users else round(max(0.0, self._keep_alive_s() - (now - e.last_used)), 1),
                    **({"slots": slots_of(e.engine)} if slots_of(e.engine) > 1 else {}),  # a batching engine's
                    **_worker_fields(e.engine),
                }
                for model_id, e in sorted(self._loaded.items())
            ]


def slots_of(engine: Engine) -> int:
    return getattr(engine, "slots", 1)


def _worker_fields(engine: Engine) -> dict[str, Any]:
    """For a model in a worker process: its pid and what it really holds (absent for engines in the server)."""
    worker = getattr(engine, "worker", None)
    if worker is None or worker.pid is None:
        return {}
    resident = worker.resident_mb()
    return {"worker_pid": worker.pid, "rss_mb": None if resident is None else round(resident)}
