"""Build recipes: one module per recipe, turning a model's source files into what its engine loads.

A catalog entry with `source.type = "build"` names its recipe (`recipe = "minilm-int8"` is the module
edgekit.models.recipes.minilm_int8). Each recipe module offers:

    SOURCE_PREFIX     the folder inside the source wheel that the recipe reads
    TOOLS             the modules it needs (the optional `build` extra), checked before anything is downloaded
    STEPS             the names of its steps, reported one line each while it runs
    build(source_dir, output_dir, step)

Recipes run in a child process (python -m edgekit.models.recipes): torch and its friends never enter the process that
serves the box, their memory is handed back the moment the build ends, and the child is kept off the network.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from types import ModuleType

from edgekit.errors import EdgekitError

BUILD_EXTRA_FIX = "pip install -e '.[build]' (or make run, which installs them when a model needs building)"

Step = Callable[[str], None]

# Exit status of the recipe child when it failed with an EdgekitError, reported as one JSON line on stderr.
FAILED_WITH_CODE = 2


def module_name(recipe: str) -> str:
    return f"{__name__}.{recipe.replace('-', '_')}"


def load_recipe(recipe: str) -> ModuleType:
    try:
        return importlib.import_module(module_name(recipe))
    except ModuleNotFoundError as exc:
        if exc.name != module_name(recipe):
            raise
        raise EdgekitError(
            f"No build recipe '{recipe}' in this edgekit (expected module {module_name(recipe)}).",
            code="unknown_recipe",
        ) from None


def missing_tools(recipe: ModuleType) -> list[str]:
    """The recipe's build tools that are not installed, found without importing them (torch is slow to load)."""
    return [name for name in recipe.TOOLS if importlib.util.find_spec(name) is None]


def build_tools_missing(names: list[str]) -> EdgekitError:
    return EdgekitError(
        f"Building this model needs {', '.join(names)}, which are not installed. Install them with: {BUILD_EXTRA_FIX}",
        code="build_tools_missing",
    )


def require_tools(recipe: ModuleType) -> None:
    missing = missing_tools(recipe)
    if missing:
        raise build_tools_missing(missing)
