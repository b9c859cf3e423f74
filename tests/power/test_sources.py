"""Power sources and energy counters, read from fake trees and a fake vcgencmd."""

from __future__ import annotations

import stat

from edgekit.hookspecs import hookimpl
from edgekit.plugins import load_plugins
from edgekit.power.sources import (
    PmicMeter,
    RaplCounter,
    energy_source_factories,
    find_energy_source,
    parse_pmic,
    read_power,
)
from edgekit.settings import Settings
from tests.power.fake_sysfs import battery, mains, rapl, write

# The shape of `vcgencmd pmic_read_adc` on a Pi 5 (values shortened).
PMIC_OUTPUT = """\
   3V7_WL_SW_A current(0)=0.00390372A
     3V3_SYS_A current(1)=0.05660200A
    VDD_CORE_A current(7)=1.50000000A
   3V7_WL_SW_V volt(8)=3.74325600V
     3V3_SYS_V volt(9)=3.31292000V
    VDD_CORE_V volt(15)=0.80000000V
      EXT5V_V volt(24)=5.14880000V
"""


def test_batteries_and_mains_with_voltage_current_and_power(tmp_path):
    battery(tmp_path, 64, power_uw=7_500_000)
    mains(tmp_path, online=False)
    reading = read_power(tmp_path)
    assert reading.has_battery and reading.battery_percent == 64 and not reading.charging
    assert reading.draw_w == 7.5
    assert reading.as_dict()["supplies"][1]["voltage_v"] == 12.8


def test_draw_from_voltage_and_current_when_the_board_gives_no_power(tmp_path):
    battery(tmp_path, 64)  # 12.8 V, 0.6 A
    assert abs(read_power(tmp_path).draw_w - 7.68) < 1e-9


def test_rapl_counts_across_the_counters_wrap(tmp_path):
    rapl(tmp_path, 1_000_000, max_uj=10_000_000)
    write(tmp_path / "class" / "powercap" / "intel-rapl:0:0" / "energy_uj", 5)  # a sub-zone: inside the package
    counter = RaplCounter.find(tmp_path)
    assert counter.name == "rapl:intel-rapl:0"
    assert counter.energy_j() == 0
    rapl(tmp_path, 9_000_000, max_uj=10_000_000)
    assert counter.energy_j() == 8.0
    rapl(tmp_path, 500_000, max_uj=10_000_000)  # wrapped
    assert counter.energy_j() == 9.5


def test_rapl_that_only_root_may_read_is_no_source(tmp_path):
    rapl(tmp_path, 1_000_000)
    (tmp_path / "class" / "powercap" / "intel-rapl:0" / "energy_uj").chmod(0)
    import os

    if os.geteuid() == 0:  # root reads anything: the permission cannot be tested here
        return
    assert RaplCounter.find(tmp_path) is None


def test_the_pmic_rails_are_volts_times_amps():
    rails = parse_pmic(PMIC_OUTPUT)
    assert set(rails) == {"3V7_WL_SW", "3V3_SYS", "VDD_CORE"}  # EXT5V has no current line
    assert abs(rails["VDD_CORE"] - 1.2) < 1e-9


def test_the_pmic_meter_integrates_a_fake_vcgencmd(tmp_path):
    script = tmp_path / "vcgencmd"
    script.write_text(f"#!/bin/sh\ncat <<'END'\n{PMIC_OUTPUT}END\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    times = iter([0.0, 10.0])
    meter = PmicMeter([str(script), "pmic_read_adc"], clock=lambda: next(times))
    watts = meter.power_w()
    assert abs(watts - sum(parse_pmic(PMIC_OUTPUT).values())) < 1e-9
    assert meter.energy_j() == 0.0
    assert abs(meter.energy_j() - 10 * watts) < 1e-6
    assert PmicMeter.find([str(tmp_path / "no-such-vcgencmd")]) is None


def test_a_plugin_adds_an_energy_source(tmp_path):
    class SmartPlug:
        name = "smart-plug"

        def energy_j(self):
            return 42.0

    class Plugin:
        @hookimpl
        def register_power_sources(self, register):
            register("smart-plug", lambda settings: SmartPlug())

    settings = Settings(home=tmp_path, sysfs_root=tmp_path / "sys")
    factories = energy_source_factories(load_plugins(entry_points=False, extra=(Plugin(),)))
    assert list(factories)[:2] == ["rapl", "pmic"]
    assert find_energy_source(settings, factories).name == "smart-plug"
    rapl(tmp_path / "sys", 5_000_000)  # a counter of the box's own comes first
    assert find_energy_source(settings, factories).name.startswith("rapl")


def test_a_broken_plugin_source_is_skipped(tmp_path):
    def broken(settings):
        raise RuntimeError("no such device")

    settings = Settings(home=tmp_path, sysfs_root=tmp_path / "sys")
    assert find_energy_source(settings, {"broken": broken}) is None
