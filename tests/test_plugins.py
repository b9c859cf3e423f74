import importlib.metadata

from edgekit import plugins
from edgekit.engines.llm_llamacpp import LlamaCppEngine


def test_core_registers_through_its_own_hooks():
    host = plugins.load_plugins(entry_points=False)
    assert set(plugins.DEFAULT_PLUGINS) <= set(host.names())
    assert host.engines()["llamacpp"] is LlamaCppEngine


class _EntryPoint:
    def __init__(self, name, target):
        self.name = name
        self._target = target

    def load(self):
        return self._target()


def test_a_broken_app_is_reported_and_the_rest_still_load(monkeypatch):
    class GoodApp:
        @plugins.hookspecs.hookimpl
        def register_engines(self, register):
            register("good-engine", object)

    def broken():
        raise ImportError("No module named 'numpyy'")

    found = [_EntryPoint("broken", broken), _EntryPoint("good", GoodApp)]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: found if group == "edgekit.apps" else [])
    host = plugins.load_plugins()
    assert [(f.name, f.reason) for f in host.failed] == [("broken", "ImportError: No module named 'numpyy'")]
    assert "good" in host.names()
    assert "good-engine" in host.engines() and "llamacpp" in host.engines()


def test_an_app_whose_hooks_raise_is_recorded_and_the_server_still_starts(home):
    from fastapi.testclient import TestClient

    from edgekit.kit import Kit
    from edgekit.server import create_app
    from edgekit.settings import Settings

    class ClumsyApp:
        @plugins.hookspecs.hookimpl
        def register_routes(self, router):
            raise RuntimeError("forgot to import APIRouter")

        @plugins.hookspecs.hookimpl
        def startup(self, app):
            raise KeyError("missing_setting")

    host = plugins.load_plugins(entry_points=False, extra=(ClumsyApp(),))
    with TestClient(create_app(kit=Kit(Settings(home=home), plugin_host=host))) as client:
        health = client.get("/healthz").json()
    reasons = [f["reason"] for f in health["apps_failed"]]
    assert any(r.startswith("register_routes: RuntimeError") for r in reasons)
    assert any(r.startswith("startup: KeyError") for r in reasons)
