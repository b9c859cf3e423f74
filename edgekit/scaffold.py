"""`edgekit apps new NAME`: a working app in apps/<name>/ that installs and passes its own tests as generated."""

from __future__ import annotations

from pathlib import Path

from edgekit.apps import APP_ID
from edgekit.errors import BadInput

TEMPLATE = Path(__file__).resolve().parent / "app_template"


def _destination(relative: Path, app_id: str) -> Path:
    parts = [f"edgekit_{app_id}" if part == "package" else part for part in relative.parts]
    if parts[-1] == "test_app.py.tmpl":
        parts[-1] = f"test_{app_id}.py.tmpl"
    return Path(*parts).with_suffix("")  # drop .tmpl


def scaffold_app(name: str, apps_dir: Path) -> Path:
    app_id = name.strip().lower().replace("-", "_")
    if not APP_ID.match(app_id):
        raise BadInput(
            f"'{name}' cannot be an app id: use 2-32 lower-case letters, digits or '_', starting with a letter.",
            code="bad_app_name",
        )
    target = apps_dir / app_id
    if target.exists():
        raise BadInput(f"{target} exists already; choose another name or remove it.", code="app_exists")
    title = app_id.replace("_", " ").title()
    for template in sorted(TEMPLATE.rglob("*.tmpl")):
        path = target / _destination(template.relative_to(TEMPLATE), app_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = template.read_text(encoding="utf-8").replace("{{id}}", app_id).replace("{{name}}", title)
        path.write_text(text, encoding="utf-8")
    return target
