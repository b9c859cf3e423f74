"""The contract every installed app keeps, run against each one the box finds through its entry points."""

import importlib.metadata
from dataclasses import replace

import pytest

from edgekit.app_context import AppContext
from edgekit.apps import check_app, manifest_of
from edgekit.catalog import Catalog
from edgekit.plugins import ENTRY_POINT_GROUP, load_plugins
from edgekit.settings import bundled_catalog_dir

INSTALLED = sorted(entry.name for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))


def test_the_first_app_is_installed():
    assert "agri" in INSTALLED  # make installs apps/* beside the core


@pytest.mark.parametrize("app_id", INSTALLED)
def test_app_keeps_the_contract(app_id):
    host = load_plugins()
    record = host.apps[app_id]
    assert record.status == "loaded", record.reason
    host.manager.check_pending()  # every hook it implements is one edgekit offers
    plugin = host.manager.get_plugin(app_id)
    manifest = manifest_of(plugin)
    assert manifest.id == app_id
    checks = {c.name: c for c in check_app(manifest, Catalog.from_dir(bundled_catalog_dir()).ids())}
    assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]
    if hasattr(plugin, "before_answer"):  # a guard never answers another app's questions (the box routes them)
        other = AppContext(replace(manifest, id="some_other_app"), lambda: None)
        assert host.guard(app=other, question="hello", lang=None, user=None) is None
