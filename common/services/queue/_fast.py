"""Prepared Core statements for the hottest path (taking a number).

SQLAlchemy's per-execution machinery (execution context, parameter processing, result set-up) costs several
times what SQLite needs to run a small statement, and issuing a ticket runs five of them. `Prepared` keeps the
Core statement as the single source of SQL, compiles it once per dialect, binds values through the column types'
own processors (UtcDateTime, Enum, Date, JSON…), and executes on the DBAPI cursor of the Session's connection —
inside the same transaction. DBAPI errors are re-raised as SQLAlchemy's, and a lost connection is invalidated, so
callers (and `Database.write()`) see exactly what Core execution would have raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection


_MISSING = object()


@dataclass(frozen=True)
class _Plan:
    sql: str
    # (bind name, bind processor, literal value already processed or _MISSING when the caller must supply it)
    slots: tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]
    positional: bool  # SQLite: a tuple in `slots` order; psycopg: a dict
    result_procs: tuple[Callable[[Any], Any] | None, ...]


class Prepared:
    def __init__(self, stmt, keys: tuple[str, ...] | None = None):
        self.stmt = stmt
        self.keys = list(keys) if keys else None  # INSERT … VALUES: the columns given at execution
        self._plans: dict[tuple[str, str], _Plan] = {}

    def _plan(self, dialect) -> _Plan:
        key = (dialect.name, dialect.driver)
        plan = self._plans.get(key)
        if plan is None:
            compiled = self.stmt.compile(dialect=dialect, column_keys=self.keys)
            sql = compiled.string
            if "POSTCOMPILE" in sql:  # expanding IN parameters need per-execution rendering
                raise ValueError("Prepared statements cannot use expanding IN parameters")
            names = list(compiled.positiontup) if dialect.positional else list(compiled.binds)
            slots = []
            for name in names:
                bind = compiled.binds[name]
                proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if bind.required or (self.keys and name in self.keys):  # the caller's value
                    slots.append((name, proc, _MISSING))
                else:
                    value = bind.effective_value
                    slots.append((name, proc, proc(value) if proc is not None else value))
            results = tuple(
                col.type.dialect_impl(dialect).result_processor(dialect, None)
                for col in getattr(self.stmt, "exported_columns", ())
            )
            plan = self._plans[key] = _Plan(sql, tuple(slots), bool(dialect.positional), results)
        return plan

    def execute(self, conn: Connection, params: dict[str, Any]):
        """Run it; returns a result whose `first()` gives the processed row."""
        plan = self._plans.get((conn.dialect.name, conn.dialect.driver)) or self._plan(conn.dialect)
        values = [
            lit if lit is not _MISSING and n not in params else (p(params[n]) if p is not None else params[n])
            for n, p, lit in plan.slots
        ]
        args: Any = tuple(values) if plan.positional else dict(zip((n for n, _p, _l in plan.slots), values))
        fairy = conn.connection
        cursor = fairy.dbapi_connection.cursor()
        try:
            cursor.execute(plan.sql, args)
        except conn.dialect.loaded_dbapi.Error as e:
            invalid = conn.dialect.is_disconnect(e, fairy.dbapi_connection, cursor)
            if invalid:
                conn.invalidate(e)
            raise sa_exc.DBAPIError.instance(
                plan.sql, args, e, conn.dialect.loaded_dbapi.Error, connection_invalidated=invalid,
                dialect=conn.dialect,
            ) from e
        return _Result(cursor, plan.result_procs)

    def one(self, conn: Connection, params: dict[str, Any]) -> tuple | None:
        return self.execute(conn, params).first()

    def scalar(self, conn: Connection, params: dict[str, Any]) -> Any:
        row = self.execute(conn, params).first()
        return None if row is None else row[0]


class _Result:
    __slots__ = ("cursor", "procs")

    def __init__(self, cursor, procs):
        self.cursor = cursor
        self.procs = procs

    def all(self) -> list[tuple]:
        try:
            rows = self.cursor.fetchall() if self.cursor.description else []
        finally:
            self.cursor.close()
        if not self.procs:
            return list(rows)
        return [tuple(p(v) if p is not None else v for p, v in zip(self.procs, row)) for row in rows]

    def first(self) -> tuple | None:
        try:
            row = self.cursor.fetchone() if self.cursor.description else None
        finally:
            self.cursor.close()
        if row is None or not self.procs:
            return row
        return tuple(p(v) if p is not None else v for p, v in zip(self.procs, row))
