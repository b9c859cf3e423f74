import re

from fastapi import APIRouter
from fastapi.testclient import TestClient

from edgekit import __version__
from edgekit.errors import ModelNotInstalled
from edgekit.kit import Kit
from edgekit.server import create_app
from tests.conftest import CHAT_MODEL


def test_healthz_reports_version_and_installed_models(settings):
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["version"] == __version__
    models = {m["id"]: m for m in body["models"]}
    assert models[CHAT_MODEL]["task"] == "chat"
    assert models[CHAT_MODEL]["status"] == "verified"
    assert settings.db_path.exists(), "the database is prepared when the server starts"


def test_root_page_lists_the_apps_with_no_outside_assets(settings):
    with TestClient(create_app(settings)) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert 'href="/apps/agri"' in response.text and "Farm advice" in response.text
    assert "http://" not in response.text and "https://" not in response.text
    assert 'name="viewport"' in response.text
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', response.text)
    assert addresses and all(a.startswith(("/", "#", "data:")) for a in addresses), addresses


def test_device_status_with_nothing_installed_says_how_to_install(bare_settings):
    kit = Kit(bare_settings)
    kit.accounts.add_user("tech", "admin", pin="2468")
    token = kit.accounts.create_token("tech")
    with TestClient(create_app(kit=kit)) as client:
        response = client.get("/admin", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "edgekit models pull --defaults" in response.text


def test_errors_have_one_shape_with_a_stable_code(bare_settings):
    class Plugin:
        from edgekit.hookspecs import hookimpl

        @hookimpl
        def register_routes(self, router: APIRouter):
            @router.get("/boom")
            def boom():
                raise ModelNotInstalled(CHAT_MODEL)

    from edgekit.plugins import load_plugins

    kit = Kit(bare_settings, plugin_host=load_plugins(extra=(Plugin(),)))
    with TestClient(create_app(kit=kit)) as client:
        response = client.get("/boom")
    assert response.status_code == 503
    assert response.json() == {
        "error": {"code": "model_not_installed", "message": ModelNotInstalled(CHAT_MODEL).message}
    }


def test_a_damaged_model_entry_does_not_take_the_status_page_down(bare_settings):
    broken = bare_settings.models_dir / "broken-model"
    broken.mkdir(parents=True)
    (broken / "model.toml").write_text("id = ")
    (bare_settings.models_dir / ".staging-x-123").mkdir()  # a pull that was cut off
    (bare_settings.models_dir / ".staging-x-123" / "model.toml").write_text("id = ")
    with TestClient(create_app(bare_settings)) as client:
        body = client.get("/healthz").json()
        assert client.get("/").status_code == 200
    assert body["models"] == [{"id": "broken-model", "task": None, "status": "invalid", "error": "catalog_invalid"}]
