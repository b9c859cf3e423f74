"""The power watch with the real chat model and a fake battery: profiles change, models follow once idle, and an
empty battery ends in a clean shutdown (answers in progress finish, new work is refused, the database is flushed,
systemd is asked to power off: a test double here)."""

from __future__ import annotations

import threading
import time

import pytest

from edgekit.answering import record_exchange
from edgekit.kit import Kit
from edgekit.power.clock import saved_time
from edgekit.power.monitor import PowerMonitor
from edgekit.power.state import PowerLow, PowerSaving
from tests.conftest import CHAT_MODEL
from tests.power.fake_sysfs import battery, no_eco_hours


class PowerOff:
    """Stands in for `systemctl poweroff`: remembers that it was asked, and what had happened by then."""

    def __init__(self, events: list[str]):
        self.events = events
        self.commands: list[tuple[str, ...]] = []

    def __call__(self, command) -> None:
        self.commands.append(tuple(command))
        self.events.append("poweroff")


@pytest.fixture
def power_kit(settings, tmp_path):
    sysfs = tmp_path / "sys"
    battery(sysfs, 90)
    no_eco_hours(settings.home)
    kit = Kit(settings.model_copy(update={"sysfs_root": sysfs}))
    yield kit
    kit.close()


def test_profiles_follow_the_battery_and_idle_models_are_reloaded_to_match(power_kit):
    sysfs = power_kit.settings.sysfs_root
    monitor = PowerMonitor(power_kit, poweroff=PowerOff([]))
    monitor.tick()
    assert power_kit.power.profile.name == "normal"
    with power_kit.manager.acquire("chat") as llm:
        assert llm.settings.threads == 2 and llm.settings.batch_size == 512
    battery(sysfs, 40)
    monitor.tick()
    assert power_kit.power.profile.name == "eco" and power_kit.manager.loaded_ids() == []  # idle: gone at once
    with power_kit.manager.acquire("chat") as llm:
        assert llm.settings.threads == 1 and llm.settings.batch_size == 128
    assert power_kit.settings.threads == 2  # the kit's Settings never change


def test_a_model_in_use_is_never_taken_away_by_a_change_of_profile(power_kit):
    sysfs = power_kit.settings.sysfs_root
    monitor = PowerMonitor(power_kit, poweroff=PowerOff([]))
    with power_kit.manager.acquire("chat") as llm:
        battery(sysfs, 20)
        monitor.tick()
        assert power_kit.power.profile.name == "critical"
        assert power_kit.manager.loaded_ids() == [CHAT_MODEL]  # its answer goes on
        text = "".join(llm.stream_answer("Name a cereal.", max_tokens=8, seed=1))
        assert text
    power_kit.manager.unload_idle()
    assert power_kit.manager.loaded_ids() == []
    with pytest.raises(PowerSaving) as refused, power_kit.manager.acquire("chat"):
        pass
    assert refused.value.code == "power_saving" and refused.value.http_status == 503


def test_an_empty_battery_finishes_the_answer_in_progress_then_flushes_and_powers_off(power_kit):
    sysfs = power_kit.settings.sysfs_root
    events: list[str] = []
    poweroff = PowerOff(events)
    monitor = PowerMonitor(power_kit, poweroff=poweroff)
    monitor.tick()
    record_exchange(power_kit.db, question="q", answer="a", model="m")
    holding, finished = threading.Event(), []

    def answer_in_progress():
        meter = power_kit.power.meter()  # the answer began before the shutdown
        with power_kit.manager.acquire("chat") as llm:
            holding.set()
            time.sleep(0.5)
            text = "".join(llm.stream_answer("Name a cereal.", max_tokens=8, seed=1))
        with power_kit.manager.acquire("embed"):  # its next step still runs: the answer was begun
            pass
        meter.stop()
        events.append("answer finished")
        finished.append(text)

    worker = threading.Thread(target=answer_in_progress)
    worker.start()
    assert holding.wait(120)
    battery(sysfs, 8)
    monitor.tick()  # returns once the box would be off
    worker.join()
    assert events == ["answer finished", "poweroff"] and finished[0]
    assert poweroff.commands == [("systemctl", "poweroff")]
    with pytest.raises(PowerLow) as refused, power_kit.manager.acquire("chat"):
        pass
    assert refused.value.code == "power_low" and "8%" in refused.value.message
    wal = power_kit.settings.db_path.with_name(power_kit.settings.db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # flushed into the database file
    assert saved_time(power_kit.settings.home) == pytest.approx(time.time(), abs=60)
    assert power_kit.manager.loaded_ids() == []


def test_the_battery_is_logged_for_the_days_chart(power_kit):
    from sqlmodel import select

    from edgekit.store import session_for
    from edgekit.store.tables import PowerSample

    sysfs = power_kit.settings.sysfs_root
    monitor = PowerMonitor(power_kit, poweroff=PowerOff([]))
    monitor.tick()
    battery(sysfs, 45)
    monitor.tick()  # a change of profile is logged at once
    monitor.tick()  # no change, not yet time: not logged
    with session_for(power_kit.db) as session:
        samples = session.exec(select(PowerSample.battery_percent, PowerSample.profile)).all()
    assert samples == [(90, "normal"), (45, "eco")]


def test_only_the_systemd_service_powers_the_box_off(monkeypatch):
    from edgekit.power.monitor import default_poweroff, run_poweroff

    monkeypatch.delenv("INVOCATION_ID", raising=False)
    assert default_poweroff() is not run_poweroff  # a developer's laptop with a flat battery stays on
    monkeypatch.setenv("INVOCATION_ID", "0123456789abcdef")
    assert default_poweroff() is run_poweroff


def test_a_day_on_a_falling_battery_ends_in_a_clean_shutdown(tmp_path):
    from edgekit.settings import Settings

    sysfs = tmp_path / "sys"
    no_eco_hours(tmp_path / "home")
    kit = Kit(Settings(home=tmp_path / "home", sysfs_root=sysfs))
    events: list[str] = []
    monitor = PowerMonitor(kit, poweroff=PowerOff(events))
    seen = []
    for level in (95, 70, 45, 30, 20, 12, 9):
        battery(sysfs, level)
        monitor.tick()
        seen.append((level, kit.power.profile.name, kit.power.shutting_down))
    kit.close()
    assert seen == [
        (95, "normal", False),
        (70, "normal", False),
        (45, "eco", False),
        (30, "eco", False),
        (20, "critical", False),
        (12, "critical", False),
        (9, "critical", True),
    ]
    assert events == ["poweroff"] and monitor.shut_down


def test_a_box_that_did_not_power_off_serves_again_once_its_battery_recovers(tmp_path):
    from edgekit.settings import Settings

    sysfs = tmp_path / "sys"
    no_eco_hours(tmp_path / "home")
    kit = Kit(Settings(home=tmp_path / "home", sysfs_root=sysfs))
    events: list[str] = []
    monitor = PowerMonitor(kit, poweroff=PowerOff(events))  # a power-off that leaves the box running
    battery(sysfs, 9)
    monitor.tick()
    assert events == ["poweroff"] and kit.power.shutting_down
    battery(sysfs, 60, status="Charging")
    monitor.tick()
    kit.close()
    assert not kit.power.shutting_down and not monitor.shut_down


def test_a_refused_power_off_is_logged(caplog):
    from edgekit.power.monitor import run_poweroff

    run_poweroff(["sh", "-c", "echo 'Access denied' >&2; exit 1"])
    assert "refused, exit 1: Access denied" in caplog.text
