"""A tiny but real ONNX image classifier, installed the way edgekit installs any model.

The graph takes the mean of each normalised colour channel and sends it through a fixed linear layer to three
logits, "red", "green" and "blue": a red photo scores high on "red", a grey one scores the same on all three.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from edgekit.models import checksums

MODEL_ID = "tiny-rgb"
LABELS = ("red", "green", "blue")
SIZE = 16  # width and height of the model's input
MEAN, STD = 0.5, 0.25  # a pure channel (1.0) becomes 2, an absent one (0.0) becomes -2
GAIN = 4.0  # logits of 8 against -8: a pure colour wins with a probability near 1

TOML = f"""# A test classifier built by tests/vision_model.py.
id = "{MODEL_ID}"
name = "Mean colour, red/green/blue"
task = "vision"
engine = "onnx_vision"
file = "model.onnx"
size_mb = 0.01
ram_mb = 5
license = "Apache-2.0"

[vision]
input_size = [{SIZE}, {SIZE}]
layout = "NCHW"
channel_order = "RGB"
mean = [{MEAN}, {MEAN}, {MEAN}]
std = [{STD}, {STD}, {STD}]
labels = "labels.txt"
output = "logits"
top_k = 2
unsure_below = 0.5

[source]
type = "build"

[[files]]
path = "model.onnx"
sha256 = "{{model}}"

[[files]]
path = "labels.txt"
sha256 = "{{labels}}"
"""


def build_model() -> onnx.ModelProto:
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, SIZE, SIZE])
    logits = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, len(LABELS)])
    weights = numpy_helper.from_array(np.eye(3, dtype=np.float32) * GAIN, "weights")
    bias = numpy_helper.from_array(np.zeros(3, dtype=np.float32), "bias")
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["channel_means"], axes=[2, 3], keepdims=0),
        helper.make_node("Gemm", ["channel_means", "weights", "bias"], ["logits"]),
    ]
    graph = helper.make_graph(nodes, "mean_colour", [image], [logits], initializer=[weights, bias])
    # Opset 13 and IR 8: old enough for every onnxruntime the project accepts.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def install(models_dir: Path) -> Path:
    """Write model, labels and model.toml into models_dir/tiny-rgb with a stamp, as `models pull` leaves them."""
    directory = models_dir / MODEL_ID
    directory.mkdir(parents=True)
    onnx.save(build_model(), directory / "model.onnx")
    (directory / "labels.txt").write_text("\n".join(LABELS) + "\n", encoding="utf-8")
    digests = {name: checksums.sha256_file(directory / name) for name in ("model.onnx", "labels.txt")}
    text = TOML.replace("{model}", digests["model.onnx"]).replace("{labels}", digests["labels.txt"])
    (directory / "model.toml").write_text(text, encoding="utf-8")
    checksums.write_stamp(directory, digests)
    return directory
