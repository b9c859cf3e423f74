"""What each task asks of its engine, beyond loading: the methods the speech, voice, vision, embedding and chat code
call. The model manager hands out a plain Engine; `for_task` narrows it to the task's interface, and refuses with a
clear error an engine that does not offer it (a catalog entry that names an engine of another task), rather than
failing later with an AttributeError in the middle of a request.

The in-process engines and their worker stand-ins (edgekit.workers) both satisfy these, by their methods alone.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from edgekit.errors import EngineError

if TYPE_CHECKING:
    import numpy as np

    from edgekit.engines.stt_fasterwhisper import Transcript
    from edgekit.engines.vision_onnx import Classification
    from edgekit.models.catalog import ModelSpec
    from edgekit.vision.images import ImageSource


@runtime_checkable
class TaskEngine(Protocol):
    spec: ModelSpec


@runtime_checkable
class ChatEngine(TaskEngine, Protocol):
    def generate(
        self,
        prompt: str,
        *,
        max_tokens: int,
        temperature: float = ...,
        seed: int | None = ...,
        stop: list[str] | None = ...,
        cancel: threading.Event | None = ...,
        generation: Any = ...,
    ) -> Iterator[str]: ...


@runtime_checkable
class SpeechToTextEngine(TaskEngine, Protocol):
    def transcribe(
        self,
        audio: np.ndarray,
        language: str | None = ...,
        *,
        hotwords: str | None = ...,
        initial_prompt: str | None = ...,
    ) -> Transcript: ...


@runtime_checkable
class TextToSpeechEngine(TaskEngine, Protocol):
    def synthesize(self, text: str) -> bytes: ...


@runtime_checkable
class EmbeddingEngine(TaskEngine, Protocol):
    def embed(self, texts: list[str], batch_size: int = ...) -> np.ndarray: ...


@runtime_checkable
class VisionEngine(TaskEngine, Protocol):
    def classify(self, image: ImageSource, top_k: int | None = ...) -> Classification: ...


T = TypeVar("T", bound=TaskEngine)


def for_task(engine: object, interface: type[T]) -> T:
    """The engine as the task's interface, or an engine_unavailable error naming what it lacks."""
    if not isinstance(engine, interface):
        spec = getattr(engine, "spec", None)
        model = getattr(spec, "id", "?")
        raise EngineError(
            f"Model '{model}' runs on an engine ({type(engine).__name__}) that does not offer "
            f"{interface.__name__}: check the `engine` in its catalog entry.",
            code="engine_unavailable",
        )
    return engine
