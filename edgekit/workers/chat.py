"""The chat engine's stand-in inside the server: LlamaCppEngine's interface, its llama.cpp part in a worker.

Building prompts (messages_prompt, question_prompt, context_length) is plain Python on the catalog entry and stays
here; loading, counting tokens and generating run in the worker. Pieces arrive as the worker writes them, and the
caller's Generation is filled in as in process: text as it streams, the counts once the answer ends (so an answer
cut short by a crash keeps the text already sent).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from edgekit.engines.llm_llamacpp import Generation, LlamaCppEngine
from edgekit.errors import EngineError
from edgekit.workers.process import WorkerProcess


class ChatWorkerEngine(LlamaCppEngine):
    real_engine = f"{LlamaCppEngine.__module__}:{LlamaCppEngine.__qualname__}"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = WorkerProcess(self.spec.id)

    @property
    def loaded(self) -> bool:
        return self.worker.alive()

    @property
    def crash_reason(self) -> str | None:
        return self.worker.dead_reason()

    def resident_mb(self) -> float | None:
        return self.worker.resident_mb()

    def load(self) -> None:
        self.worker.start(self.real_engine, self.spec, self.model_dir, self.settings)

    def unload(self) -> None:
        self.worker.stop()

    def _require(self):
        raise EngineError("The chat model runs in a worker process: its llama.cpp object is not in the server.")

    def count_tokens(self, text: str) -> int:
        return self.worker.call("count_tokens", text)

    def generate(
        self, prompt: str, *, cancel: threading.Event | None = None, generation: Generation | None = None, **options
    ) -> Iterator[str]:
        return self._stream("generate", (prompt,), options, cancel, generation)

    def stream_chat(
        self,
        messages: list[dict],
        *,
        cancel: threading.Event | None = None,
        generation: Generation | None = None,
        **options,
    ) -> Iterator[str]:
        return self._stream("stream_chat", (messages,), options, cancel, generation)

    def _stream(self, method, args, options, cancel, generation) -> Iterator[str]:
        generation = generation if generation is not None else Generation()
        for kind, value in self.worker.stream(method, args, options, cancel):
            if kind == "piece":
                generation.text += value
                yield value
            else:  # "end": the worker's own account of the answer
                for name, field_value in value.items():
                    setattr(generation, name, field_value)
