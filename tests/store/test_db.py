import sqlite3

import pytest
from sqlmodel import select

from edgekit.errors import DataDirError, EdgekitError
from edgekit.settings import Settings
from edgekit.store import create_db_engine, database_status, migrate, session_for
from edgekit.store.db import current_revision, head_revision
from edgekit.store.tables import Exchange


def test_migrates_an_empty_database_to_head(bare_settings):
    engine = create_db_engine(bare_settings)
    assert migrate(engine) == head_revision()
    tables = {
        row[0]
        for row in sqlite3.connect(bare_settings.db_path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert {"exchange", "alembic_version"} <= tables
    status = database_status(engine)
    assert status["ok"] and status["journal_mode"] == "wal"


def test_every_connection_is_wal_and_fully_synchronous(bare_settings):
    engine = create_db_engine(bare_settings)
    migrate(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_migrating_again_keeps_what_is_stored(bare_settings):
    engine = create_db_engine(bare_settings)
    migrate(engine)
    with session_for(engine) as session:
        session.add(Exchange(question="q", answer="a", model="m", tokens=1, latency_ms=2))
        session.commit()
    engine.dispose()
    engine = create_db_engine(bare_settings)
    migrate(engine)
    with session_for(engine) as session:
        assert [e.question for e in session.exec(select(Exchange))] == ["q"]


def test_an_outdated_schema_is_reported(bare_settings):
    engine = create_db_engine(bare_settings)
    engine.connect().close()  # the file exists, no migration ran
    status = database_status(engine)
    assert not status["ok"] and "is not" in status["detail"]


def test_unwritable_home_names_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataDirError, match=str(blocker)):
        create_db_engine(Settings(home=blocker / "home"))


def test_a_corrupt_database_file_is_a_clear_error(bare_settings):
    bare_settings.home.mkdir(parents=True)
    bare_settings.db_path.write_bytes(b"this is not a database" * 100)
    engine = create_db_engine(bare_settings)
    with pytest.raises(EdgekitError) as caught:
        migrate(engine)
    assert caught.value.code == "database_error"
    assert str(bare_settings.db_path) in caught.value.message
    assert bare_settings.db_path.read_bytes() == b"this is not a database" * 100, "nothing overwritten"


def test_migrations_match_the_tables(bare_settings):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from edgekit.store.tables import compared_by_alembic

    engine = create_db_engine(bare_settings)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"include_object": compared_by_alembic}), SQLModel.metadata
        )
    assert differences == []


def test_migration_0004_keeps_past_exchanges_and_adds_who_asked(bare_settings):
    from alembic import command

    from edgekit.store.db import _alembic_config

    engine = create_db_engine(bare_settings)
    command.upgrade(_alembic_config(engine), "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO exchange (question, answer, model, app, tokens, latency_ms, created_at) "
            "VALUES ('before 0004', 'a', 'm', 'agri', 1, 2, '2026-11-01 10:00:00')"
        )
    command.upgrade(_alembic_config(engine), "0004")
    assert current_revision(engine) == "0004"
    migrate(engine)  # the newer migrations too, so the table has every column the model reads
    with session_for(engine) as session:
        kept = session.exec(select(Exchange)).one()
        assert (kept.question, kept.app, kept.user_id) == ("before 0004", "agri", None)
        user_id = connection_user(session)
        session.add(Exchange(question="after", answer="a", model="m", user_id=user_id))
        session.commit()
        assert session.exec(select(Exchange).where(Exchange.user_id == user_id)).one().question == "after"
    with engine.begin() as connection, pytest.raises(Exception, match="FOREIGN KEY"):
        connection.exec_driver_sql(
            "INSERT INTO exchange (question, answer, model, tokens, latency_ms, created_at, user_id) "
            "VALUES ('q', 'a', 'm', 0, 0, '2026-11-01', 999)"
        )


def connection_user(session) -> int:
    from edgekit.store.tables import User

    user = User(name="amina", role="health_worker", secret_hash="x", secret_kind="pin")
    session.add(user)
    session.commit()
    return user.id


def test_migration_0005_keeps_past_exchanges_without_an_energy_figure(bare_settings):
    from alembic import command

    from edgekit.store.db import _alembic_config

    engine = create_db_engine(bare_settings)
    command.upgrade(_alembic_config(engine), "0004")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO exchange (question, answer, model, app, tokens, latency_ms, created_at) "
            "VALUES ('before 0005', 'a', 'm', 'agri', 1, 2, '2026-11-01 10:00:00')"
        )
    command.upgrade(_alembic_config(engine), "0005")  # 0005 itself: later revisions (0006 sync) come after it
    assert current_revision(engine) == "0005"
    with session_for(engine) as session:
        kept = session.exec(select(Exchange)).one()
        assert kept.question == "before 0005"
        assert (kept.energy_j, kept.energy_method, kept.power_profile) == (None, None, None)
    command.downgrade(_alembic_config(engine), "0004")
    with engine.connect() as connection:
        columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(exchange)")}
        tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "energy_j" not in columns and "question" in columns and not {"energy_use", "power_sample"} & tables
