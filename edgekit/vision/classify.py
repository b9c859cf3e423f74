"""Classifying a photo with an installed vision model, shared by the CLI and (later) the server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from edgekit.engines.tasks import VisionEngine, for_task
from edgekit.errors import BadInput
from edgekit.manager import ModelManager

if TYPE_CHECKING:
    from edgekit.engines.vision_onnx import Classification
    from edgekit.vision.images import ImageSource


def classify_image(
    manager: ModelManager, model_id: str, image: ImageSource, top_k: int | None = None
) -> Classification:
    spec = manager.store.installed_spec(model_id)
    if spec is not None and spec.task != "vision":
        # Checked before loading: a chat model asked to look at a photo would load 400 MB to fail.
        raise BadInput(
            f"Model '{model_id}' is a {spec.task} model, not a vision model.",
            code="not_a_vision_model",
        )
    with manager.acquire_model(model_id, "Vision model") as engine:
        return for_task(engine, VisionEngine).classify(image, top_k=top_k)
