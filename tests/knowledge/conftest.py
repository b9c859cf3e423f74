from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edgekit.kit import Kit
from edgekit.knowledge.packs import add_pack
from edgekit.settings import Settings

TEST_PACK = Path(__file__).parent / "pack"


@pytest.fixture
def pack_dir(tmp_path) -> Path:
    """A copy of the test pack that a test may edit."""
    return Path(shutil.copytree(TEST_PACK, tmp_path / "farm-health"))


@pytest.fixture
def kit(home, embed_models_dir):
    kit = Kit(Settings(home=home, models_dir_override=embed_models_dir, threads=2))
    yield kit
    kit.close()


@pytest.fixture
def bare_kit(bare_settings):
    """No model installed: knowledge works by keywords alone."""
    kit = Kit(bare_settings)
    yield kit
    kit.close()


@pytest.fixture(scope="module")
def indexed_kit(embed_models_dir, tmp_path_factory):
    """The test pack indexed once with the real embedding model, shared by the retrieval tests (read only)."""
    kit = Kit(Settings(home=tmp_path_factory.mktemp("knowledge-home"), models_dir_override=embed_models_dir, threads=2))
    add_pack(kit, TEST_PACK)
    yield kit
    kit.close()
