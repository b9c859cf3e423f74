import json

import pytest

from tests import vision_model
from tests.conftest import CHAT_MODEL
from tests.pictures import picture

MODEL = vision_model.MODEL_ID


@pytest.fixture
def photo(tmp_path):
    def write(data: bytes, name: str = "photo.png"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


@pytest.fixture
def classify(edgekit, vision_models_dir):
    def run(*args):
        return edgekit("classify", *args, models_dir=vision_models_dir)

    return run


def test_classify_json(classify, photo):
    result = classify(photo(picture((220, 20, 20))), "--model", MODEL, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"model", "labels", "unsure"}
    assert body["model"] == MODEL and body["unsure"] is False
    assert [set(entry) for entry in body["labels"]] == [{"label", "probability"}] * 2  # the recipe's top_k
    assert body["labels"][0]["label"] == "red" and body["labels"][0]["probability"] > 0.95


def test_classify_top_k(classify, photo):
    result = classify(photo(picture("grey")), "--model", MODEL, "--top-k", "3", "--json")
    body = json.loads(result.stdout)
    assert len(body["labels"]) == 3 and body["unsure"] is True


def test_classify_for_people(classify, photo):
    result = classify(photo(picture((128, 128, 128)), "grey.jpg"), "--model", MODEL)
    assert result.exit_code == 0, result.output
    assert "%" in result.stdout and "Unsure" in result.stdout
    assert f"[{MODEL}]" in result.stderr


@pytest.mark.parametrize(
    "data, code",
    [(b"", "image_empty"), (b"not a photo", "image_undecodable")],
)
def test_a_bad_photo_is_one_red_line_with_its_code(classify, photo, data, code):
    result = classify(photo(data), "--model", MODEL)
    assert result.exit_code == 1
    assert f"error [{code}]" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_photo(classify, tmp_path):
    result = classify(str(tmp_path / "nowhere.jpg"), "--model", MODEL)
    assert result.exit_code == 1 and "error [image_not_found]" in result.stderr


def test_a_model_that_is_not_installed(classify, photo):
    result = classify(photo(picture("red")), "--model", "cassava-leaf")
    assert result.exit_code == 1
    assert "error [model_not_installed]" in result.stderr and "Vision model 'cassava-leaf'" in result.stderr


def test_a_chat_model_is_not_a_vision_model(edgekit, photo):
    result = edgekit("classify", photo(picture("red")), "--model", CHAT_MODEL)
    assert result.exit_code == 1
    assert "error [not_a_vision_model]" in result.stderr
