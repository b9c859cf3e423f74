"""Backups: an online copy of the database (while others write) and the configuration, with a checked manifest."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from sqlmodel import Session, func, select

from edgekit.answering import record_exchange
from edgekit.backup.create import MANIFEST_FILE, backup, check_backup, integrity
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.packs.keys import create_key_pair, trust
from edgekit.settings import Settings
from edgekit.store import audit
from edgekit.store.tables import AuditEntry, Exchange
from tests import vision_model


def fill(kit: Kit, tmp_path) -> None:
    """A box in use: accounts, audit entries, exchanges, an app switched off, a trusted key, a model."""
    kit.accounts.add_user("amina", "health_worker", pin="4821")
    kit.accounts.add_user("tech", "admin", password="long enough secret")
    with Session(kit.db) as session:
        audit.record(session, "amina", "record_read", "mother-17")
        session.commit()
    for number in range(5):
        record_exchange(kit.db, question=f"q{number}", answer=f"a{number}", model="m", app="agri")
    (kit.settings.home / "apps.json").write_text('{"disabled": ["agri"]}')
    (kit.settings.home / "device.toml").write_text('[site]\nname = "Kisumu clinic"\n')
    trust(kit.settings.home, create_key_pair("alice", tmp_path / "alice-keys").public_path)
    create_key_pair("box-own", kit.settings.home / "keys" / "private")  # never to leave the box in a backup
    vision_model.install(kit.settings.models_dir)


@pytest.fixture
def kit(tmp_path):
    kit = Kit(Settings(home=tmp_path / "box", threads=2))
    fill(kit, tmp_path)
    yield kit
    kit.close()


def counts(db_path) -> tuple[int, int, int]:
    connection = sqlite3.connect(db_path)
    try:
        return tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("user", "audit_entry", "exchange")
        )
    finally:
        connection.close()


def test_a_backup_holds_the_database_and_configuration_but_no_private_key(kit, tmp_path):
    result = backup(kit, tmp_path / "usb" / "backup")
    folder = result.path
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert [f["path"] for f in manifest["files"]] == [
        "edgekit.db",
        "device.toml",
        "apps.json",
        "keys/trusted/alice.pub",
    ]
    assert not (folder / "keys" / "private").exists() and not list(folder.rglob("*.key"))
    assert counts(folder / "edgekit.db") == (2, 3, 5)  # two users added (audited) and one read
    assert integrity(folder / "edgekit.db") == "ok"
    assert manifest["schema_revision"] and check_backup(folder) == manifest
    # Models are listed, not copied.
    [model] = manifest["models"]
    assert model["id"] == "tiny-rgb" and model["status"] == "verified"
    assert {f["path"] for f in model["files"]} == {"model.onnx", "labels.txt"} and all(
        len(f["sha256"]) == 64 for f in model["files"]
    )
    assert not (folder / "models").exists()


def test_the_copy_is_one_file_holding_what_sits_in_the_wal(kit, tmp_path):
    wal = kit.settings.home / "edgekit.db-wal"
    assert wal.exists() and wal.stat().st_size > 0  # committed rows not yet checkpointed into the main file
    folder = backup(kit, tmp_path / "backup").path
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [MANIFEST_FILE, "apps.json", "device.toml", "edgekit.db", "keys"]
    )
    connection = sqlite3.connect(folder / "edgekit.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()
    assert counts(folder / "edgekit.db")[2] == 5


def test_a_backup_while_another_writer_keeps_writing(kit, tmp_path):
    """As with the server running: writes go on during the copy, and the copy is a consistent snapshot."""
    stop = threading.Event()
    written = []

    def keep_writing():
        while not stop.is_set():
            record_exchange(kit.db, question="during", answer="backup", model="m")
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        folder = backup(kit, tmp_path / "backup").path
    finally:
        stop.set()
        writer.join()
    users, _audit, exchanges = counts(folder / "edgekit.db")
    assert integrity(folder / "edgekit.db") == "ok"
    assert users == 2 and 5 + 20 <= exchanges <= 5 + len(written)
    with Session(kit.db) as session:
        assert session.exec(select(func.count()).select_from(Exchange)).one() == 5 + len(written)


def test_a_backup_never_mixes_with_other_files(kit, tmp_path):
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"photo")
    with pytest.raises(EdgekitError) as caught:
        backup(kit, folder)
    assert caught.value.code == "backup_exists"
    assert sorted(p.name for p in folder.iterdir()) == ["holiday.jpg"]


def test_a_backup_into_an_empty_folder_such_as_a_usb_stick(kit, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    assert backup(kit, stick).path == stick and (stick / MANIFEST_FILE).is_file()


def test_the_audit_log_in_the_copy_is_the_boxs(kit, tmp_path):
    folder = backup(kit, tmp_path / "backup").path
    copy = Kit(Settings(home=folder, threads=2))
    try:
        with Session(copy.db) as session:
            actions = sorted(entry.action for entry in session.exec(select(AuditEntry)))
        assert actions == ["record_read", "user_added", "user_added"]
    finally:
        copy.close()
