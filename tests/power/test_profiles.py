"""Choosing a profile: every decision from a fake sysfs tree read the way the box reads its own."""

from __future__ import annotations

import pytest

from edgekit.power.config import PowerConfig
from edgekit.power.profiles import choose_profile, profiles_for
from edgekit.power.sources import read_power
from edgekit.settings import Settings
from tests.power.fake_sysfs import battery, mains

CONFIG = PowerConfig(eco_below=50, critical_below=25, shutdown_below=10, eco_hours=(19, 6), hysteresis=3)
NOON = 12


def decide(sysfs, hour=NOON, pinned=None, previous=None, config=CONFIG):
    return choose_profile(read_power(sysfs), hour, config, pinned, previous)


def test_a_battery_falling_through_the_thresholds(tmp_path):
    seen = []
    previous = None
    for level in (90, 60, 49, 30, 24, 11, 9):
        battery(tmp_path, level)
        decision = decide(tmp_path, previous=previous)
        seen.append((level, decision.profile, decision.shutdown))
        previous = decision.profile
    assert seen == [
        (90, "normal", False),
        (60, "normal", False),
        (49, "eco", False),
        (30, "eco", False),
        (24, "critical", False),
        (11, "critical", False),
        (9, "critical", True),
    ]


def test_no_battery_at_all_is_mains_and_always_normal(tmp_path):
    assert decide(tmp_path, hour=23).profile == "normal"  # an empty tree: a desktop, a VM
    mains(tmp_path, online=True)
    decision = decide(tmp_path, hour=2)
    assert decision.profile == "normal" and not decision.shutdown and "mains" in decision.reason


def test_charging_is_one_step_better_and_never_shuts_down(tmp_path):
    battery(tmp_path, 40, status="Charging")
    assert decide(tmp_path).profile == "normal"
    battery(tmp_path, 20, status="Charging")
    assert decide(tmp_path).profile == "eco"
    battery(tmp_path, 5, status="Charging")
    decision = decide(tmp_path)
    assert decision.profile == "eco" and not decision.shutdown and "charging" in decision.reason


def test_mains_online_counts_as_charging(tmp_path):
    battery(tmp_path, 5, status="Not charging")  # a UPS board that reports its pack idle while on mains
    mains(tmp_path, online=True)
    decision = decide(tmp_path)
    assert not decision.shutdown and decision.profile == "eco"


def test_the_night_on_battery_is_eco_even_when_full(tmp_path):
    battery(tmp_path, 95)
    assert decide(tmp_path, hour=21).profile == "eco"
    assert decide(tmp_path, hour=3).profile == "eco"
    assert decide(tmp_path, hour=7).profile == "normal"
    battery(tmp_path, 95, status="Charging")
    assert decide(tmp_path, hour=21).profile == "normal"


def test_a_level_hovering_on_a_threshold_does_not_flip_the_profile(tmp_path):
    battery(tmp_path, 51)
    assert decide(tmp_path, previous="eco").profile == "eco"  # back above 50 by less than the hysteresis
    battery(tmp_path, 54)
    assert decide(tmp_path, previous="eco").profile == "normal"
    battery(tmp_path, 26)
    assert decide(tmp_path, previous="critical").profile == "critical"
    assert decide(tmp_path, previous="normal").profile == "eco"


def test_a_pin_wins_but_an_empty_battery_still_shuts_down(tmp_path):
    battery(tmp_path, 80)
    assert decide(tmp_path, pinned="critical").profile == "critical"
    battery(tmp_path, 30)
    decision = decide(tmp_path, pinned="normal")
    assert decision.profile == "normal" and decision.pinned
    battery(tmp_path, 8)
    assert decide(tmp_path, pinned="normal").shutdown


def test_the_profiles_spend_less_and_less(tmp_path):
    profiles = profiles_for(Settings(home=tmp_path, threads=4, max_tokens=200, keep_alive_s=300))
    normal, eco, critical = profiles["normal"], profiles["eco"], profiles["critical"]
    assert normal.threads == 4 and eco.threads == 2 and critical.threads == 1
    assert normal.max_tokens > eco.max_tokens > critical.max_tokens
    assert normal.batch_size > eco.batch_size > critical.batch_size
    assert normal.keep_alive_s > eco.keep_alive_s > critical.keep_alive_s == 0
    assert normal.chat_allowed and eco.chat_allowed and not critical.chat_allowed
    assert critical.voice == "espeak" and not critical.allows("tts") and critical.allows("embed")


@pytest.mark.parametrize(
    "table, problem",
    [
        ("[power]\neco_below = 20\ncritical_below = 30\n", "shutdown_below <= critical_below <= eco_below"),
        ("[power]\neco_hours = [19, 30]\n", "eco_hours"),
        ("[power]\nunknown = 1\n", "unknown"),
    ],
)
def test_a_bad_power_table_is_a_clear_error(tmp_path, table, problem):
    from edgekit.device import DeviceFileError
    from edgekit.power.config import power_config

    (tmp_path / "device.toml").write_text(table)
    with pytest.raises(DeviceFileError, match=problem) as caught:
        power_config(tmp_path)
    assert caught.value.code == "bad_device_file"


def test_the_site_file_sets_the_thresholds(tmp_path):
    from edgekit.power.config import power_config

    (tmp_path / "device.toml").write_text('[site]\nname = "x"\n\n[power]\neco_below = 70\neco_hours = [18, 7]\n')
    config = power_config(tmp_path)
    assert config.eco_below == 70 and config.eco_hours == (18, 7) and config.critical_below == 25
    battery(tmp_path / "sys", 65)
    assert choose_profile(read_power(tmp_path / "sys"), NOON, config).profile == "eco"
