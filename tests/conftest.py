"""Shared fixtures: a real SQLite file and a real PostgreSQL server, both migrated by Alembic.

`db` runs a test on both back ends. PostgreSQL is required: if it is not reachable the tests fail loudly
(set HALL_TEST_PG_URL to point elsewhere). Each test session gets its own PostgreSQL schema.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_BASE_URL = os.environ.get("HALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin_engine():
    return create_engine(PG_BASE_URL, connect_args={"connect_timeout": 5}, isolation_level="AUTOCOMMIT")


def _enter_coming_years(db) -> None:
    """Tests run on the real date and open cases whose deadlines may run into a year chinesecalendar does not
    cover yet (in December, next year): give the test hall the law's days off for it, as the demo hall has."""
    import datetime as dt

    from common.services.calendar import enter_provisional_in, years_missing_through

    with db.write() as s:
        for year in years_missing_through(s, dt.date.today() + dt.timedelta(days=366)):
            enter_provisional_in(s, year)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    from common.db import open_database

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    db = open_database(f"sqlite:///{path}")
    _enter_coming_years(db)
    db.dispose()
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as conn:  # fold the WAL into the file so a copy is whole
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def pg_schema_url():
    """A fresh schema on the PostgreSQL server, migrated to head once per test session."""
    from common.db import open_database

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - we want one loud, clear failure
        pytest.fail(
            f"PostgreSQL is required for the test suite but is not reachable at {PG_BASE_URL}: {exc}\n"
            "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            pytrace=False,
        )
    url = f"{PG_BASE_URL}?options=-csearch_path%3D{schema}"
    db = open_database(url)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_pg(url: str) -> None:
    from common.db.models import Base

    engine = create_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def sqlite_db(sqlite_template, tmp_path):
    from common.db import connect

    path = tmp_path / "hall.db"
    shutil.copy(sqlite_template, path)
    db = connect(f"sqlite:///{path}")
    yield db
    db.dispose()


@pytest.fixture
def pg_db(pg_schema_url):
    from common.db import connect

    _truncate_pg(pg_schema_url)
    db = connect(pg_schema_url)
    _enter_coming_years(db)
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request):
    """A migrated, empty database: the same test runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def db_url(db):
    return db.url
