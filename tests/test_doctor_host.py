"""The doctor's checks of the box itself, on fake sysfs and procfs trees."""

import os
import time
from pathlib import Path

import pytest

from edgekit.doctor import host as doctor_host
from edgekit.settings import Settings


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def sysfs(tmp_path) -> Path:
    return tmp_path / "sys"


@pytest.fixture
def box(tmp_path, sysfs) -> Settings:
    return Settings(home=tmp_path / "home", sysfs_root=sysfs, procfs_root=tmp_path / "proc", threads=2)


@pytest.mark.parametrize(("millidegrees", "status"), [("45123", "ok"), ("80500", "warn"), ("86000", "fail")])
def test_cpu_temperature(sysfs, millidegrees, status):
    write(sysfs / "class/thermal/thermal_zone0/type", "cpu-thermal\n")
    write(sysfs / "class/thermal/thermal_zone0/temp", millidegrees + "\n")
    write(sysfs / "class/thermal/thermal_zone1/temp", "30000\n")
    check = doctor_host.check_temperature(sysfs)
    assert check.status == status
    assert f"{int(millidegrees) / 1000:.1f} °C (cpu-thermal)" in check.detail
    assert (check.fix is not None) == (status != "ok")


def test_no_sensors_is_not_a_fault(sysfs):
    assert doctor_host.check_temperature(sysfs).status == "ok"
    assert doctor_host.check_power(sysfs).detail == "not reported on this machine"


def test_under_voltage_on_a_pi(sysfs):
    throttled = sysfs / "devices/platform/soc/soc:firmware/get_throttled"
    write(throttled, "50005\n")  # under-voltage now and since boot, throttled
    check = doctor_host.check_power(sysfs)
    assert check.status == "fail" and "under-voltage now" in check.detail and "power supply" in check.fix
    write(throttled, "50000\n")  # it happened since boot, not now
    assert doctor_host.check_power(sysfs).status == "warn"
    write(throttled, "0\n")
    assert doctor_host.check_power(sysfs).status == "ok"


def test_on_battery_and_low(sysfs):
    write(sysfs / "class/power_supply/ac/type", "Mains\n")
    write(sysfs / "class/power_supply/ac/online", "0\n")
    write(sysfs / "class/power_supply/BAT0/type", "Battery\n")
    write(sysfs / "class/power_supply/BAT0/status", "Discharging\n")
    write(sysfs / "class/power_supply/BAT0/capacity", "64\n")
    check = doctor_host.check_power(sysfs)
    assert (check.status, check.detail) == ("ok", "on battery, battery 64%")
    write(sysfs / "class/power_supply/BAT0/capacity", "12\n")
    check = doctor_host.check_power(sysfs)
    assert check.status == "warn" and "sudo poweroff" in check.fix
    write(sysfs / "class/power_supply/ac/online", "1\n")
    write(sysfs / "class/power_supply/BAT0/status", "Charging\n")
    assert doctor_host.check_power(sysfs).detail == "on mains, battery 12%"


def test_disk_writes_since_boot(box):
    diskstats = (
        " 179       0 mmcblk0 9000 10 500000 100 40000 20 8000000 900 0 1000 1000\n"
        " 179       2 mmcblk0p2 8000 10 400000 100 30000 20 6000000 800 0 900 900\n"
    )
    write(box.procfs_root / "diskstats", diskstats)
    write(box.procfs_root / "uptime", "360000.5 700000.0\n")  # a hundred hours: 31 MB an hour
    check = doctor_host.check_disk_writes(box, device=(179, 2))
    assert check.status == "ok"
    assert check.detail == "mmcblk0p2: 3,072 MB written since boot (100.0 h ago)"  # 6,000,000 sectors of 512 B
    write(box.procfs_root / "uptime", "3600.0 7000.0\n")  # the same in one hour is too much
    check = doctor_host.check_disk_writes(box, device=(179, 2))
    assert check.status == "warn" and "3,072 MB an hour" in check.detail
    assert doctor_host.check_disk_writes(box, device=(8, 1)).detail.startswith("not known")


def test_a_clock_back_in_1970_fails_with_the_command_that_fixes_it(box):
    check = doctor_host.check_clock(box, now=0.0)
    assert check.status == "fail" and "1970" in check.detail and "before edgekit was installed" in check.detail
    assert check.fix.startswith("sudo date -s 'YYYY-MM-DD HH:MM'")


def test_a_clock_behind_the_newest_data_file_fails(box):
    write(box.home / "models" / "x" / "model.toml", "")
    later = time.time() + 7 * 86400
    os.utime(box.home / "models" / "x" / "model.toml", (later, later))
    check = doctor_host.check_clock(box, installed=0.0)
    assert check.status == "fail" and "model.toml in the data directory was written" in check.detail
    assert doctor_host.check_clock(box, now=later + 60, installed=0.0).status in ("ok", "warn")


def test_a_site_time_zone_other_than_the_box_s_is_a_warning(box):
    now = time.time()
    local_offset = time.strftime("%z", time.localtime(now))
    other = "Pacific/Kiritimati" if local_offset != "+1400" else "Africa/Nairobi"
    check = doctor_host.check_clock(box.model_copy(update={"timezone": other}), now=now, installed=0.0)
    assert check.status == "warn" and check.fix == f"sudo timedatectl set-timezone {other}"


def test_site_not_provisioned_or_damaged(box):
    check = doctor_host.check_site(box)
    assert check.status == "warn" and check.fix == doctor_host.PROVISION_FIX
    write(box.home / "device.toml", "[site\nname=")
    check = doctor_host.check_site(box)
    assert check.status == "fail" and "device.toml cannot be read" in check.detail


def test_doctor_reads_the_trees_named_in_settings(tmp_path):
    from typer.testing import CliRunner

    from edgekit.cli.main import app

    sysfs = tmp_path / "sys"
    write(sysfs / "class/thermal/thermal_zone0/temp", "91000\n")
    env = {"EDGEKIT_SYSFS_ROOT": str(sysfs), "EDGEKIT_PROCFS_ROOT": str(tmp_path / "proc")}
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "doctor"], env=env)
    assert result.exit_code == 1
    assert "[FAIL] temperature: 91.0 °C" in result.stdout
    assert "fix: move the box into shade" in result.stdout
