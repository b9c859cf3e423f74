"""The arithmetic around an image classifier: pixels into the tensor its recipe describes, scores into ranked
probabilities. Kept apart from the engine so numpy and Pillow load only when a picture is classified, not each
time the `edgekit` command starts."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from edgekit.models.catalog import VisionSpec


def image_to_tensor(image: Image.Image, vision: VisionSpec) -> np.ndarray:
    """The batch of one the model expects, from an upright RGB image."""
    # Scale the shorter side to the input and cut the centre, rather than stretch: classifiers are trained on
    # undistorted pictures (a squashed leaf is another shape), and a phone photo has its subject in the middle.
    fitted = ImageOps.fit(image, (vision.width, vision.height), method=Image.Resampling.BILINEAR)
    pixels: np.ndarray = np.asarray(fitted, dtype=np.float32) / 255.0  # height, width, RGB
    if vision.channel_order == "BGR":
        pixels = pixels[:, :, ::-1]
    pixels = (pixels - np.asarray(vision.mean, dtype=np.float32)) / np.asarray(vision.std, dtype=np.float32)
    if vision.layout == "NCHW":
        pixels = pixels.transpose(2, 0, 1)
    return np.ascontiguousarray(pixels[np.newaxis], dtype=np.float32)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())  # subtracting the max keeps exp from overflowing
    return shifted / shifted.sum()


def probabilities(scores: np.ndarray, output: str) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    return softmax(scores) if output == "logits" else scores


def top(probs: np.ndarray, labels: list[str], k: int) -> list[tuple[str, float]]:
    """The k most likely labels, most likely first; ties keep the labels file's order."""
    best = np.argsort(-probs, kind="stable")[:k]
    return [(labels[i], float(probs[i])) for i in best]
