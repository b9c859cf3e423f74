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


def test_an_app_whose_tables_cannot_be_migrated_is_marked_failed_and_the_box_serves_on(installed_models_dir, tmp_path):
    from sqlalchemy import text

    from edgekit.kit import Kit
    from edgekit.settings import Settings

    settings = Settings(home=tmp_path / "home", models_dir_override=installed_models_dir)
    kit = Kit(settings)
    kit.prepare_database()
    with kit.db.begin() as connection:  # as if restored from a box with a newer health app
        connection.execute(text(f"UPDATE {version_table('health')} SET version_num = 'health_9999'"))
    kit.close()
    again = Kit(settings)
    again.prepare_database()
    record = again.plugins.apps["health"]
    assert record.status == "failed" and "could not be migrated" in record.reason
    assert again.plugins.apps["agri"].status == "loaded"
    again.close()
