"""prompts/answer.txt is read: every installed app's, and the template's, is the instruction its answers are
written with (not the default), so the file an app developer edits is the one that counts."""

from __future__ import annotations

import importlib
import importlib.metadata
from pathlib import Path

import pytest

from edgekit.apps import manifest_of
from edgekit.plugins import ENTRY_POINT_GROUP
from edgekit.scaffold import scaffold_app


def app_instruction(package_dir: Path) -> str:
    try:  # the answering service reads it (edgekit/answering/prompt.py), or where it was read before
        module = importlib.import_module("edgekit.answering.prompt")
    except ImportError:
        module = importlib.import_module("edgekit.grounded_chat")
    return module.app_instruction(package_dir)


def default_instruction() -> str:
    return app_instruction(Path("/nonexistent"))


@pytest.mark.parametrize("entry", importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), ids=lambda e: e.name)
def test_an_installed_apps_prompt_file_is_its_instruction(entry):
    package_dir = manifest_of(entry.load()).package_dir
    text = (package_dir / "prompts" / "answer.txt").read_text(encoding="utf-8")
    assert app_instruction(package_dir) == " ".join(text.split()) != default_instruction()


def test_the_templates_prompt_file_is_read_too(tmp_path):
    package_dir = scaffold_app("tutor", tmp_path) / "edgekit_tutor"
    text = (package_dir / "prompts" / "answer.txt").read_text(encoding="utf-8")
    assert app_instruction(package_dir) == " ".join(text.split()) != default_instruction()
