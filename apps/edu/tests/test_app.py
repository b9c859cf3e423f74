"""The app as the box sees it: manifest, entry point, its tables' migration, the SDK boundary, the CLI, and its
data (skills, items, lessons) loading as the contract says."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import edgekit_edu as app
import edgekit_edu.tables
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from edgekit_edu.generate import TEMPLATES
from edgekit_edu.item_bank import load_bank
from edgekit_edu.lessons import all_lessons
from edgekit_edu.skills import all_skills
from sqlalchemy import text
from sqlmodel import SQLModel

from edgekit.testing import installed_app, manifest_of, run_cli

APP_DIR = Path(app.__file__).resolve().parent


def test_the_manifest_is_valid_and_the_box_finds_the_app():
    manifest = manifest_of(app)
    assert manifest.id == "edu" and manifest.compatible()
    assert set(manifest.languages) == {"en", "sw", "fr"}
    assert installed_app("edu").status == "loaded"


# The content side's contract test parses lessons with the core's own parser (edgekit.knowledge.documents), to
# prove the box reads them as it indexes them: the one known exception, reported to the lead, not the app's code.
NOT_SCANNED = {"test_content.py"}


def test_the_app_imports_nothing_of_edgekit_but_the_sdk_and_testing():
    files = [*APP_DIR.rglob("*.py"), *(APP_DIR.parent / "tests").rglob("*.py")]
    for path in [f for f in files if f.name not in NOT_SCANNED]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                if name == "edgekit" or name.startswith("edgekit."):
                    assert name in ("edgekit.sdk", "edgekit.testing"), f"{path.name} imports {name}"


def test_the_migration_builds_exactly_the_tables_the_code_declares(app_kit):
    def edu_only(_object, name, type_, _reflected, _compare_to):
        table = name if type_ == "table" else getattr(getattr(_object, "table", None), "name", "")
        return bool(table) and table.startswith("edu_")

    with app_kit.db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": edu_only})
        assert compare_metadata(context, SQLModel.metadata) == []
        assert connection.execute(text("select version_num from alembic_version_edu")).scalar() == "edu_0002"


def test_every_math_skill_has_templates_and_every_skill_has_items_or_templates():
    skills = all_skills()
    math = [s for s in skills.values() if s.subject == "math"]
    assert math and all(s.id in TEMPLATES for s in math)
    with_items = {item.skill for item in load_bank().values()} | set(TEMPLATES)
    assert [s for s in skills if s not in with_items] == []
    assert (
        len({i.id.rsplit(".", 1)[0] if i.id.endswith((".sw", ".fr")) else i.id for i in load_bank().values()})
        + 30 * len(TEMPLATES)
        >= 300
    )


def test_lessons_are_found_by_skill_and_language():
    lessons = all_lessons()
    assert len({lesson.slug for lesson in lessons}) >= 40
    assert all(lesson.skill in all_skills() for lesson in lessons)


def test_the_cli_lists_skills_and_practice_items_without_answers(app_kit):
    listed = run_cli(app_kit, "edu", "skills", "--json")
    assert listed.exit_code == 0, listed.output
    ids = {s["id"] for s in json.loads(listed.output)["skills"]}
    assert "math.fractions.equivalent" in ids
    items = run_cli(app_kit, "edu", "practice", "math.fractions.equivalent", "--n", "3", "--json")
    assert items.exit_code == 0, items.output
    rows = json.loads(items.output)["items"]
    assert len(rows) == 3 and all("answer" not in row and row["prompt"] for row in rows)
    unknown = run_cli(app_kit, "edu", "practice", "math.nothing")
    assert (unknown.exit_code == 1 and "unknown_skill" in unknown.output) or "Unknown skill" in unknown.output


def test_the_cli_shows_classes_and_progress_to_the_technician(app_kit):
    from edgekit_edu.school import Viewer, add_pupils, create_class
    from sqlmodel import Session

    with Session(app_kit.db) as session:
        code = create_class(session, Viewer("mwalimu", "teacher"), "Class 6", "3 of 5").code
        session.commit()  # the accounts are written by the box in their own transaction: none may be open here
        add_pupils(app_kit, session, Viewer("mwalimu", "teacher"), code, ["Neema"])
        session.commit()
    classes = run_cli(app_kit, "edu", "classes", "--json")
    assert classes.exit_code == 0 and json.loads(classes.output)["classes"][0]["code"] == code
    progress = run_cli(app_kit, "edu", "progress", "--class", code, "--json")
    assert progress.exit_code == 0 and json.loads(progress.output)["pupils"][0]["name"] == "Neema"
    refused = run_cli(app_kit, "edu", "progress", "--class", code, "--as", "pupil")
    assert refused.exit_code == 1
