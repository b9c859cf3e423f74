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
