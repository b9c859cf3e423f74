"""The ONNX vision engine, on the tiny red/green/blue classifier the session builds (tests/vision_model.py)."""

import dataclasses
import shutil

import pytest

from edgekit.engines.vision_onnx import OnnxVisionEngine, read_labels
from edgekit.errors import ChecksumMismatch, EdgekitError, EngineError
from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.settings import Settings
from tests import vision_model
from tests.pictures import ROTATED_90_CW, halves, jpeg_with_orientation, picture, png_claiming_size

MODEL = vision_model.MODEL_ID


@pytest.fixture
def classify(vision_kit):
    def run(image, **options):
        with vision_kit.manager.acquire_model(MODEL, "Vision model") as engine:
            return engine.classify(image, **options)

    return run


def test_the_engine_is_registered_like_any_plugin():
    assert load_plugins(entry_points=False).engines()["onnx_vision"] is OnnxVisionEngine


def test_a_red_photo_is_red(classify):
    result = classify(picture((230, 20, 20)))
    assert result.model == MODEL
    assert result.labels[0].label == "red"
    assert result.labels[0].probability > 0.95
    assert result.unsure is False


@pytest.mark.parametrize("color, label", [((10, 200, 10), "green"), ((0, 0, 255), "blue")])
def test_each_colour_wins_its_own_label(classify, color, label):
    assert classify(picture(color)).labels[0].label == label


def test_grey_is_a_toss_up_and_says_so(classify):
    result = classify(picture((128, 128, 128)), top_k=3)
    assert [s.probability for s in result.labels] == pytest.approx([1 / 3] * 3, abs=0.02)
    assert result.unsure is True


def test_top_k_defaults_to_the_catalog_entry_and_can_be_chosen(classify):
    assert len(classify(picture("red")).labels) == 2  # top_k = 2 in the recipe
    assert len(classify(picture("red"), top_k=1).labels) == 1
    everything = classify(picture("red"), top_k=10)  # more than there are labels: all of them
    assert sorted(s.label for s in everything.labels) == ["blue", "green", "red"]
    assert sum(s.probability for s in everything.labels) == pytest.approx(1.0)
    probabilities = [s.probability for s in everything.labels]
    assert probabilities == sorted(probabilities, reverse=True)


def test_a_bad_top_k_is_refused(classify):
    with pytest.raises(EdgekitError) as caught:
        classify(picture("red"), top_k=0)
    assert caught.value.code == "bad_top_k"


def test_jpeg_and_webp_from_a_phone(classify):
    assert classify(picture((220, 30, 30), (640, 480), "JPEG", quality=85)).labels[0].label == "red"
    assert classify(picture((30, 30, 220), (480, 640), "WEBP")).labels[0].label == "blue"


def test_an_exif_rotated_photo(classify):
    result = classify(jpeg_with_orientation(halves("green", "green", (64, 32)), ROTATED_90_CW))
    assert result.labels[0].label == "green" and not result.unsure


def test_a_path_on_disk(classify, tmp_path):
    (tmp_path / "leaf.png").write_bytes(picture("blue"))
    assert classify(tmp_path / "leaf.png").labels[0].label == "blue"


@pytest.mark.parametrize(
    "image, code",
    [
        (b"", "image_empty"),
        (b"GIF89a but not really", "image_undecodable"),
        (picture("red", (64, 48), "JPEG")[:200], "image_undecodable"),
        (png_claiming_size(60_000, 60_000), "image_too_large"),
    ],
    ids=["empty", "not-an-image", "truncated", "bomb"],
)
def test_bad_input_gets_its_code_and_the_engine_stays_usable(classify, image, code):
    with pytest.raises(EdgekitError) as caught:
        classify(image)
    assert caught.value.code == code
    assert classify(picture("red")).labels[0].label == "red"


def test_a_tampered_model_is_refused(vision_models_dir, tmp_path):
    models_dir = tmp_path / "models"
    shutil.copytree(vision_models_dir, models_dir)
    model_file = models_dir / MODEL / "model.onnx"
    data = bytearray(model_file.read_bytes())
    data[-1] ^= 0xFF
    model_file.write_bytes(bytes(data))
    kit = Kit(Settings(home=tmp_path / "home", models_dir_override=models_dir, threads=2))
    try:
        with pytest.raises(ChecksumMismatch) as caught, kit.manager.acquire_model(MODEL, "Vision model"):
            pass
        assert caught.value.code == "checksum_mismatch"
        assert MODEL not in kit.manager.loaded_ids()
    finally:
        kit.close()


def test_a_recipe_that_disagrees_with_its_model_fails_at_load(vision_kit):
    spec = vision_kit.models.installed_spec(MODEL)
    directory = vision_kit.models.model_dir(MODEL)
    wrong = dataclasses.replace(spec, vision=dataclasses.replace(spec.vision, width=32))
    with pytest.raises(EngineError, match=r"shape \[1, 3, 16, 16\].*NCHW 32 x 16"):
        OnnxVisionEngine(wrong, directory, vision_kit.settings).load()


def test_a_labels_file_that_does_not_match_the_classes_fails_at_load(vision_kit, vision_models_dir, tmp_path):
    directory = tmp_path / MODEL
    shutil.copytree(vision_models_dir / MODEL, directory)
    (directory / "labels.txt").write_text("red\ngreen\n")
    engine = OnnxVisionEngine(vision_kit.models.installed_spec(MODEL), directory, vision_kit.settings)
    with pytest.raises(EngineError, match="3 classes but its labels file lists 2"):
        engine.load()


def test_threads_come_from_settings(vision_kit):
    with vision_kit.manager.acquire_model(MODEL, "Vision model") as engine:
        engine.classify(picture("red"))
        assert engine.loaded
        assert engine._session.get_session_options().intra_op_num_threads == vision_kit.settings.threads


def test_labels_are_one_a_line_and_a_gap_is_refused():
    assert read_labels("healthy\r\nmosaic virus \nbrown streak\n\n") == ["healthy", "mosaic virus", "brown streak"]
    with pytest.raises(EngineError, match="one label on every line"):
        read_labels("healthy\n\nmosaic\n")
