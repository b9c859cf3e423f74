"""The child process that runs one recipe: python -m edgekit.models.recipes RECIPE SOURCE_DIR OUTPUT_DIR

Each finished step is one line `step NAME` on stdout. A failure with a code is one line of JSON
({"code", "message"}) on stderr and exit status 2, so the parent can raise the same EdgekitError.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from edgekit.errors import EdgekitError
from edgekit.models.recipes import FAILED_WITH_CODE, load_recipe


def main(argv: list[str]) -> int:
    recipe_name, source_dir, output_dir = argv

    def step(name: str) -> None:
        print(f"step {name}", flush=True)

    try:
        load_recipe(recipe_name).build(Path(source_dir), Path(output_dir), step)
    except EdgekitError as exc:
        print(json.dumps(exc.as_dict()), file=sys.stderr, flush=True)
        return FAILED_WITH_CODE
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
