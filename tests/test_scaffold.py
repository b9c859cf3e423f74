"""`edgekit apps new` makes an app that installs and passes its own tests with no edits."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from edgekit.cli.main import app as cli
from edgekit.errors import BadInput
from edgekit.scaffold import scaffold_app


@pytest.fixture(scope="module")
def installed_app(tmp_path_factory):
    apps_dir = tmp_path_factory.mktemp("apps")
    result = CliRunner().invoke(cli, ["apps", "new", "crop_doctor", "--dir", str(apps_dir)])
    assert result.exit_code == 0, result.output
    target = apps_dir / "site"
    # Offline build with what the venv has; --target keeps the test venv unchanged.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(apps_dir / "crop_doctor"),
        ],
        check=True,
        capture_output=True,
    )
    return apps_dir / "crop_doctor", target


def test_the_new_app_passes_its_own_tests(installed_app):
    source, target = installed_app
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=source,
        check=False,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(target)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 passed" in run.stdout


def test_apps_list_check_disable_enable(installed_app, monkeypatch, tmp_path):
    from edgekit.apps import disabled_apps
    from edgekit.cli.main import build_cli

    source, target = installed_app
    monkeypatch.syspath_prepend(str(target))
    runner = CliRunner()
    fresh_cli = build_cli()  # plugins are found when the CLI is built

    def run(*args):
        return runner.invoke(fresh_cli, ["--home", str(tmp_path), *args])

    listed = {app["id"]: app for app in json.loads(run("apps", "list", "--json").stdout)}
    assert listed["crop_doctor"]["status"] == "loaded" and listed["crop_doctor"]["version"] == "0.1.0"
    checked = run("apps", "check", str(source / "edgekit_crop_doctor"))
    assert checked.exit_code == 0 and "[ok  ] tests: 1 test files" in checked.stdout
    assert run("apps", "disable", "crop_doctor").exit_code == 0
    assert disabled_apps(tmp_path) == {"crop_doctor"}
    assert run("apps", "enable", "crop_doctor").exit_code == 0
    assert disabled_apps(tmp_path) == set()
    unknown = run("apps", "disable", "nosuchapp")
    assert unknown.exit_code == 1 and "unknown_app" in unknown.stderr


def test_check_fails_an_app_without_tests_or_knowledge(tmp_path):
    source = scaffold_app("bare", tmp_path)
    (source / "tests" / "test_bare.py").unlink()
    (source / "edgekit_bare" / "knowledge" / "welcome.md").unlink()
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "apps", "check", str(source / "edgekit_bare")])
    assert result.exit_code == 1
    assert "[FAIL] tests" in result.stdout and "[FAIL] knowledge:knowledge" in result.stdout


def test_a_disabled_app_is_not_loaded(installed_app, monkeypatch):
    from edgekit.plugins import load_plugins

    _source, target = installed_app
    monkeypatch.syspath_prepend(str(target))
    host = load_plugins(disabled={"crop_doctor"})
    assert host.apps["crop_doctor"].status == "disabled"
    assert "crop_doctor" not in host.names()


@pytest.mark.parametrize("name, code", [("9lives", "bad_app_name"), ("has space", "bad_app_name")])
def test_bad_app_names(tmp_path, name, code):
    with pytest.raises(BadInput) as caught:
        scaffold_app(name, tmp_path)
    assert caught.value.code == code


def test_an_existing_app_is_not_overwritten(tmp_path):
    scaffold_app("farm", tmp_path)
    (tmp_path / "farm" / "pyproject.toml").write_text("mine")
    with pytest.raises(BadInput) as caught:
        scaffold_app("farm", tmp_path)
    assert caught.value.code == "app_exists"
    assert (tmp_path / "farm" / "pyproject.toml").read_text() == "mine"
