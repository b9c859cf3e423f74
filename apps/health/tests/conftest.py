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
        if name.startswith("EDGEKIT_"):
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
def installed_models_dir() -> Path:
    models_dir = Path(Settings().models_dir)
    if not (models_dir / "gemma3-270m-q4km" / "model.toml").is_file():
        pytest.fail(f"The default models are not installed in {models_dir}: run `make test`.")
    return models_dir
