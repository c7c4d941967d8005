"""Engine and sessions: SQLite on one machine (WAL, foreign keys, busy timeout, IMMEDIATE writes) or PostgreSQL.

Services receive a `Database` and open exactly one transaction per call:

    with db.write() as s:   # BEGIN IMMEDIATE on SQLite, so two writers never deadlock on lock upgrade
        ...
    with db.read() as s:    # a deferred transaction: readers never block the kiosk issuing a ticket
        ...
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15_000

# Network file systems that break SQLite's locking: the hall must use PostgreSQL for several PCs.
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs"}


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; the message is for people (Chinese)."""


def normalize_url(url: str) -> str:
    """Accept `postgresql://` and pick the psycopg 3 driver; accept a bare path as a SQLite file."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _filesystem_type(path: Path) -> str:
    """The mount's file-system type on Linux, '' elsewhere."""
    try:
        best, fstype = "", ""
        target = str(path.resolve())
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > len(best):
                    best, fstype = parts[1], parts[2]
        return fstype
    except OSError:
        return ""


def check_sqlite_path(path: Path) -> None:
    if str(path).startswith("\\\\") or _filesystem_type(path.parent) in _NETWORK_FS:
        raise DatabaseUnavailable(
            f"数据库文件 {path} 位于网络共享目录上。SQLite 不支持多台电脑共用网络上的数据库文件，"
            "多台电脑组网请使用 PostgreSQL（在配置文件 [database] url 或 HALL_DB_URL 中设置）。"
        )


@dataclass
class Database:
    url: str
    engine: Engine
    read_engine: Engine
    _write_factory: sessionmaker = field(repr=False)
    _read_factory: sessionmaker = field(repr=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commit on success, roll back on error."""
        with _translate_errors(self.url):
            with self._write_factory() as session, session.begin():
                yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with _translate_errors(self.url):
            with self._read_factory() as session, session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


@contextlib.contextmanager
def _translate_errors(url: str):
    try:
        yield
    except OperationalError as exc:
        # Connection-level failures become one clear message; the caller keeps its unsaved input.
        if getattr(exc, "connection_invalidated", False) or _is_connection_error(exc):
            raise DatabaseUnavailable(
                f"无法连接数据库（{describe_url(url)}），请检查网络或数据库服务。您的操作未保存，恢复后可重试。"
            ) from exc
        raise


def _is_connection_error(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(
        marker in text
        for marker in ("could not connect", "connection refused", "server closed", "terminating connection",
                       "connection is closed", "unable to open database", "connection timeout", "the connection is lost")
    )


def _sqlite_engines(url: str, echo: bool) -> tuple[Engine, Engine]:
    db_path = make_url(url).database
    if db_path and db_path != ":memory:":
        path = Path(db_path)
        check_sqlite_path(path)
        path.parent.mkdir(parents=True, exist_ok=True)

    def configure(engine: Engine, begin: str) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # Let SQLAlchemy, not pysqlite, emit BEGIN so we choose IMMEDIATE/DEFERRED.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a power cut loses at most the last commit
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql(begin)

    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    write = create_engine(url, echo=echo, connect_args=connect_args)
    configure(write, "BEGIN IMMEDIATE")
    read = create_engine(url, echo=echo, connect_args=connect_args)
    configure(read, "BEGIN")
    return write, read


def connect(url: str, *, echo: bool = False, pool_size: int = 5) -> Database:
    """Open a database by URL (without migrating it; see `common.db.migrate.open_database`)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        write, read = _sqlite_engines(url, echo)
    else:
        write = create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,  # a lost connection is replaced instead of failing the next click
            pool_size=pool_size,
            connect_args={"connect_timeout": 5},
        )
        read = write
    return Database(
        url=url,
        engine=write,
        read_engine=read,
        _write_factory=sessionmaker(write, expire_on_commit=False),
        _read_factory=sessionmaker(read, expire_on_commit=False),
    )


def default_sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / 'hall.db'}"


def env_db_url() -> str | None:
    return os.environ.get("HALL_DB_URL") or None
