"""The minilm-int8 recipe: what it makes, and how it fails when the build tools or source files are missing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from edgekit.errors import EdgekitError
from edgekit.models import checksums, recipes
from edgekit.models.recipes import minilm_int8
from tests.conftest import EMBED_MODEL

FP32_MB = 90  # the exported model before quantization


@pytest.fixture(scope="session")
def built_dir(embed_models_dir) -> Path:
    return embed_models_dir / EMBED_MODEL


def test_the_build_makes_an_int8_model_and_its_tokenizer(built_dir):
    size_mb = (built_dir / "model.onnx").stat().st_size / 1e6
    assert 15 < size_mb < FP32_MB / 3, f"model.onnx is {size_mb:.0f} MB: not int8"
    from tokenizers import Tokenizer

    assert Tokenizer.from_file(str(built_dir / "tokenizer.json")).token_to_id("[PAD]") == 0


def test_the_build_records_each_files_sha256_as_its_expected_value(built_dir):
    stamp = checksums.read_stamp(built_dir)
    for name in minilm_int8.OUTPUTS:
        assert stamp[name]["sha256"] == checksums.sha256_file(built_dir / name)


def test_the_model_gives_one_384_wide_vector_per_token(built_dir):
    import onnxruntime as ort

    session = ort.InferenceSession(str(built_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    assert {i.name for i in session.get_inputs()} == {"input_ids", "attention_mask", "token_type_ids"}
    ids = np.array([[101, 7570, 2079, 1045, 102]], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    assert session.run(None, feed)[0].shape == (1, 5, 384)


def test_missing_build_tools_name_the_fix(monkeypatch, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "config.json").write_text("{}")
    (source / "tokenizer.json").write_text("{}")
    # None in sys.modules makes an import fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "optimum.exporters.onnx", None)
    with pytest.raises(EdgekitError) as caught:
        minilm_int8.build(source, tmp_path / "out")
    assert caught.value.code == "build_tools_missing"
    assert "pip install -e '.[build]'" in caught.value.message


def test_tools_are_checked_without_importing_them(monkeypatch):
    monkeypatch.setattr(minilm_int8, "TOOLS", ("edgekit_no_such_tool",))
    assert recipes.missing_tools(minilm_int8) == ["edgekit_no_such_tool"]
    with pytest.raises(EdgekitError) as caught:
        recipes.require_tools(minilm_int8)
    assert caught.value.code == "build_tools_missing"


def test_a_source_without_the_model_files_is_refused(tmp_path):
    with pytest.raises(EdgekitError) as caught:
        minilm_int8.build(tmp_path, tmp_path / "out")
    assert caught.value.code == "build_failed"


def test_recipes_are_found_by_the_catalog_name():
    assert recipes.load_recipe("minilm-int8") is minilm_int8
    with pytest.raises(EdgekitError) as caught:
        recipes.load_recipe("no-such-recipe")
    assert caught.value.code == "unknown_recipe"
