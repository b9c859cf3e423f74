"""The RAM budget, LRU eviction and idle unload. The policy is logic around engines, so small fake engines with
known sizes stand in for models here; the real chat model checks the refusal of a model larger than the budget."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest

from edgekit.engines import Engine
from edgekit.errors import MemoryBusy, ModelTooLarge
from edgekit.kit import Kit
from edgekit.manager import ModelManager
from edgekit.models.catalog import Catalog
from edgekit.models.store import ModelStore
from edgekit.settings import Settings
from tests.test_installer import tiny_entry


class FakeEngine(Engine):
    events: ClassVar[list[str]] = []

    def load(self) -> None:
        FakeEngine.events.append(f"load {self.spec.id}")

    def unload(self) -> None:
        FakeEngine.events.append(f"unload {self.spec.id}")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def make_manager(tmp_path, monkeypatch):
    """A manager over three installed fake models of 100, 200 and 300 MB."""
    catalog_dir = tmp_path / "catalog"
    catalog_dir.mkdir()
    store = ModelStore(tmp_path / "models", Catalog([]))
    for model_id, ram in (("small", 100), ("medium", 200), ("large", 300)):
        text = tiny_entry().replace('id = "tiny"', f'id = "{model_id}"').replace("ram_mb = 1", f"ram_mb = {ram}")
        text = text.replace('engine = "faster_whisper"', 'engine = "fake"')
        (store.models_dir / model_id).mkdir(parents=True)
        (store.models_dir / model_id / "model.toml").write_text(text)
    monkeypatch.setattr(
        ModelStore,
        "require_verified",
        lambda self, model_id, what="Model": (self.installed_spec(model_id), self.model_dir(model_id)),
    )
    FakeEngine.events = []

    def build(budget_mb: float, keep_alive_s: float = 300, load_wait_s: float = 0) -> tuple[ModelManager, Clock]:
        clock = Clock()
        settings = Settings(
            home=tmp_path / "home", ram_budget_mb=budget_mb, keep_alive_s=keep_alive_s, load_wait_s=load_wait_s
        )
        return ModelManager(settings, store, {"fake": FakeEngine}, clock=clock), clock

    return build


def use(manager: ModelManager, clock: Clock, model_id: str) -> None:
    clock.now += 1
    with manager.acquire_model(model_id):
        pass


def test_least_recently_used_is_evicted_to_make_room(make_manager):
    manager, clock = make_manager(budget_mb=500)
    use(manager, clock, "small")
    use(manager, clock, "medium")
    use(manager, clock, "small")  # small is now more recent than medium
    use(manager, clock, "large")  # 100 + 200 + 300 > 500: medium goes
    assert manager.loaded_ids() == ["large", "small"]
    assert manager.used_mb() == 400
    assert FakeEngine.events == ["load small", "load medium", "unload medium", "load large"]


def test_a_model_in_use_is_never_evicted(make_manager):
    manager, clock = make_manager(budget_mb=400)
    with manager.acquire_model("medium"):
        use(manager, clock, "small")
        with pytest.raises(MemoryBusy) as caught:
            use(manager, clock, "large")  # would need medium gone, but it is held
        assert caught.value.code == "memory_busy"
        assert "medium" in manager.loaded_ids()


def test_a_load_waits_for_a_busy_model_to_be_released(make_manager):
    manager, _clock = make_manager(budget_mb=300, load_wait_s=30)
    holding = threading.Event()
    release = threading.Event()

    def hold_medium():
        with manager.acquire_model("medium"):
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold_medium)
    holder.start()
    holding.wait(5)
    threading.Timer(0.3, release.set).start()
    with manager.acquire_model("large"):  # waits until medium is released, then evicts it
        assert manager.loaded_ids() == ["large"]
    holder.join()


def test_larger_than_the_whole_budget_is_refused_before_loading(make_manager):
    manager, _clock = make_manager(budget_mb=250)
    with pytest.raises(ModelTooLarge) as caught, manager.acquire_model("large"):
        pass
    assert caught.value.code == "model_too_large"
    assert "300 MB" in caught.value.message and "250 MB" in caught.value.message
    assert FakeEngine.events == []


def test_idle_models_unload_after_the_keep_alive(make_manager):
    manager, clock = make_manager(budget_mb=1000, keep_alive_s=60)
    use(manager, clock, "small")
    clock.now += 30
    use(manager, clock, "medium")
    clock.now += 40  # small idle 71 s, medium 40 s
    assert manager.unload_idle() == ["small"]
    assert manager.loaded_ids() == ["medium"]
    status = manager.status()
    assert status == [
        {"id": "medium", "task": "stt", "ram_mb": 200, "in_use": False, "idle_s": 40.0, "unloads_in_s": 20.0}
    ]


def test_the_real_chat_model_is_refused_by_a_tiny_budget(installed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, ram_budget_mb=64))
    with pytest.raises(ModelTooLarge), kit.manager.acquire("chat"):
        pass
    assert kit.manager.loaded_ids() == []


def test_default_budget_comes_from_physical_memory():
    import psutil

    assert Settings().ram_budget_mb == round(psutil.virtual_memory().total / 1e6 / 2)


def test_real_models_take_turns_inside_a_small_budget(installed_models_dir, tmp_path):
    # 600 MB holds the chat model (about 420) or whisper-base (about 260), not both: the idle one makes room.
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, ram_budget_mb=600, threads=2))
    with kit.manager.acquire("chat"):
        assert kit.manager.loaded_ids() == ["gemma3-270m-q4km"]
    with kit.manager.acquire_model("whisper-base"):
        assert kit.manager.loaded_ids() == ["whisper-base"]
    assert kit.manager.used_mb() <= 600
    kit.close()


def test_two_callers_waiting_for_room_load_the_model_once(make_manager):
    manager, _clock = make_manager(budget_mb=450, load_wait_s=30)
    holding, release = threading.Event(), threading.Event()

    def hold_large():
        with manager.acquire_model("large"):
            holding.set()
            release.wait(5)

    engines = []

    def want_medium():
        with manager.acquire_model("medium") as engine:
            engines.append(engine)

    holder = threading.Thread(target=hold_large)
    holder.start()
    holding.wait(5)
    waiters = [threading.Thread(target=want_medium) for _ in range(2)]
    for waiter in waiters:
        waiter.start()
    threading.Timer(0.3, release.set).start()
    for thread in [holder, *waiters]:
        thread.join(10)
    assert FakeEngine.events.count("load medium") == 1
    assert engines[0] is engines[1]
    assert manager.used_mb() == 200
