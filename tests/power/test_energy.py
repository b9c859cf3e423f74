"""Energy per answer: measured from a counter, else estimated from CPU time and the calibration."""

from __future__ import annotations

import time

import pytest

from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.power.calibrate import calibrate
from edgekit.power.energy import Calibration, EnergyMeter, board_calibration, read_calibration
from edgekit.settings import Settings
from tests.power.fake_sysfs import pi_model


def burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_estimated_from_cpu_time_and_the_calibration():
    calibration = Calibration(idle_w=3.7, core_w=2.2, source="test")
    meter = EnergyMeter(None, calibration, "eco")
    burn(0.3)
    use = meter.stop()
    assert use.method == "estimated" and use.profile == "eco"
    assert use.cpu_s >= 0.29 and use.joules == pytest.approx(use.cpu_s * 2.2, rel=0.01)


def test_measured_from_a_counter_less_the_idle_draw_it_was_calibrated_with():
    class Counter:
        name = "rapl:intel-rapl:0"

        def __init__(self):
            self.joules = 100.0

        def energy_j(self):
            return self.joules

    counter = Counter()
    ticks = iter([0.0, 2.0])
    meter = EnergyMeter(counter, Calibration(5.0, 3.0, "rapl:intel-rapl:0"), "normal", clock=lambda: next(ticks))
    counter.joules = 130.0
    use = meter.stop()
    assert use.method == "measured" and use.joules == 20.0  # 30 J seen, 2 s x 5 W of them idle


def test_a_boards_published_figures_until_calibrated(tmp_path):
    pi_model(tmp_path, "Raspberry Pi 5 Model B Rev 1.0")
    pi5 = board_calibration(tmp_path)
    assert pi5.idle_w == 3.7 and pi5.core_w == pytest.approx(2.2) and "Raspberry Pi 5" in pi5.source
    pi_model(tmp_path, "Raspberry Pi 4 Model B Rev 1.4")
    assert board_calibration(tmp_path).idle_w == 1.6
    assert "assumed" in board_calibration(tmp_path / "nothing").source


def test_calibrating_with_a_technicians_meter_is_kept_and_used(tmp_path):
    settings = Settings(home=tmp_path / "home", sysfs_root=tmp_path / "sys", threads=2)
    kit = Kit(settings)
    result = calibrate(kit.power, idle_w=3.0, busy_w=11.0)
    assert result.source == "given" and result.idle_w == 3.0
    assert read_calibration(settings.home, settings.sysfs_root) == result
    assert kit.power.calibration == result  # the running state reads it again
    with pytest.raises(BadInput):
        calibrate(kit.power, idle_w=3.0)
    with pytest.raises(BadInput):
        calibrate(kit.power, idle_w=9.0, busy_w=3.0)


def test_calibrating_from_the_batterys_own_readings(tmp_path):
    from tests.power.fake_sysfs import battery

    settings = Settings(home=tmp_path / "home", sysfs_root=tmp_path / "sys", threads=2)
    battery(settings.sysfs_root, 80, power_uw=4_000_000)  # a UPS board reporting 4 W, constant
    result = calibrate(Kit(settings).power, seconds=1)
    assert result.source == "battery" and result.idle_w == pytest.approx(4.0, rel=0.05)
    assert result.core_w == pytest.approx(0.0, abs=0.1)  # the fake draw did not rise under load


def test_calibrating_with_nothing_to_measure_keeps_the_boards_figures_and_saves_nothing(tmp_path):
    from edgekit.power.energy import CALIBRATION_FILE

    settings = Settings(home=tmp_path / "home", sysfs_root=tmp_path / "sys", threads=2)
    pi_model(settings.sysfs_root, "Raspberry Pi 4 Model B Rev 1.4")
    result = calibrate(Kit(settings).power, seconds=1)
    assert result.idle_w == 1.6 and not result.measured_at
    assert not (settings.home / "power" / CALIBRATION_FILE).exists()
