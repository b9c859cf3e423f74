"""docs/hooks.md documents every hook edgekit/hookspecs.py declares, with the same arguments, and no other."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from edgekit import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"
HEADING = re.compile(r"^## `(\w+)\(([^)]*)\)`\s*$", re.MULTILINE)


def declared_hooks() -> dict[str, list[str]]:
    return {
        name: list(inspect.signature(function).parameters)
        for name, function in vars(hookspecs).items()
        if callable(function) and hasattr(function, "edgekit_spec")
    }


def documented_hooks(text: str) -> dict[str, list[str]]:
    return {name: [arg.strip() for arg in args.split(",") if arg.strip()] for name, args in HEADING.findall(text)}


def test_the_spec_is_read():
    assert {"register_routes", "register_pages", "register_engines", "before_answer", "startup"} <= set(
        declared_hooks()
    )


def test_every_hook_is_documented_with_its_arguments_and_no_other():
    declared, documented = declared_hooks(), documented_hooks(DOC.read_text(encoding="utf-8"))
    assert sorted(set(declared) - set(documented)) == [], "hooks missing from docs/hooks.md"
    assert sorted(set(documented) - set(declared)) == [], "docs/hooks.md names hooks that do not exist"
    assert {name: documented[name] for name in declared} == declared


def test_the_check_sees_a_missing_or_invented_hook():
    text = "## `startup(app)`\n\n## `after_answer(app, answer)`\n"
    assert documented_hooks(text) == {"startup": ["app"], "after_answer": ["app", "answer"]}
    assert set(declared_hooks()) - set(documented_hooks(text)), "a doc with one hook leaves the others missing"
