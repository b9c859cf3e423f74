"""One answer's view of the batching engine's shared Llama: llama-cpp-python's own completion code, fed by the batch.

Llama._create_completion (stop strings, held-back partial stops, multi-byte characters, max tokens) and the chat
handlers call `self.generate(tokens, ...)`; this view answers that call from the Batcher instead of decoding alone,
with a sampler Llama itself builds from the request's options. Nothing else of Llama changes.
"""

from __future__ import annotations

import inspect
import threading

from llama_cpp import Llama

from edgekit.workers.batch_loop import END, Batcher, Sequence

SAMPLER_OPTIONS = set(inspect.signature(Llama._init_sampler).parameters) - {"self"}


class SequenceView(Llama):
    """The shared Llama as one answer sees it: its tokens come from the batch. Never closes the shared model."""

    def __init__(self, shared: Llama, batcher: Batcher, n_ctx: int, seed: int, cancel: threading.Event | None = None):
        self.__dict__.update(shared.__dict__)
        self._batcher = batcher
        self._cancel = cancel
        self._n_ctx = n_ctx  # one slot's context, not the whole cache's
        self._seed = seed

    def generate(self, tokens, **options):
        sampler = self._init_sampler(**{k: v for k, v in options.items() if k in SAMPLER_OPTIONS})
        sequence = Sequence(prompt=list(tokens), sampler=sampler, cancel=self._cancel)
        self._batcher.submit(sequence)
        try:
            while (token := sequence.tokens.get()) is not END:
                if isinstance(token, BaseException):
                    raise token
                yield token
        finally:
            self._batcher.close(sequence)

    def close(self) -> None:
        pass

    def __del__(self) -> None:
        pass
