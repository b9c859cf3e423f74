"""One answer's view of the batching engine's shared Llama: llama-cpp-python's own completion code, fed by the batch.

Llama._create_completion (stop strings, held-back partial stops, multi-byte characters, max tokens) and the chat
handlers call `self.generate(tokens, ...)`; this view answers that call from the Batcher instead of decoding alone,
with a sampler Llama itself builds from the request's options. Nothing else of Llama changes.
"""

from __future__ import annotations

import inspect
import threading

import numpy as np
from llama_cpp import Llama

from edgekit.workers.batch_loop import END, Batcher, Sequence

NO_LOGITS = np.zeros(1, dtype=np.single)  # the batch keeps no logits; the handlers' stops look at tokens only
SAMPLER_OPTIONS = set(inspect.signature(Llama._init_sampler).parameters) - {"self"}


class SequenceView(Llama):
    """The shared Llama as one answer sees it: its tokens come from the batch. Never closes the shared model."""

    def __init__(
        self,
        shared: Llama,
        batcher: Batcher,
        n_ctx: int,
        seed: int,
        cancel: threading.Event | None = None,
        max_tokens: int | None = None,
    ):
        self.__dict__.update(shared.__dict__)
        self._batcher = batcher
        self._cancel = cancel
        self._n_ctx = n_ctx  # one slot's context, not the whole cache's
        self._seed = seed
        self._max_tokens = max_tokens

    def generate(self, tokens, stopping_criteria=None, **options):
        sampler = self._init_sampler(**{k: v for k, v in options.items() if k in SAMPLER_OPTIONS})
        # Cells for the prompt and the longest answer Llama lets it write (it stops at max_tokens, or where the
        # slot's context ends): what the batch reserves in the shared pool before it admits the answer.
        answer = self._max_tokens if self._max_tokens is not None and self._max_tokens > 0 else self._n_ctx
        reserve = min(self._n_ctx, len(tokens) + answer)
        sequence = Sequence(prompt=list(tokens), sampler=sampler, cancel=self._cancel, reserve=reserve)
        seen = list(tokens)
        self._batcher.submit(sequence)
        try:
            while (token := self._batcher.next_token(sequence)) is not END:
                if isinstance(token, BaseException):
                    raise token
                # As Llama.generate: a chat handler's stop (its template's end token) ends it before the token.
                if stopping_criteria is not None and stopping_criteria(np.asarray(seen, dtype=np.intc), NO_LOGITS):
                    return
                seen.append(token)
                yield token
        finally:
            self._batcher.close(sequence)
            # What Llama._create_completion reads after the loop (its stopping check): this answer's tokens.
            self.input_ids, self.n_tokens = np.asarray(seen, dtype=np.intc), len(seen)
            self.scores = np.zeros((len(seen), 1), dtype=np.single)

    def close(self) -> None:
        pass

    def __del__(self) -> None:
        pass
