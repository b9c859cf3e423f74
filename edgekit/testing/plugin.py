"""The pytest plugin of edgekit.testing (entry point `pytest11`): fixtures an app's tests share.

Fixture names are prefixed or app-specific so they never shadow the core's own tests' fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from edgekit import testing

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from edgekit.kit import Kit


@pytest.fixture(scope="session")
def edgekit_models_dir() -> Path:
    """The installed default models (chat and embedding); the test fails, not skips, when they are missing."""
    models_dir = testing.installed_models_dir()
    missing = [model for model in testing.DEFAULT_MODELS if not (models_dir / model / "model.toml").is_file()]
    if missing:
        pytest.fail(f"The default models {', '.join(missing)} are not installed in {models_dir}: run `make test`.")
    return models_dir


@pytest.fixture
def app_kit(tmp_path: Path) -> Iterator[Kit]:
    """A kit on a fresh data directory with one account per role (edgekit.testing.ACCOUNTS). It reads models
    where the box installs them, and needs none to start: a test that needs a model asks for edgekit_models_dir,
    which fails plainly when they are missing."""
    kit = testing.new_kit(tmp_path / "home")
    testing.add_accounts(kit)
    yield kit
    kit.close()


@pytest.fixture
def app_client(app_kit: Kit) -> Iterator[TestClient]:
    """The real server over app_kit, nobody signed in."""
    with testing.server(app_kit) as client:
        yield client


@pytest.fixture
def signed_in(app_kit: Kit) -> Iterator[Callable[[str], TestClient]]:
    """signed_in(role) -> a client of its own, signed in as that role's account through the /login form."""
    from fastapi.testclient import TestClient

    from edgekit.kit import Kit
    from edgekit.server import create_app

    clients: list[TestClient] = []

    def client_for(role: str) -> TestClient:
        name, pin = testing.ACCOUNTS[role]
        client = TestClient(create_app(kit=Kit(app_kit.settings)))
        client.__enter__()
        clients.append(client)
        return testing.sign_in(client, name, pin)

    yield client_for
    for client in clients:
        client.__exit__(None, None, None)
