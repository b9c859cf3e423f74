"""The batching chat engine: LlamaCppEngine's interface, every answer decoded in one shared batch.

One llama.cpp context holds a unified KV cache, a pool of cells the slots share (chat_slots.py), with a sequence
per slot (n_seq_max = slots). Each call gets its
own view of the shared Llama whose only change is where tokens come from: `generate` submits the prompt to the
Batcher (batch_loop.py) with a sampler built exactly as Llama builds it, and yields the tokens the batch samples.
Everything above it is llama-cpp-python's own code, unchanged: stop strings, held-back partial stops, multi-byte
characters, max tokens, chat templates. So a single greedy answer is the same, token for token and piece for
piece, as the one-at-a-time engine's, and the two can be compared in one run (EDGEKIT_CHAT_PARALLEL=1).
"""

from __future__ import annotations

import random
import threading

from edgekit.engines.llm_llamacpp import LlamaCppEngine
from edgekit.workers.chat_slots import chat_slots, extra_kv_mb, kv_mb, pool_cells


class BatchedLlamaCppEngine(LlamaCppEngine):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = chat_slots(self.settings, self.context_length)
        self._batcher = None
        self._seeds = random.Random()
        self._seeds_lock = threading.Lock()
        self.cells = pool_cells(self.slots, self.context_length)
        self._calling = threading.local()  # the cancel event and max tokens of the call this thread is serving

    def memory_estimate_mb(self) -> float:
        """The catalog's figure holds one context's KV cache; the slots' shared pool adds the rest."""
        return self.spec.ram_mb + extra_kv_mb(self.slots, self.context_length)

    def load(self) -> None:
        from llama_cpp import _internals, llama_cpp  # here: the server imports this module without llama.cpp

        from edgekit.workers.batch_loop import Batcher

        super().load()
        llm = self._llm
        params = llama_cpp.llama_context_params.from_buffer_copy(llm.context_params)
        params.n_ctx = self.cells
        params.n_seq_max = self.slots
        params.kv_unified = True  # slots share prefix cells (seq_cp) instead of copying them
        params.swa_full = True  # sliding-window layers keep every cell, so a copied prefix is whole
        context = _internals.LlamaContext(model=llm._model, params=params, verbose=False)
        llm._ctx.close()  # the one-sequence context Llama made; its KV cache goes back at once
        llm._ctx, llm.context_params = context, params
        self._seeds.seed(llm._seed)
        self._batcher = Batcher(context, llm._model.vocab, self.slots, llm.n_batch, cells=self.cells)

    def unload(self) -> None:
        if self._batcher is not None:
            self._batcher.stop()
            self._batcher = None
        super().unload()

    # The view Llama's completion code answers through is made in _require, which hears nothing of the call: the
    # call's cancel and max tokens reach it through this thread's _calling (the batch reserves cells by them).
    def generate(self, prompt: str, *, cancel: threading.Event | None = None, **options):
        self._calling.cancel, self._calling.max_tokens = cancel, options.get("max_tokens")
        yield from super().generate(prompt, cancel=cancel, **options)

    def stream_chat(self, messages: list[dict], *, cancel: threading.Event | None = None, **options):
        self._calling.cancel, self._calling.max_tokens = cancel, options.get("max_tokens")
        yield from super().stream_chat(messages, cancel=cancel, **options)

    def _require(self):
        """A view per call: the answers share the model and the batch, each has its own seed and sampler, and
        the batch drops one whose cancel is set even while it has no piece to show (reading its prompt)."""
        from edgekit.workers.sequence_view import SequenceView

        llm = super()._require()
        with self._seeds_lock:
            seed = self._seeds.randint(0, 2**32)
        return SequenceView(
            llm,
            self._batcher,
            self.context_length,
            seed,
            getattr(self._calling, "cancel", None),
            getattr(self._calling, "max_tokens", None),
        )

    def slot_memory_mb(self) -> dict:
        """The KV cache as loaded: the shared pool's cells and memory, and its share per slot, from the model's own
        dimensions (f16 K and V)."""
        llm = super()._require()
        meta, arch = llm.metadata, llm.metadata.get("general.architecture", "")
        layers = int(meta[f"{arch}.block_count"])
        heads = int(meta[f"{arch}.attention.head_count"])
        kv_heads = int(meta.get(f"{arch}.attention.head_count_kv", heads))
        head_dim = int(meta.get(f"{arch}.attention.key_length", int(meta[f"{arch}.embedding_length"]) // heads))
        per_token_kb = layers * kv_heads * head_dim * 2 * 2 / 1024
        pool_mb = kv_mb(self.cells, per_token_kb)
        return {
            "slots": self.slots,
            "kv_cells": self.cells,
            "kv_mb_per_slot": round(pool_mb / self.slots, 1),
            "kv_mb": round(pool_mb),
        }
