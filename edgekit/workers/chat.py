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
from edgekit.workers.chat_slots import chat_slots, extra_kv_mb
from edgekit.workers.proxy import WorkerBacked

BATCHING_ENGINE = "edgekit.workers.batched_chat:BatchedLlamaCppEngine"


class ChatWorkerEngine(WorkerBacked, LlamaCppEngine):
    """With more than one slot (EDGEKIT_CHAT_PARALLEL), the worker runs the batching engine and answers `slots`
    requests at once through this one channel; with one, llama.cpp's one-at-a-time engine, as in process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = chat_slots(self.settings, self.context_length)

    def memory_estimate_mb(self) -> float:
        """The catalog's figure holds one context's KV cache; the slots' shared pool adds the rest."""
        return self.spec.ram_mb + extra_kv_mb(self.slots, self.context_length)

    def load(self) -> None:
        engine = BATCHING_ENGINE if self.slots > 1 else self.real_engine()
        self.worker.start(engine, self.spec, self.model_dir, self.settings)

    def slot_memory_mb(self) -> dict | None:
        """The slots' KV cache as the worker allocated it (None for the one-at-a-time engine)."""
        return self._remote("slot_memory_mb") if self.slots > 1 else None

    def count_tokens(self, text: str) -> int:
        return self._remote("count_tokens", text)

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
        if cancel is not None and cancel.is_set() and generation.finish_reason is None:
            generation.finish_reason = "cancelled"  # left without waiting for the worker's account
