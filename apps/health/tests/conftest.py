"""Fixtures of the health app's tests: a fresh box (data directory) with a health worker, another health worker,
an admin and a student, and a registry whose 'today' is fixed so dates are checkable. The rest (the installed
models, a kit, a server, signing in) comes from edgekit.testing and its pytest plugin."""

from __future__ import annotations

import os
from datetime import date

import pytest

from edgekit import testing

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("EDGEKIT_") and name != "EDGEKIT_CHAT_MODEL":  # pinned by the root conftest.py
            monkeypatch.delenv(name)


@pytest.fixture
def kit(tmp_path):
    kit = testing.new_kit(tmp_path / "home")
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
def health_kit(edgekit_models_dir, tmp_path_factory):
    """The app's pack indexed the way the box does it (the manifest's folder, found by the Kit under the app's id)
    into a fresh home, with the real installed models. Only this app's folder: the tests stay fast."""
    kit = testing.new_kit(tmp_path_factory.mktemp("health-home"), models_dir=edgekit_models_dir)
    testing.index_knowledge(kit, "health")
    yield kit
    kit.close()
