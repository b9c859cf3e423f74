"""edgekit embed "text" [--json]"""

from __future__ import annotations

import json

import pytest

from tests.conftest import EMBED_MODEL


@pytest.fixture
def embed_cli(edgekit, embed_models_dir):
    return lambda *args, **kwargs: edgekit(*args, models_dir=kwargs.pop("models_dir", embed_models_dir), **kwargs)


def test_json_has_the_model_dimensions_and_a_unit_vector(embed_cli):
    result = embed_cli("embed", "--json", "How do I store maize after harvest?")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["model"] == EMBED_MODEL and body["dimensions"] == 384
    assert len(body["embedding"]) == 384
    assert abs(sum(v * v for v in body["embedding"]) - 1.0) < 1e-4


def test_plain_output_shows_the_dimensions_and_first_values(embed_cli):
    result = embed_cli("embed", "Keep dried grain in airtight bags")
    assert result.exit_code == 0, result.output
    assert f"{EMBED_MODEL}: 384 dimensions" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("[")


def test_an_empty_text_is_one_error_line(embed_cli):
    result = embed_cli("embed", "  ")
    assert result.exit_code == 1
    assert "error [empty_text]" in result.stderr


def test_a_missing_model_says_how_to_build_it(embed_cli, tmp_path):
    result = embed_cli("embed", "maize", models_dir=tmp_path / "no-models")
    assert result.exit_code == 1
    assert "model_not_installed" in result.stderr and f"edgekit models build {EMBED_MODEL}" in result.stderr
