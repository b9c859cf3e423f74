import json

from tests.conftest import CHAT_MODEL


def test_doctor_json_on_a_prepared_box(edgekit, installed_models_dir, embed_models_dir):
    assert edgekit("db", "upgrade").exit_code == 0
    result = edgekit("doctor", "--json")
    body = json.loads(result.stdout)
    checks = {check["name"]: check for check in body["checks"]}
    assert {"python", "data_dir", "memory", "database", f"model:{CHAT_MODEL}"} <= set(checks)
    assert checks["python"]["status"] == "ok"
    assert checks["database"]["status"] == "ok"
    assert checks[f"model:{CHAT_MODEL}"]["detail"] == "installed, sha256 verified"
    # make builds the embedding model beside the others; a bare pytest run may have built it elsewhere.
    built_here = embed_models_dir == installed_models_dir
    assert checks["model:minilm-int8"]["status"] == ("ok" if built_here else "warn")
    assert body["ok"] is True and result.exit_code == 0


def test_doctor_on_an_empty_box_fails_with_fixes(edgekit):
    result = edgekit("doctor", models_dir=None)
    assert result.exit_code == 1
    assert f"fix: edgekit models pull {CHAT_MODEL}" in result.stdout
    assert "fix: edgekit models build minilm-int8" in result.stdout
    assert "fix: edgekit db upgrade" in result.stdout


def test_db_upgrade_is_repeatable(edgekit, home):
    first = edgekit("db", "upgrade")
    second = edgekit("db", "upgrade")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert str(home / "edgekit.db") in first.stdout


def test_version(edgekit):
    from edgekit import __version__

    assert edgekit("--version").stdout.strip() == __version__


def test_a_bad_setting_is_one_clear_line(edgekit):
    result = edgekit("models", "list", env={"EDGEKIT_THREADS": "zero"})
    assert result.exit_code == 1
    assert "error [bad_setting]" in result.stderr and "EDGEKIT_THREADS" in result.stderr
    assert "Traceback" not in result.output
