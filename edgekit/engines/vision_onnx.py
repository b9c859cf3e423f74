"""Image classifier engine on ONNX Runtime: a photo in, the most likely labels with their probabilities out.

Generic on purpose: everything model-specific (input size, layout, channel order, normalisation, labels, logits
or probabilities, when to call an answer unsure) comes from the catalog entry's [vision] table, so a real
classifier arriving in a model pack needs a recipe, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from edgekit.engines import Engine
from edgekit.errors import BadInput, EngineError
from edgekit.models.catalog import VisionSpec

if TYPE_CHECKING:
    from edgekit.vision.images import ImageSource


@dataclass(frozen=True)
class LabelScore:
    label: str
    probability: float


@dataclass(frozen=True)
class Classification:
    model: str
    labels: list[LabelScore]
    unsure: bool  # the top probability is under the model's unsure_below: say so rather than mislead

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "labels": [{"label": s.label, "probability": round(s.probability, 4)} for s in self.labels],
            "unsure": self.unsure,
        }


def read_labels(text: str) -> list[str]:
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    labels = [line.strip() for line in lines]
    if not labels or not all(labels):
        # A blank line in the middle would shift every label after it onto the wrong class.
        raise EngineError("The labels file must have one label on every line, and at least one.")
    return labels


class OnnxVisionEngine(Engine):
    task = "vision"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._session = None
        self._input_name = ""
        self.labels: list[str] = []

    @property
    def vision(self) -> VisionSpec:
        if self.spec.vision is None:
            raise EngineError(f"Model '{self.spec.id}' has no [vision] table in its catalog entry.")
        return self.spec.vision

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> None:
        import onnxruntime as ort  # imported here: the CLI should start fast when no model is needed
        from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors

        labels = read_labels((self.model_dir / self.vision.labels).read_text(encoding="utf-8"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.settings.threads
        options.inter_op_num_threads = 1  # one image at a time: parallelism inside operators is what helps
        options.log_severity_level = 3  # errors only: ONNX Runtime's notes are not for a technician
        runtime_errors = (ort_errors.Fail, ort_errors.InvalidArgument, ort_errors.InvalidGraph,
                          ort_errors.InvalidProtobuf, ort_errors.NoSuchFile, ort_errors.RuntimeException)  # fmt: skip
        try:
            session = ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])
        except runtime_errors as exc:
            raise EngineError(f"ONNX Runtime could not load {self.model_path}: {exc}") from exc
        self._check_shapes(session, len(labels))
        self._session, self._input_name, self.labels = session, session.get_inputs()[0].name, labels

    def _check_shapes(self, session, label_count: int) -> None:
        """A recipe that disagrees with its model fails at load, naming both, not with a wrong answer later."""
        vision = self.vision
        model_input = session.get_inputs()[0]
        if model_input.type != "tensor(float)":
            raise EngineError(f"Model '{self.spec.id}' takes {model_input.type}; this engine feeds float32 images.")
        if vision.layout == "NCHW":
            expected = [1, 3, vision.height, vision.width]
        else:
            expected = [1, vision.height, vision.width, 3]
        fixed = [(want, got) for want, got in zip(expected, model_input.shape, strict=False) if isinstance(got, int)]
        if len(model_input.shape) != 4 or any(want != got for want, got in fixed):
            raise EngineError(
                f"Model '{self.spec.id}' takes input of shape {model_input.shape}, but its catalog entry describes "
                f"{vision.layout} {vision.width} x {vision.height} images ({expected})."
            )
        classes = session.get_outputs()[0].shape[-1] if session.get_outputs()[0].shape else None
        if isinstance(classes, int) and classes != label_count:
            raise EngineError(
                f"Model '{self.spec.id}' has {classes} classes but its labels file lists {label_count} labels."
            )

    def unload(self) -> None:
        self._session = None
        self.labels = []

    def classify(self, image: ImageSource, top_k: int | None = None) -> Classification:
        """The top_k labels (the entry's default when None), most likely first."""
        from edgekit.engines import vision_math
        from edgekit.vision.images import decode_image

        vision = self.vision
        top_k = vision.top_k if top_k is None else top_k
        if top_k < 1:
            raise BadInput(f"top_k must be at least 1, not {top_k}.", code="bad_top_k")
        # Decoding comes first and touches nothing of the engine: a bad photo leaves it ready for the next one.
        tensor = vision_math.image_to_tensor(decode_image(image, fit_within=(vision.width, vision.height)), vision)
        if self._session is None:
            self.load()
        scores = self._session.run(None, {self._input_name: tensor})[0]
        probs = vision_math.probabilities(scores, vision.output)
        if probs.size != len(self.labels):
            raise EngineError(f"Model '{self.spec.id}' gave {probs.size} scores for {len(self.labels)} labels.")
        ranked = [LabelScore(label, p) for label, p in vision_math.top(probs, self.labels, top_k)]
        return Classification(
            model=self.spec.id,
            labels=ranked,
            unsure=ranked[0].probability < vision.unsure_below,
        )
