"""Apps migrate their own tables, in their own version table, beside the core's."""

from pathlib import Path

from sqlalchemy import inspect

from edgekit.store import create_db_engine, migrate
from edgekit.store.app_schema import app_revision, migrate_app, version_table

REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    {body}


def downgrade():
    pass
"""


def write_app_revisions(folder: Path, steps: list[tuple[str, str | None, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for revision, down, body in steps:
        (folder / f"{revision}.py").write_text(REVISION.format(revision=revision, down=down, body=body))
    return folder


def test_an_apps_tables_are_migrated_in_its_own_version_table(bare_settings, tmp_path):
    engine = create_db_engine(bare_settings)
    core = migrate(engine)
    first = [("demo_0001", None, 'op.create_table("demo_note", sa.Column("id", sa.Integer(), primary_key=True))')]
    revisions = write_app_revisions(tmp_path / "demo_migrations", first)
    assert migrate_app(engine, "demo", revisions) == "demo_0001"
    assert migrate_app(engine, "demo", revisions) == "demo_0001", "running again changes nothing"
    names = set(inspect(engine).get_table_names())
    assert {"demo_note", version_table("demo"), "alembic_version"} <= names
    assert migrate(engine) == core, "the core's revision is untouched by the app's"

    write_app_revisions(
        revisions,
        [("demo_0002", "demo_0001", 'op.add_column("demo_note", sa.Column("text", sa.String(), nullable=True))')],
    )
    assert migrate_app(engine, "demo", revisions) == "demo_0002"
    assert "text" in {c["name"] for c in inspect(engine).get_columns("demo_note")}


def test_the_database_still_opens_when_an_app_is_gone(bare_settings, tmp_path):
    engine = create_db_engine(bare_settings)
    migrate(engine)
    first = [("gone_0001", None, 'op.create_table("gone_thing", sa.Column("id", sa.Integer(), primary_key=True))')]
    migrate_app(engine, "gone", write_app_revisions(tmp_path / "gone", first))
    engine.dispose()
    again = create_db_engine(bare_settings)
    assert migrate(again) is not None  # the core does not know the app's revisions, and need not
    assert app_revision(again, "gone") == "gone_0001" and "gone_thing" in inspect(again).get_table_names()
