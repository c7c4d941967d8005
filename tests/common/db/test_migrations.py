"""The Alembic head matches the models, on both back ends, and opening a database migrates it."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from common.db import connect, open_database
from common.db.migrate import current_revision, head_revision, upgrade_to_head
from common.db.models import Base


def test_head_matches_models(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = compare_metadata(ctx, Base.metadata)
    assert diffs == []
    assert current_revision(db) == head_revision(db)


def test_open_database_creates_and_migrates_a_new_sqlite_file(tmp_path):
    path = tmp_path / "sub" / "new.db"
    db = open_database(f"sqlite:///{path}")
    assert path.exists()
    names = set(inspect(db.engine).get_table_names())
    assert {"ticket", "case", "audit_log", "queue_counter"} <= names
    assert upgrade_to_head(db) is False  # already at head: nothing to do
    with db.read_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_bare_path_is_a_sqlite_url(tmp_path):
    db = connect(str(tmp_path / "x.db"))
    assert db.is_sqlite
    db.dispose()
