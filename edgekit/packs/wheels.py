"""Python wheels in packs: a llama-cpp-python built once, carried to boxes that have no compiler or no network.

A wheel is a part of its own (`wheels/<name>/<file>.whl`), recorded in the manifest with its tags and the CPU
architecture it was built for, and signed and verified like every file. On import it is installed into the
running venv (`pip install --no-index --no-deps`) only when one of its tags fits this interpreter and machine,
and kept in `$EDGEKIT_HOME/wheels/`, where the Makefile looks before it compiles llama-cpp-python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.tags import sys_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from edgekit.packs import PackError

WHEELS_DIR = "wheels"  # in the data directory: the Makefile's llama-wheel target reads it too
PIP_TIMEOUT_S = 600


def wheel_info(filename: str) -> tuple[str, str, list[str], str]:
    """(distribution, version, tags, architecture) from a wheel's file name; architecture "any" for pure wheels."""
    try:
        name, version, _build, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename as exc:
        raise PackError(f"'{filename}' is not a wheel's file name ({exc}).", code="pack_input_invalid") from None
    found = sorted(str(tag) for tag in tags)
    return str(name), str(version), found, architecture_of({tag.platform for tag in tags})


def architecture_of(platforms: set[str]) -> str:
    """x86_64, aarch64 ... from platform tags such as linux_x86_64 or manylinux_2_17_aarch64; "any" when pure."""
    machines = set()
    for platform_tag in platforms:
        if platform_tag == "any":
            continue
        for arch in ("x86_64", "aarch64", "armv7l", "i686", "riscv64", "ppc64le", "s390x", "arm64", "amd64"):
            if platform_tag.endswith(arch):
                machines.add(arch)
                break
        else:
            machines.add(platform_tag)
    return ",".join(sorted(machines)) or "any"


def check_wheel_file(path: Path) -> str:
    """A wheel to pack: a readable zip whose name parses; returns its file name."""
    wheel_info(path.name)
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise PackError(f"{path} is not a wheel file.", code="pack_input_invalid")
    return path.name


def fits_here(tags: list[str]) -> bool:
    """Whether pip on this interpreter and machine would install a wheel with these tags."""
    supported = {str(tag) for tag in sys_tags()}
    return any(tag in supported for tag in tags)


def require_fits(filename: str, tags: list[str], architecture: str) -> None:
    if not fits_here(tags):
        import platform

        raise PackError(
            f"The pack's wheel {filename} is built for {architecture}; this box is {platform.machine()} with "
            f"Python {platform.python_version()}. Use the pack made for this architecture. Refused, nothing installed.",
            code="wrong_architecture",
        )


def keep_and_install(staged: Path, home: Path, python: str = sys.executable) -> Path:
    """Keep the verified wheel in the data directory (for the Makefile) and install it into python's venv."""
    kept_dir = home / WHEELS_DIR
    kept_dir.mkdir(parents=True, exist_ok=True)
    kept = kept_dir / staged.name
    partial = kept_dir / f".{staged.name}.partial"
    shutil.copyfile(staged, partial)
    os.replace(partial, kept)
    command = [python, "-m", "pip", "install", "--no-index", "--no-deps", "--force-reinstall", "--quiet", str(kept)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PackError(f"Could not run pip to install {kept.name}: {exc}.", code="wheel_install_failed") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PackError(f"pip could not install {kept.name}: {last}", code="wheel_install_failed")
    return kept
