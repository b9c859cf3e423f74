"""Engines: one module per way of running a model. Each registers itself through the register_engines hook."""

from __future__ import annotations

from pathlib import Path

from edgekit.models.catalog import ModelSpec
from edgekit.settings import Settings


class Engine:
    """What the model manager needs from every engine: load, unload and a memory estimate."""

    task: str = ""

    def __init__(self, spec: ModelSpec, model_dir: Path, settings: Settings):
        self.spec = spec
        self.model_dir = model_dir
        self.settings = settings

    @property
    def model_path(self) -> Path:
        return self.model_dir / self.spec.file

    def load(self) -> None:
        raise NotImplementedError

    def unload(self) -> None:
        raise NotImplementedError

    def memory_estimate_mb(self) -> float:
        return self.spec.ram_mb

    def resident_mb(self) -> float | None:
        """Memory the model really holds, where it can be told apart from the server's (a worker's RSS)."""
        return None

    @property
    def crash_reason(self) -> str | None:
        """Why the engine's worker process died, once it has. An engine inside the server never reports one."""
        return None
