"""Restore: a good backup comes back whole, the database it replaces is kept, and a damaged backup, a newer schema
or a running server is refused with nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3

import pytest
from sqlmodel import Session, select

from edgekit.backup.create import MANIFEST_FILE, backup
from edgekit.backup.restore import restore
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.packs.keys import trusted_keys, untrust
from edgekit.runlock import hold_run_lock
from edgekit.settings import Settings
from edgekit.store.tables import AuditEntry, Exchange
from tests.test_backup import counts, fill


@pytest.fixture
def box(tmp_path):
    """A box in use, and a backup of it."""
    kit = Kit(Settings(home=tmp_path / "box", threads=2))
    fill(kit, tmp_path)
    backup(kit, tmp_path / "backup")
    kit.close()
    return Settings(home=tmp_path / "box", threads=2), tmp_path / "backup"


def change_everything(settings: Settings) -> None:
    """After the backup: a new user, the audit log and exchanges emptied, an app switched on, the key untrusted."""
    kit = Kit(settings)
    try:
        kit.accounts.add_user("intruder", "admin", password="after the backup")
        with Session(kit.db) as session:
            for row in [*session.exec(select(Exchange)), *session.exec(select(AuditEntry))]:
                session.delete(row)
            session.commit()
    finally:
        kit.close()
    (settings.home / "apps.json").write_text('{"disabled": []}')
    untrust(settings.home, "alice")


def state(settings: Settings) -> dict:
    kit = Kit(settings)
    try:
        with Session(kit.db) as session:
            return {
                "users": [u.name for u in kit.accounts.list_users()],
                "audit": sorted((e.actor, e.action, e.target) for e in session.exec(select(AuditEntry))),
                "exchanges": [(x.question, x.answer) for x in session.exec(select(Exchange).order_by(Exchange.id))],
                "apps": (settings.home / "apps.json").read_text(),
                "keys": [k.name for k in trusted_keys(settings.home)],
            }
    finally:
        kit.close()


def fingerprint(settings: Settings) -> dict:
    """Every file of the data directory with its sha256 (the WAL folded in first), to show nothing changed."""
    connection = sqlite3.connect(settings.home / "edgekit.db")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {
        str(p.relative_to(settings.home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(settings.home.rglob("*"))
        if p.is_file() and p.name != "server.lock"
    }


def test_a_backup_comes_back_whole(box):
    settings, folder = box
    backed_up = state(settings)
    change_everything(settings)
    changed = state(settings)
    assert changed != backed_up and "intruder" in changed["users"]
    result = restore(settings, folder)
    assert state(settings) == backed_up
    assert backed_up["exchanges"] == [(f"q{n}", f"a{n}") for n in range(5)] and len(backed_up["audit"]) == 3
    assert set(result.kept) == {
        "edgekit.db.before-restore",
        "apps.json.before-restore",
        "device.toml.before-restore",
        "keys/trusted.before-restore",
    }
    # What was replaced is kept, whole (the intruder's account was in the WAL, not only the main file).
    assert counts(settings.home / "edgekit.db.before-restore") == (3, 0, 0)
    assert json.loads((settings.home / "apps.json.before-restore").read_text()) == {"disabled": []}
    # The restored accounts work.
    kit = Kit(settings)
    try:
        assert kit.accounts.authenticate("amina", "4821").role == "health_worker"
    finally:
        kit.close()
    assert result.models_missing == []  # the same box: its model is still installed


def test_a_restore_onto_a_new_box_names_the_models_to_install(box, tmp_path):
    _settings, folder = box
    new_box = Settings(home=tmp_path / "new-box", threads=2)
    result = restore(new_box, folder)
    assert result.kept == [] and result.models_missing == ["tiny-rgb"]
    assert state(new_box)["users"] == ["amina", "tech"]


def damage(folder, path: str, offset: int = 4096, rehash: bool = False) -> None:
    target = folder / path
    data = bytearray(target.read_bytes())
    for i in range(offset, min(offset + 64, len(data))):  # the header of page 2
        data[i] ^= 0x5A
    target.write_bytes(bytes(data))
    if rehash:  # the manifest agrees with the damage: only the integrity check can tell
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
        for entry in manifest["files"]:
            if entry["path"] == path:
                entry["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
        (folder / MANIFEST_FILE).write_text(json.dumps(manifest))


def refused(settings, folder, code: str) -> EdgekitError:
    before = fingerprint(settings)
    with pytest.raises(EdgekitError) as caught:
        restore(settings, folder)
    assert caught.value.code == code, caught.value.message
    assert fingerprint(settings) == before
    assert not list(settings.home.glob("*before-restore*")) and not list(settings.home.glob(".restore-*"))
    return caught.value


def test_a_flipped_byte_in_the_database_is_refused(box):
    settings, folder = box
    damage(folder, "edgekit.db")
    assert "edgekit.db does not match" in refused(settings, folder, "backup_damaged").message


def test_a_database_that_fails_its_integrity_check_is_refused(box):
    settings, folder = box
    damage(folder, "edgekit.db", rehash=True)
    assert "integrity" in refused(settings, folder, "backup_damaged").message


def test_a_changed_configuration_file_is_refused(box):
    settings, folder = box
    (folder / "apps.json").write_text('{"disabled": ["health"]}')
    refused(settings, folder, "backup_damaged")


def test_a_backup_cut_short_is_refused(box):
    settings, folder = box
    (folder / MANIFEST_FILE).unlink()
    refused(settings, folder, "backup_invalid")


def test_a_manifest_that_would_write_elsewhere_is_refused(box):
    settings, folder = box
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    manifest["files"].append({"path": "../outside.txt", "size": 1, "sha256": "0" * 64})
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    refused(settings, folder, "backup_invalid")


def test_a_backup_from_a_newer_edgekit_is_refused(box):
    settings, folder = box
    connection = sqlite3.connect(folder / "edgekit.db")
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    manifest["schema_revision"] = "9999_from_the_future"
    manifest["files"][0]["size"] = (folder / "edgekit.db").stat().st_size
    manifest["files"][0]["sha256"] = hashlib.sha256((folder / "edgekit.db").read_bytes()).hexdigest()
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    refused(settings, folder, "backup_newer_schema")


def test_a_restore_is_refused_while_the_server_runs(box):
    settings, folder = box
    with hold_run_lock(settings.home, "serve"):
        error = refused(settings, folder, "server_running")
    assert "edgekit serve" in error.message and "Stop the server" in error.message
    restore(settings, folder)  # once it stops


def test_a_restore_that_fails_half_way_leaves_the_box_as_it_was(box, monkeypatch):
    settings, folder = box
    change_everything(settings)
    before = state(settings)
    import edgekit.backup.restore as restoring

    real_replace = os.replace

    def failing_replace(source, target, *args, **kwargs):
        if str(target).endswith("edgekit.db"):  # the configuration is in place; the database's turn fails
            raise OSError(28, "No space left on device")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(restoring.os, "replace", failing_replace)
    with pytest.raises(OSError):
        restore(settings, folder)
    monkeypatch.undo()
    assert state(settings) == before, "settings, keys and database all as they were before the restore"
