"""A box without a real-time clock after a power cut: back at 1970, set forward from the last saved time, and
doctor says so."""

from __future__ import annotations

import time

from edgekit.power.clock import restore_clock, save_time, saved_time
from edgekit.power.doctor import check_saved_clock
from edgekit.settings import Settings

A_DAY_IN_THE_FIELD = 1_796_000_000.0  # 2026-11-30


def test_a_clock_back_at_1970_is_set_forward_to_the_last_saved_time(tmp_path):
    settings = Settings(home=tmp_path)
    save_time(settings.home, A_DAY_IN_THE_FIELD)
    set_to = []
    done = restore_clock(settings.home, now=30.0, set_clock=set_to.append)  # 1970-01-01 00:00:30
    assert set_to == [A_DAY_IN_THE_FIELD] and done.set_to == A_DAY_IN_THE_FIELD
    check = check_saved_clock(settings, now=A_DAY_IN_THE_FIELD + 5)
    assert check.status == "warn" and "set forward to the last saved time" in check.detail
    assert "edgekit power clock save" in check.fix


def test_a_clock_that_is_right_is_left_alone(tmp_path):
    settings = Settings(home=tmp_path)
    save_time(settings.home, A_DAY_IN_THE_FIELD)
    set_to = []
    done = restore_clock(settings.home, now=A_DAY_IN_THE_FIELD + 3600, set_clock=set_to.append)
    assert set_to == [] and done.set_to is None
    assert check_saved_clock(settings, now=A_DAY_IN_THE_FIELD + 3600).status == "ok"


def test_nothing_saved_yet_sets_nothing(tmp_path):
    set_to = []
    assert restore_clock(tmp_path, now=30.0, set_clock=set_to.append).set_to is None and set_to == []
    assert "not saved yet" in check_saved_clock(Settings(home=tmp_path)).detail


def test_doctor_fails_a_clock_behind_the_saved_time_that_was_not_set_forward(tmp_path):
    settings = Settings(home=tmp_path)
    save_time(settings.home, A_DAY_IN_THE_FIELD)
    check = check_saved_clock(settings, now=30.0)
    assert check.status == "fail" and "power clock restore" in check.fix


def test_saving_by_hand_clears_the_warning(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from edgekit.cli.main import app

    save_time(tmp_path, A_DAY_IN_THE_FIELD)
    restore_clock(tmp_path, now=30.0, set_clock=lambda moment: None)
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "power", "clock", "save"])
    assert result.exit_code == 0, result.output
    assert check_saved_clock(Settings(home=tmp_path)).status == "ok"
    assert abs(saved_time(tmp_path) - time.time()) < 60


def test_restoring_as_root_never_writes_through_a_link_planted_in_the_data_directory(tmp_path):
    from edgekit.power.clock import RESTORED_FILE, restore_clock, save_time
    from edgekit.power.config import state_dir

    home = tmp_path / "home"
    save_time(home, now=2_000_000_000)
    victim = tmp_path / "shadow"
    victim.write_text("root:secret\n")
    (state_dir(home) / RESTORED_FILE).symlink_to(victim)
    restore_clock(home, now=10.0, set_clock=lambda _moment: None)
    assert victim.read_text() == "root:secret\n"
    marker = state_dir(home) / RESTORED_FILE
    assert not marker.is_symlink() and '"set_to": 2000000000' in marker.read_text()
