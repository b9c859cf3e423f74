"""WorkerBacked: mixed in before a real engine class, it runs that engine in a worker process.

The stand-in keeps the real class's interface (and its plain-Python parts, such as building prompts); what needs
the native library is overridden with a call to the worker. The worker loads the real class itself.
"""

from __future__ import annotations

from edgekit.engines import Engine
from edgekit.errors import EngineError
from edgekit.workers.process import WorkerProcess


class WorkerBacked:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = WorkerProcess(self.spec.id, self.settings.worker_reply_timeout_s)

    @classmethod
    def real_class(cls) -> type[Engine]:
        """The engine the worker loads: the first engine class in the MRO that is not a stand-in."""
        return next(c for c in cls.__mro__ if issubclass(c, Engine) and not issubclass(c, WorkerBacked))

    @classmethod
    def real_engine(cls) -> str:
        real = cls.real_class()
        return f"{real.__module__}:{real.__qualname__}"

    @property
    def loaded(self) -> bool:
        return self.worker.alive()

    @property
    def crash_reason(self) -> str | None:
        return self.worker.dead_reason()

    def probe(self) -> None:
        self.worker.probe()

    def resident_mb(self) -> float | None:
        return self.worker.resident_mb()

    def load(self) -> None:
        self.worker.start(self.real_engine(), self.spec, self.model_dir, self.settings)

    def unload(self) -> None:
        self.worker.stop()

    def _require(self):
        raise EngineError(f"{self.spec.id} runs in a worker process: its native object is not in the server.")

    def _remote(self, method: str, *args, **kwargs):
        return self.worker.call(method, *args, **kwargs)
