"""How many answers the chat model decodes together (EDGEKIT_CHAT_PARALLEL), and what their KV cache costs.

Each slot holds up to the model's whole context in the KV cache, so the slots never run out of cells whatever the
prompts are. Auto: a few slots per core (batched decoding is memory-bound on small CPUs: one pass over the
weights serves every sequence in the batch), and no more than a quarter of the RAM budget spent on KV cache.
"""

from __future__ import annotations

import os

# f16 K and V per token of context: qwen2.5-1.5b 28 KB, gemma-3-270m 18 KB, qwen2.5-0.5b 12 KB. The largest is
# used to plan before a model is loaded; the worker reports the real figure once it is (slot_memory_mb).
KV_KB_PER_TOKEN = 28
SLOTS_PER_CORE = 4
MAX_AUTO_SLOTS = 16
KV_SHARE_OF_BUDGET = 0.25


def kv_mb_per_slot(context_length: int, kv_kb_per_token: float = KV_KB_PER_TOKEN) -> float:
    return context_length * kv_kb_per_token * 1024 / 1e6


def chat_slots(settings, context_length: int) -> int:
    """The number of parallel slots: the setting, or chosen from the cores and the RAM budget."""
    if settings.chat_parallel != "auto":
        return max(1, int(settings.chat_parallel))
    cores = os.cpu_count() or 1
    by_cores = min(MAX_AUTO_SLOTS, SLOTS_PER_CORE * cores)
    by_memory = int(settings.ram_budget_mb * KV_SHARE_OF_BUDGET // kv_mb_per_slot(context_length))
    return max(1, min(by_cores, by_memory))


def chat_parallel_choice(settings, slots: int) -> str:
    """The slots and why, for `models status`."""
    if settings.chat_parallel != "auto":
        return f"{slots} (EDGEKIT_CHAT_PARALLEL={settings.chat_parallel})"
    return f"{slots} (auto: {os.cpu_count() or 1} cores, {settings.ram_budget_mb:.0f} MB budget)"
