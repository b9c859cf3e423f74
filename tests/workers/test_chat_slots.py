"""How many slots auto gives, and the KV pool they share: from the cores, the RAM budget and the context."""

from __future__ import annotations

import pytest

from edgekit.settings import Settings
from edgekit.workers import chat_slots as cs


@pytest.fixture
def cores(monkeypatch):
    def set_cores(n: int) -> None:
        monkeypatch.setattr(cs.os, "cpu_count", lambda: n)

    return set_cores


def test_auto_gives_many_slots_per_core_up_to_the_cap(cores, tmp_path):
    cores(2)
    assert cs.chat_slots(Settings(home=tmp_path, ram_budget_mb=8000), 4096) == 32
    cores(1)
    assert cs.chat_slots(Settings(home=tmp_path, ram_budget_mb=8000), 4096) == 16


def test_auto_keeps_the_pool_within_a_quarter_of_the_budget(cores, tmp_path):
    cores(4)
    for budget in (500, 1000, 2000, 4000):
        slots = cs.chat_slots(Settings(home=tmp_path, ram_budget_mb=budget), 4096)
        assert slots >= 1 and cs.kv_mb(slots * cs.CELLS_PER_SLOT) <= budget / 4 + 1e-9
    # A 4 GB box (a 2 GB budget) still gets a classroom's worth with the largest chat model's cache.
    assert cs.chat_slots(Settings(home=tmp_path, ram_budget_mb=2000), 4096) >= 16


def test_the_pool_holds_a_whole_context_at_least_and_costs_what_one_context_does_not():
    assert cs.pool_cells(32, 4096) == 32 * cs.CELLS_PER_SLOT
    assert cs.pool_cells(2, 4096) == 4096  # one long conversation still fits
    assert cs.extra_kv_mb(1, 4096) == 0 and cs.extra_kv_mb(2, 4096) == 0
    assert cs.extra_kv_mb(32, 4096) == pytest.approx(cs.kv_mb(32 * 1024 - 4096))


def test_a_pinned_setting_wins(tmp_path):
    assert cs.chat_slots(Settings(home=tmp_path, chat_parallel=3, ram_budget_mb=10), 4096) == 3
    assert cs.chat_slots(Settings(home=tmp_path, chat_parallel=1), 4096) == 1
