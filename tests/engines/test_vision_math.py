import numpy as np
import pytest
from PIL import Image

from edgekit.engines.vision_math import image_to_tensor, probabilities, softmax, top
from edgekit.models.catalog import VisionSpec


def spec(**changes) -> VisionSpec:
    base = dict(
        width=4, height=2, layout="NCHW", channel_order="RGB", mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0),
        labels="labels.txt", output="logits",
    )  # fmt: skip
    return VisionSpec(**{**base, **changes})


def test_nchw_rgb_normalised():
    tensor = image_to_tensor(Image.new("RGB", (8, 4), (255, 0, 51)), spec(mean=(0.5, 0.0, 0.0), std=(0.5, 1.0, 0.2)))
    assert tensor.shape == (1, 3, 2, 4) and tensor.dtype == np.float32
    assert tensor[0, :, 0, 0] == pytest.approx([1.0, 0.0, 1.0])


def test_nhwc_bgr():
    tensor = image_to_tensor(Image.new("RGB", (8, 4), (255, 0, 0)), spec(layout="NHWC", channel_order="BGR"))
    assert tensor.shape == (1, 2, 4, 3)
    assert tensor[0, 0, 0] == pytest.approx([0.0, 0.0, 1.0])


def test_shorter_side_then_centre_crop_keeps_the_middle():
    # A wide photo: red sides, green middle. Stretching would bring the red in; cropping the centre does not.
    image = Image.new("RGB", (60, 20), "red")
    image.paste("lime", (20, 0, 40, 20))
    tensor = image_to_tensor(image, spec(width=4, height=4))
    red, green = tensor[0, 0].mean(), tensor[0, 1].mean()
    assert green > 0.9 and red < 0.1  # stretched, two thirds of it would be red


def test_softmax_is_stable_for_large_logits():
    assert softmax(np.array([1000.0, 1000.0])) == pytest.approx([0.5, 0.5])


def test_probabilities_pass_through_and_logits_are_softmaxed():
    assert probabilities(np.array([[0.2, 0.8]]), "probabilities") == pytest.approx([0.2, 0.8])
    assert probabilities(np.array([[0.0, 0.0]]), "logits") == pytest.approx([0.5, 0.5])


def test_top_orders_by_probability_and_keeps_file_order_on_ties():
    assert top(np.array([0.25, 0.5, 0.25]), ["a", "b", "c"], 3) == [("b", 0.5), ("a", 0.25), ("c", 0.25)]
