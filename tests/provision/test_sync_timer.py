"""The timer that syncs the box with the district hub: rendered by provisioning from the site's setting, accepted
by systemd, enabled by provisioning, quiet when there is nothing to do, and shown in `edgekit sync status`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edgekit.provision.commit import commit
from edgekit.provision.config import SiteConfigError, parse_site_config
from edgekit.provision.render import render
from edgekit.provision.run import activation_steps
from edgekit.settings import Settings
from edgekit.sync import timer
from tests.provision.sites import site
from tests.provision.units import unit_options

SERVICE = "etc/systemd/system/edgekit-sync.service"
TIMER = "etc/systemd/system/edgekit-sync.timer"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "var-lib-edgekit", threads=2)


def provisioned(tmp_path, settings, **changes) -> Path:
    root = tmp_path / "root"
    commit(render(parse_site_config(site(**changes)), settings, root))
    return root


def test_provisioning_writes_a_timer_every_15_minutes_by_default_with_a_random_delay(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    schedule = unit_options(root / TIMER)
    assert schedule["Timer"]["OnUnitActiveSec"] == ["15min"] and schedule["Timer"]["RandomizedDelaySec"] == ["5min"]
    assert schedule["Install"]["WantedBy"] == ["timers.target"]
    service = unit_options(root / SERVICE)["Service"]
    assert service["Type"] == ["oneshot"] and service["User"] == ["edgekit"]
    assert service["ExecStart"] == [f"{Path(os.sys.executable).parent / 'edgekit'} sync push --timer"]
    assert f"EDGEKIT_HOME={settings.home}" in service["Environment"]
    assert service["ReadWritePaths"] == [str(settings.home)] and service["ProtectSystem"] == ["strict"]
    assert ["systemctl", "enable", "--now", "edgekit-sync.timer"] in activation_steps(parse_site_config(site()))


def test_the_site_chooses_the_interval_within_bounds(tmp_path, settings):
    root = provisioned(tmp_path, settings, sync__interval_min=60, sync__random_delay_min=10)
    schedule = unit_options(root / TIMER)["Timer"]
    assert schedule["OnUnitActiveSec"] == ["60min"] and schedule["RandomizedDelaySec"] == ["10min"]
    for bad in (0, 2, 100000, "15"):
        with pytest.raises(SiteConfigError) as caught:
            parse_site_config(site(sync__interval_min=bad))
        assert "sync.interval_min" in caught.value.message


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_sync_service_and_timer(tmp_path, settings):
    root = provisioned(tmp_path, settings)
    units = root / "etc/systemd/system"
    for unit in (units / "edgekit-sync.service", units / "edgekit-sync.timer"):
        run = subprocess.run(
            ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False, cwd=units
        )
        assert run.returncode == 0, run.stderr
        complaints = [line for line in run.stderr.splitlines() if "edgekit-sync" in line]
        assert not complaints, complaints


def _cli(home, *args):
    from edgekit.cli.main import app

    return CliRunner().invoke(app, ["--home", str(home), *args])


def test_the_timer_does_nothing_for_a_box_that_never_enrolled(tmp_path):
    home = tmp_path / "box"
    result = _cli(home, "sync", "push", "--timer")
    assert result.exit_code == 0 and "not enrolled" in result.output
    status = json.loads(_cli(home, "sync", "status", "--json").output)
    assert status["last_sync"] is None and "next_timer_run" in status


def test_the_next_run_is_read_from_systemd_when_it_is_there(tmp_path):
    # A stand-in for systemctl that answers as systemd does for a loaded timer, then for one not installed.
    fake = tmp_path / "systemctl"
    fake.write_text("#!/bin/sh\nprintf 'LoadState=loaded\\nNextElapseUSecRealtime=Thu 2026-12-03 23:45:12 UTC\\n'\n")
    fake.chmod(0o755)
    assert timer.next_timer_run(str(fake)) == "Thu 2026-12-03 23:45:12 UTC"
    fake.write_text("#!/bin/sh\nprintf 'LoadState=not-found\\nNextElapseUSecRealtime=\\n'\n")
    assert timer.next_timer_run(str(fake)) is None
    fake.write_text("#!/bin/sh\necho 'System has not been booted with systemd' >&2\nexit 1\n")
    assert timer.next_timer_run(str(fake)) is None


def test_the_doctor_shows_the_last_sync_and_warns_when_it_is_old(tmp_path):
    import time

    from sqlmodel import Session

    from edgekit.kit import Kit
    from edgekit.sync import state

    kit = Kit(Settings(home=tmp_path / "box", threads=1))
    try:
        assert timer.doctor_check(kit.db).as_dict() | {"detail": ""} == {
            "name": "hub_sync",
            "status": "ok",
            "detail": "",
            "fix": None,
        }
        with Session(kit.db) as session:
            state.put(session, state.HUB_URL, "https://hub.district.example")
            state.put(session, state.LAST_SYNC, int(time.time()) - 3600)
            session.commit()
        fresh = timer.doctor_check(kit.db)
        assert fresh.status == "ok" and "last sync 20" in fresh.detail and "next timer run" in fresh.detail
        with Session(kit.db) as session:
            state.put(session, state.LAST_ERROR, "hub_unreachable: The hub at https://hub.district.example ...")
            session.commit()
        stale = timer.doctor_check(kit.db, now=time.time() + 3 * 86400)
        assert (
            stale.status == "warn" and "hub_unreachable" in stale.detail and stale.fix.startswith("edgekit sync push")
        )
    finally:
        kit.close()


def test_the_doctor_reads_the_sync_state_without_creating_or_migrating_the_database(tmp_path):
    import sqlite3

    from edgekit.doctor.run import check_hub_sync
    from edgekit.kit import Kit

    kit = Kit(Settings(home=tmp_path / "box", threads=1))
    try:
        fresh = check_hub_sync(kit)
        assert (fresh.status, fresh.detail) == ("ok", "not enrolled with a district hub (no database yet)")
        assert not kit.settings.db_path.exists()  # the doctor looks; `edgekit db upgrade` is the technician's call
        kit.settings.home.mkdir(parents=True)
        sqlite3.connect(kit.settings.db_path).close()  # a database never upgraded
        unready = check_hub_sync(kit)
        assert unready.status == "warn" and "no such table" in unready.detail and unready.fix == "edgekit db upgrade"
        with sqlite3.connect(kit.settings.db_path) as connection:
            assert connection.execute("SELECT name FROM sqlite_master").fetchall() == []
    finally:
        kit.close()
