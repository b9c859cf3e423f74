"""Restoring a backup: check all of it first, keep what is there, then swap it in.

Nothing changes until the whole backup checks out (every sha256, the database's integrity, a schema this edgekit
knows). The server must be stopped: restore takes the run lock `edgekit serve` holds (edgekit.runlock), so it
refuses while a server runs and no server starts while it works. The current database is kept as
edgekit.db.before-restore (copied with the backup API, so what sits in its WAL is kept too), replaced
configuration files as <name>.before-restore. The new database is staged on the same disk and renamed into place:
the box has the old database or the new one, never a mixture.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from edgekit.backup.create import DB_FILE, TRUSTED_KEYS, BackupError, check_backup, copy_database
from edgekit.errors import EdgekitError
from edgekit.models import checksums
from edgekit.models.store import ModelStore
from edgekit.progress import StartTask, no_progress
from edgekit.runlock import hold_run_lock
from edgekit.settings import Settings
from edgekit.store.db import MIGRATIONS
from edgekit.swap import swap_together

BEFORE = ".before-restore"


@dataclass
class RestoreResult:
    source: Path
    schema_revision: str | None
    restored: list[str]
    kept: list[str]  # the copies of what was replaced
    models_missing: list[str] = field(default_factory=list)  # listed in the backup, not installed (or different) here

    def as_dict(self) -> dict:
        return {**self.__dict__, "source": str(self.source)}


def _check_schema(revision: str | None, folder: Path) -> None:
    if revision is None:
        raise BackupError(
            f"The database in {folder} has no schema revision. Nothing was changed.", code="backup_invalid"
        )
    try:
        known = ScriptDirectory(MIGRATIONS).get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"The backup's database has schema {revision}, which this edgekit does not know: it was made by a newer "
            f"version. Update edgekit first. Nothing was changed.",
            code="backup_newer_schema",
        )


def _keep_current_database(home: Path) -> bool:
    """Copy the current database to edgekit.db.before-restore, then fold its WAL in and drop it: a WAL left beside
    the new file would be replayed into it."""
    current = home / DB_FILE
    if not current.exists():
        return False
    connection = sqlite3.connect(current, timeout=5)
    try:
        copy_database(connection, home / (DB_FILE + BEFORE))
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise BackupError(
            f"The database {current} is in use ({exc}): stop every edgekit command and the server, then restore "
            f"again. Nothing was changed.",
            code="database_busy",
        ) from exc
    finally:
        connection.close()
    if mode != "delete":
        raise BackupError(f"Could not close the journal of {current}. Nothing was changed.", code="database_busy")
    return True


def _models_missing(manifest: dict, settings: Settings) -> list[str]:
    """Models the backed-up box had that this one lacks, or has in another version: to install again."""
    from edgekit.models.catalog import Catalog

    store = ModelStore(settings.models_dir, Catalog.from_dir(settings.catalog_dir))
    missing = []
    for model in manifest.get("models", []):
        try:
            spec = store.installed_spec(model["id"])
        except EdgekitError:  # not a model id at all
            spec = None
        stamp = checksums.read_stamp(store.models_dir / model["id"]) if spec else {}
        here = {f.path: f.sha256 or stamp.get(f.path, {}).get("sha256") for f in spec.files} if spec else {}
        if here != {f["path"]: f["sha256"] for f in model["files"]}:
            missing.append(model["id"])
    return missing


def restore(settings: Settings, source: Path, progress: StartTask = no_progress) -> RestoreResult:
    home = settings.home
    with hold_run_lock(home, "restore"):
        manifest = check_backup(source, progress)
        _check_schema(manifest.get("schema_revision"), source)
        staging = Path(tempfile.mkdtemp(prefix=".restore-staging-", dir=home))
        try:
            for entry in manifest["files"]:  # copied to this disk and checked again: a stick may fail mid-copy
                target = staging / entry["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / entry["path"], target)
                if checksums.sha256_file(target) != entry["sha256"]:
                    raise BackupError(f"{entry['path']} changed while it was copied. Nothing was changed.")
            kept = [DB_FILE + BEFORE] if _keep_current_database(home) else []
            placed: list[str] = []
            try:
                kept += _swap_config(home, staging, [e["path"] for e in manifest["files"]], placed)
                with (staging / DB_FILE).open("rb") as stream:
                    os.fsync(stream.fileno())
                for leftover in ("-wal", "-shm", "-journal"):
                    (home / (DB_FILE + leftover)).unlink(missing_ok=True)
                os.replace(staging / DB_FILE, home / DB_FILE)
            except BaseException:
                _put_back(home, placed, kept)  # a failure half way must not leave new settings beside the old database
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    revision = _migrate(settings)
    return RestoreResult(
        source=source,
        schema_revision=revision,
        restored=[entry["path"] for entry in manifest["files"]],
        kept=kept,
        models_missing=_models_missing(manifest, settings),
    )


def _swap_config(home: Path, staging: Path, paths: list[str], placed: list[str]) -> list[str]:
    """The configuration files, each renamed into place with the old one kept; the trusted keys as one folder.
    `placed` collects what was put in place, so a failure can take it back (_put_back)."""
    kept = []
    for relative in paths:
        if relative == DB_FILE or relative.startswith(TRUSTED_KEYS + "/"):
            continue
        current = home / relative
        if current.exists():
            shutil.copyfile(current, home / (relative + BEFORE))
            kept.append(relative + BEFORE)
        os.replace(staging / relative, current)
        placed.append(relative)
    keys = home / TRUSTED_KEYS
    old_keys = home / (TRUSTED_KEYS + BEFORE)
    if keys.is_dir():
        shutil.rmtree(old_keys, ignore_errors=True)
        shutil.copytree(keys, old_keys)
        kept.append(TRUSTED_KEYS + BEFORE)
    (staging / TRUSTED_KEYS).mkdir(parents=True, exist_ok=True)
    with swap_together() as swap:
        swap.put(staging / TRUSTED_KEYS, keys)
    placed.append(TRUSTED_KEYS)
    return kept


def _put_back(home: Path, placed: list[str], kept: list[str]) -> None:
    """Undo a restore that failed half way: each file put in place goes back to the copy kept of it (or away,
    when there was none), and so does the database when its copy was kept."""
    for relative in [*placed, DB_FILE]:
        current, before = home / relative, home / (relative + BEFORE)
        if relative + BEFORE not in kept:
            if relative in placed and current.is_dir():
                shutil.rmtree(current, ignore_errors=True)
            elif relative in placed:
                current.unlink(missing_ok=True)
            continue
        if before.is_dir():
            shutil.rmtree(current, ignore_errors=True)
            shutil.copytree(before, current)
        else:
            shutil.copyfile(before, current)


def _migrate(settings: Settings) -> str | None:
    """A backup from an older edgekit is brought to this one's schema at once."""
    from edgekit.store import create_db_engine, migrate

    engine = create_db_engine(settings)
    try:
        return migrate(engine)
    finally:
        engine.dispose()
