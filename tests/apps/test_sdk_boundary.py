"""Apps import edgekit.sdk (and edgekit.testing in their tests) and nothing else of the core: the core can change
behind the SDK without breaking an app. Every app in apps/ and the template `edgekit apps new` copies are read
(their code and their tests, by the Python parser, so a lazy import inside a function counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = ("edgekit.sdk", "edgekit.testing")
TEMPLATE = ROOT / "edgekit" / "app_template"


def app_sources() -> list[Path]:
    apps = sorted(path for path in (ROOT / "apps").rglob("*.py") if "__pycache__" not in path.parts)
    return apps + sorted(TEMPLATE.rglob("*.py.tmpl"))


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import; `from edgekit import x` names edgekit.x."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "edgekit":
                found += [(node.lineno, f"edgekit.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def core_imports_outside_the_sdk(source: str) -> list[tuple[int, str]]:
    return [
        (line, module)
        for line, module in imported_modules(source)
        if (module == "edgekit" or module.startswith("edgekit."))
        and not any(module == allowed or module.startswith(allowed + ".") for allowed in ALLOWED)
    ]


def read_source(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.replace("{{id}}", "example").replace("{{name}}", "Example") if path.suffix == ".tmpl" else text


def test_the_scan_covers_both_apps_and_the_template():
    names = {path.relative_to(ROOT).parts[:2] for path in app_sources()}
    assert {("apps", "agri"), ("apps", "health"), ("edgekit", "app_template")} <= names


@pytest.mark.parametrize("path", app_sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_an_app_imports_only_the_sdk_and_the_testing_plugin(path):
    wrong = core_imports_outside_the_sdk(read_source(path))
    assert not wrong, f"{path.relative_to(ROOT)} reaches into the core: " + ", ".join(
        f"line {line}: {module}" for line, module in wrong
    )


@pytest.mark.parametrize(
    "source, wrong",
    [
        ("from edgekit.server.pages import render", ["edgekit.server.pages"]),
        ("def f():\n    import edgekit.kit\n", ["edgekit.kit"]),
        ("from edgekit import audit, testing", ["edgekit.audit"]),
        ("import edgekit", ["edgekit"]),
        ("from edgekit.sdk import render\nfrom edgekit.testing import HTML\nimport edgekit_health", []),
        ("from edgekit.sdkx import y", ["edgekit.sdkx"]),
    ],
)
def test_the_scan_finds_what_it_must(source, wrong):
    assert [module for _line, module in core_imports_outside_the_sdk(source)] == wrong
