"""Building a model on the box from its source package: the recipe runs in a child process (torch and its friends
never enter the server), and the files it writes are hashed once, as the record later loads are checked against.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import deque
from pathlib import Path

from edgekit.errors import ChecksumMismatch, EdgekitError
from edgekit.models import checksums, recipes
from edgekit.models.catalog import ModelSpec
from edgekit.progress import StartTask

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def run_recipe(spec: ModelSpec, source: Path, output: Path, progress: StartTask) -> None:
    """Run the recipe in a child process and turn its failure into an EdgekitError with the same code."""
    name = spec.source.recipe
    assert name is not None  # only entries with [source] type = "build" are built
    recipe = recipes.load_recipe(name)
    advance = progress(f"build {spec.id}", len(recipe.STEPS))
    command = [sys.executable, "-m", "edgekit.models.recipes", name, str(source), str(output)]
    tail: deque[str] = deque(maxlen=20)  # the child's chatter (warnings) is only wanted when it fails
    # One merged stream: reading stdout while stderr fills its pipe would deadlock.
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **OFFLINE_ENV},
    ) as child:
        assert child.stdout is not None  # stdout=PIPE
        for line in child.stdout:
            if line.startswith("step "):
                advance(1)
            elif line.strip():
                tail.append(line.strip())
    if child.returncode == 0:
        return
    if child.returncode == recipes.FAILED_WITH_CODE:
        for line in reversed(tail):
            reported = reported_error(line)
            if reported is not None:
                raise reported
    last = tail[-1] if tail else "the recipe gave no reason"
    raise EdgekitError(f"Building '{spec.id}' with recipe '{spec.source.recipe}' failed: {last}", code="build_failed")


def reported_error(line: str) -> EdgekitError | None:
    try:
        reported = json.loads(line)
        return EdgekitError(reported["message"], code=reported["code"])
    except (ValueError, KeyError, TypeError):
        return None


def hash_outputs(spec: ModelSpec, staging: Path, progress: StartTask) -> dict[str, str]:
    digests = {}
    for f in spec.files:
        path = staging / f.path
        if not path.is_file():
            raise EdgekitError(f"The recipe for '{spec.id}' did not make {f.path}.", code="build_failed")
        digests[f.path] = checksums.sha256_file(path, progress(f"hash {spec.id}/{f.path}", path.stat().st_size))
        if f.sha256 is not None and digests[f.path] != f.sha256:
            raise ChecksumMismatch(spec.id, Path(f.path), f.sha256, digests[f.path])
    return digests
