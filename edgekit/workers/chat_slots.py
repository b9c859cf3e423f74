"""How many answers the chat model decodes together (EDGEKIT_CHAT_PARALLEL), and the KV cache they share.

The slots share one pool of KV cells instead of each holding a whole context: a classroom's answers are short
(a grounded prompt of 400-650 tokens and an answer of at most a few hundred), so a context of 4,096 cells per slot
mostly sits empty. The batch admits an answer when the pool has room for its prompt and its longest answer
(batch_loop.py), so it never runs out of cells, and one long conversation still fits: the pool holds at least a
whole context.

Auto: many slots per core. Measured on 2 cores (docs/models.md): decoding is compute-bound, yet one step for
16 sequences costs far less than 16 steps for one, so more slots raise what the box writes in all and cut the
wait for the first word; the pool keeps their memory to a quarter of the RAM budget.
"""

from __future__ import annotations

import os

# f16 K and V per token of context: qwen2.5-1.5b 28 KB, gemma-3-270m 18 KB, qwen2.5-0.5b 12 KB. The largest is
# used to plan before a model is loaded; the worker reports the real figure once it is (slot_memory_mb).
KV_KB_PER_TOKEN = 28
SLOTS_PER_CORE = 16
MAX_AUTO_SLOTS = 32
KV_SHARE_OF_BUDGET = 0.25
CELLS_PER_SLOT = 1024  # the pool's size per slot: a grounded prompt and its answer, with room to spare


def kv_mb(cells: int, kv_kb_per_token: float = KV_KB_PER_TOKEN) -> float:
    return cells * kv_kb_per_token * 1024 / 1e6


def pool_cells(slots: int, context_length: int) -> int:
    """The KV cells the slots share: CELLS_PER_SLOT each, and never less than one whole context."""
    return max(context_length, slots * CELLS_PER_SLOT)


def chat_slots(settings, context_length: int) -> int:
    """The number of parallel slots: the setting, or chosen from the cores and the RAM budget."""
    if settings.chat_parallel != "auto":
        return max(1, int(settings.chat_parallel))
    cores = os.cpu_count() or 1
    by_cores = min(MAX_AUTO_SLOTS, SLOTS_PER_CORE * cores)
    by_memory = int(settings.ram_budget_mb * KV_SHARE_OF_BUDGET // kv_mb(CELLS_PER_SLOT))
    return max(1, min(by_cores, by_memory))


def extra_kv_mb(slots: int, context_length: int) -> float:
    """What the pool adds to the catalog's figure, which holds one context's KV cache."""
    return kv_mb(pool_cells(slots, context_length) - context_length) if slots > 1 else 0.0


def chat_parallel_choice(settings, slots: int) -> str:
    """The slots and why, for `models status`."""
    if settings.chat_parallel != "auto":
        return f"{slots} (EDGEKIT_CHAT_PARALLEL={settings.chat_parallel})"
    return f"{slots} (auto: {os.cpu_count() or 1} cores, {settings.ram_budget_mb:.0f} MB budget)"
