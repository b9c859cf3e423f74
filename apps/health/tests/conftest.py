"""Fixtures of the health app's tests: a fresh box (data directory) with a health worker, another health worker,
an admin and a student, and a registry whose 'today' is fixed so dates are checkable."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from edgekit.kit import Kit
from edgekit.settings import Settings

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("EDGEKIT_") and name != "EDGEKIT_CHAT_MODEL":  # pinned by the root conftest.py
            monkeypatch.delenv(name)


@pytest.fixture
def kit(tmp_path):
    kit = Kit(Settings(home=tmp_path / "home", threads=2))
    accounts = kit.accounts
    accounts.add_user("amina", "health_worker", pin="4826")
    accounts.add_user("baraka", "health_worker", pin="5937")
    accounts.add_user("tech", "admin", password="a long admin password")
    accounts.add_user("juma", "student", pin="6048")
    yield kit
    kit.close()


@pytest.fixture
def registry(kit):
    from edgekit_health.registry import Registry

    return Registry(kit.db, today=lambda: TODAY)


@pytest.fixture(scope="session")
def health_kit(installed_models_dir, tmp_path_factory):
    """The app's pack indexed the way the box does it (the manifest's folder, found by the Kit under the app's id)
    into a fresh home, with the real installed models. Only this app's folder: the tests stay fast."""
    from edgekit.knowledge.packs import add_pack
    from edgekit.knowledge.sync import app_knowledge_folders, pack_name

    kit = Kit(
        Settings(home=tmp_path_factory.mktemp("health-home"), models_dir_override=installed_models_dir, threads=2)
    )
    [folder] = [folder for app_id, folder in app_knowledge_folders(kit) if app_id == "health"]
    add_pack(kit, folder, app="health", name=pack_name("health", folder))
    yield kit
    kit.close()


@pytest.fixture(scope="session")
def installed_models_dir() -> Path:
    models_dir = Path(Settings().models_dir)
    if not all((models_dir / model / "model.toml").is_file() for model in ("gemma3-270m-q4km", "minilm-int8")):
        pytest.fail(f"The default models are not installed in {models_dir}: run `make test`.")
    return models_dir
