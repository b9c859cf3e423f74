"""edgekit models build: --check for make, and refusals."""

from __future__ import annotations

from tests.conftest import EMBED_MODEL


def test_check_passes_when_the_model_is_built(edgekit, embed_models_dir):
    result = edgekit("models", "build", "--defaults", "--check", models_dir=embed_models_dir)
    assert result.exit_code == 0, result.output


def test_check_fails_and_names_the_model_when_it_is_missing(edgekit, tmp_path):
    result = edgekit("models", "build", "--defaults", "--check", models_dir=tmp_path / "no-models")
    assert result.exit_code == 1
    assert f"{EMBED_MODEL}: needs building" in result.stderr


def test_build_needs_an_id_or_defaults(edgekit):
    result = edgekit("models", "build")
    assert result.exit_code == 1 and "bad_arguments" in result.stderr


def test_a_pulled_model_is_not_built(edgekit, tmp_path):
    result = edgekit("models", "build", "gemma3-270m-q4km", models_dir=tmp_path / "no-models")
    assert result.exit_code == 1 and "not_buildable" in result.stderr
