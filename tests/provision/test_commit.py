import os
import stat

import pytest

from edgekit.errors import EdgekitError
from edgekit.provision.commit import STAGED_SUFFIX, commit
from edgekit.provision.render import PlannedFile


def files_under(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_all_or_nothing_when_one_file_cannot_be_written(tmp_path):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hosts").write_text("the old hosts\n")
    (root / "etc" / "blocked").write_text("a file where a directory should be")
    before = files_under(root)
    plan = [
        PlannedFile(root / "etc" / "hosts", b"new hosts\n"),
        PlannedFile(root / "etc" / "systemd" / "system" / "edgekit.service", b"[Unit]\n"),
        PlannedFile(root / "etc" / "blocked" / "edgekit.conf", b"x\n"),
    ]
    with pytest.raises(EdgekitError) as caught:
        commit(plan)
    assert caught.value.code == "provision_failed" and "Nothing was changed" in caught.value.message
    assert files_under(root) == before  # no staged leftovers, no new directories
    assert (root / "etc" / "hosts").read_text() == "the old hosts\n"


def test_files_get_their_mode_from_the_start_and_unchanged_files_are_not_rewritten(tmp_path):
    secret = PlannedFile(tmp_path / "a" / "hotspot.nmconnection", b"psk=secret\n", 0o600)
    link = PlannedFile(tmp_path / "localtime", link_to="/usr/share/zoneinfo/Africa/Nairobi")
    old_umask = os.umask(0o000)
    try:
        assert [c.status for c in commit([secret, link])] == ["written", "written"]
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(secret.path.stat().st_mode) == 0o600
    first_inode = secret.path.stat().st_ino
    assert [c.status for c in commit([secret, link])] == ["unchanged", "unchanged"]
    assert secret.path.stat().st_ino == first_inode  # not replaced
    secret.path.chmod(0o644)
    assert [c.status for c in commit([secret])] == ["written"]  # a loosened mode is put right
    assert stat.S_IMODE(secret.path.stat().st_mode) == 0o600
    assert not list(tmp_path.rglob(f"*{STAGED_SUFFIX}"))


def test_dry_run_writes_nothing_and_removal_only_takes_what_is_there(tmp_path):
    plan = [PlannedFile(tmp_path / "new.conf", b"x"), PlannedFile(tmp_path / "old.conf", remove=True)]
    assert [c.status for c in commit(plan, dry_run=True)] == ["written", "absent"]
    assert not (tmp_path / "new.conf").exists()
    (tmp_path / "old.conf").write_text("left by the other backend")
    assert [c.status for c in commit(plan)] == ["written", "removed"]
    assert not (tmp_path / "old.conf").exists()
