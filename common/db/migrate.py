"""Bring a database to the newest schema (Alembic head) when an app or `hall` starts."""

from __future__ import annotations

import contextlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import text
from sqlalchemy.engine import make_url

from common.db.engine import Database, connect

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = 7_240_517  # advisory lock id: one migrator at a time across the hall's PCs


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    cfg.attributes["engine"] = db.engine
    return cfg


def head_revision(db: Database) -> str:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.read_engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextlib.contextmanager
def _migration_lock(db: Database):
    """Kiosk, counter and display may start together: only one of them migrates."""
    if db.is_sqlite:
        path = make_url(db.url).database
        if not path or path == ":memory:":
            yield
            return
        # an OS file lock (fcntl on POSIX, LockFileEx on Windows), released even if the process dies
        with FileLock(str(Path(path).with_suffix(".migrate.lock"))):
            yield
    else:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()


def upgrade_to_head(db: Database) -> bool:
    """Migrate if needed; returns True when a migration ran."""
    head = head_revision(db)
    if current_revision(db) == head:
        return False
    with _migration_lock(db):
        if current_revision(db) == head:
            return False
        command.upgrade(alembic_config(db), "head")
        return True


def open_database(url: str, *, migrate: bool = True, **kwargs) -> Database:
    db = connect(url, **kwargs)
    if migrate:
        upgrade_to_head(db)
    return db
