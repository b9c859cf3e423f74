"""Backing up a box: the database, copied online, and its configuration, with a manifest of sha256s.

The database is copied with SQLite's backup API through the engine's own connection, so it is a consistent
snapshot even while the server writes (in WAL mode a reader never blocks a writer). The copy is switched to a
rollback journal so the backup is one self-contained file, and checked with `PRAGMA integrity_check`.
Configuration: device.toml, apps.json, packs.json and the trusted public keys. Never a private key. Models are not
copied (they are large and can be installed again): the manifest lists each with its files' sha256.
The manifest is written last, so a backup cut short has none and restore refuses it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from edgekit import __version__
from edgekit.errors import EdgekitError
from edgekit.kit import Kit
from edgekit.models import checksums
from edgekit.packs.keys import PUBLIC_SUFFIX, trusted_dir
from edgekit.progress import StartTask, no_progress

FORMAT = "edgekit-backup"
VERSION = 1
MANIFEST_FILE = "backup-manifest.json"
DB_FILE = "edgekit.db"
CONFIG_FILES = ("device.toml", "apps.json", "packs.json")
TRUSTED_KEYS = "keys/trusted"


class BackupError(EdgekitError):
    code = "backup_failed"
    http_status = 500


def restorable(path: str) -> bool:
    """The only paths a backup may hold, so a forged manifest cannot make restore write anywhere else."""
    if path in (DB_FILE, *CONFIG_FILES):
        return True
    folder, _, name = path.rpartition("/")
    return folder == TRUSTED_KEYS and name.endswith(PUBLIC_SUFFIX) and not name.startswith(".") and "/" not in name


def integrity(db_path: Path) -> str:
    """`PRAGMA integrity_check` of a database file, opened read-only and changed in no way."""
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
        try:
            return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return str(exc)


def schema_revision(db_path: Path) -> str | None:
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def copy_database(source: sqlite3.Connection, target: Path, progress: StartTask = no_progress) -> None:
    """An online copy through SQLite's backup API, made a single file (rollback journal) and synced to disk."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        advance = progress(f"copy {target.name}", 1)
        source.backup(copy)  # every page in one step: a snapshot, while writers in WAL mode carry on
        advance(1)
        copy.execute("PRAGMA journal_mode=DELETE")
        copy.commit()
    finally:
        copy.close()
    with partial.open("rb") as stream:
        os.fsync(stream.fileno())
    os.replace(partial, target)


def _model_list(kit: Kit) -> list[dict]:
    """Installed models with their files' sha256 (from the catalog or the build record: nothing re-hashed)."""
    models = []
    for model_id in kit.models.installed_ids():
        spec = kit.models.installed_spec(model_id)
        stamp = checksums.read_stamp(kit.models.model_dir(model_id))
        files = [{"path": f.path, "sha256": f.sha256 or stamp.get(f.path, {}).get("sha256")} for f in spec.files]
        models.append({"id": model_id, "status": kit.models.status(model_id), "files": files})
    return models


def _file_entry(root: Path, relative: str) -> dict:
    path = root / relative
    return {"path": relative, "size": path.stat().st_size, "sha256": checksums.sha256_file(path)}


def _config_paths(home: Path) -> list[str]:
    paths = [name for name in CONFIG_FILES if (home / name).is_file() and not (home / name).is_symlink()]
    keys = trusted_dir(home)
    if keys.is_dir():
        paths += [
            f"{TRUSTED_KEYS}/{key.name}"
            for key in sorted(keys.glob(f"*{PUBLIC_SUFFIX}"))
            if key.is_file() and not key.is_symlink() and restorable(f"{TRUSTED_KEYS}/{key.name}")
        ]
    return paths


@dataclass
class BackupResult:
    path: Path
    manifest: dict

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "files": [f["path"] for f in self.manifest["files"]],
            "bytes": sum(f["size"] for f in self.manifest["files"]),
            "schema_revision": self.manifest["schema_revision"],
            "models": [m["id"] for m in self.manifest["models"]],
        }


def backup(kit: Kit, to: Path, progress: StartTask = no_progress) -> BackupResult:
    """Write a backup into the folder `to` (new or empty) and check it after writing."""
    if to.exists() and (not to.is_dir() or any(to.iterdir())):
        raise BackupError(f"{to} is not an empty folder: a backup never mixes with other files.", code="backup_exists")
    home = kit.settings.home
    try:
        (to / "keys" / "trusted").mkdir(parents=True, exist_ok=True)
        raw = kit.db.raw_connection()
        try:
            copy_database(raw.driver_connection, to / DB_FILE, progress)
        finally:
            raw.close()
        config = _config_paths(home)
        for relative in config:
            (to / relative).write_bytes((home / relative).read_bytes())
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "edgekit_version": __version__,
            "schema_revision": schema_revision(to / DB_FILE),
            "files": [_file_entry(to, relative) for relative in [DB_FILE, *config]],
            "models": _model_list(kit),
        }
        temporary = to / f".{MANIFEST_FILE}.tmp"
        temporary.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, to / MANIFEST_FILE)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"Could not write the backup to {to}: {exc}.") from exc
    check_backup(to, progress)
    return BackupResult(to, manifest)


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise ValueError("not an edgekit backup manifest")
        for entry in manifest["files"]:
            if not (isinstance(entry["path"], str) and isinstance(entry["size"], int) and entry["sha256"]):
                raise ValueError("a file entry is malformed")
        return manifest
    except FileNotFoundError:
        raise BackupError(
            f"{folder} holds no {MANIFEST_FILE}: not a backup, or one that was cut short. Nothing was changed.",
            code="backup_invalid",
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(
            f"{folder}/{MANIFEST_FILE} is damaged ({exc}). Nothing was changed.", code="backup_invalid"
        ) from exc


def check_backup(folder: Path, progress: StartTask = no_progress) -> dict:
    """Every file listed, present, of its size and sha256, only restorable paths, and a sound database."""
    manifest = read_manifest(folder)
    paths = [entry["path"] for entry in manifest["files"]]
    if DB_FILE not in paths:
        raise BackupError(f"The backup in {folder} holds no database. Nothing was changed.", code="backup_invalid")
    for path in paths:
        if not restorable(path):
            raise BackupError(
                f"The backup lists '{path}', which no backup holds. Nothing was changed.", code="backup_invalid"
            )
    advance = progress(f"check {folder.name}", sum(entry["size"] for entry in manifest["files"]))
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if path.is_symlink() or not path.is_file():
            raise _damaged(folder, f"{entry['path']} is missing")
        if path.stat().st_size != entry["size"] or checksums.sha256_file(path, advance) != entry["sha256"]:
            raise _damaged(folder, f"{entry['path']} does not match its sha256")
    result = integrity(folder / DB_FILE)
    if result != "ok":
        raise _damaged(folder, f"the database fails its integrity check ({result[:200]})")
    return manifest


def _damaged(folder: Path, detail: str) -> BackupError:
    return BackupError(f"The backup in {folder} is damaged: {detail}. Nothing was changed.", code="backup_damaged")
