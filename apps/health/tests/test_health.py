"""Health's own tests: they pass as generated, and grow with the app."""

import edgekit_health as app
from fastapi.testclient import TestClient

from edgekit.apps import manifest_of
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.server import create_app
from edgekit.settings import Settings


def test_the_manifest_is_valid_and_fits_this_edgekit():
    manifest = manifest_of(app)
    assert manifest.id == "health" and manifest.compatible()
    assert all(directory.is_dir() for directory in manifest.knowledge_dirs())


def test_the_box_finds_the_app_through_its_entry_point():
    assert load_plugins().apps["health"].status == "loaded"


def test_its_route_answers(tmp_path):
    with TestClient(create_app(Settings(home=tmp_path))) as client:
        assert client.get("/apps/health/api/hello").json()["app"] == "health"


def test_its_commands_are_under_its_name(tmp_path):
    from typer.testing import CliRunner

    from edgekit.cli.main import build_cli

    result = CliRunner().invoke(build_cli(), ["--home", str(tmp_path), "health", "about"])
    assert result.exit_code == 0 and "Health" in result.stdout


def test_its_guard_lets_ordinary_questions_through():
    assert app.before_answer(question="What is this app for?", ctx={"app": "health"}) is None
