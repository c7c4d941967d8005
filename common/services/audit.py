"""The audit log (审计日志): append-only and hash-chained, so an edited, deleted or reordered row is detectable.

Each row's `hash` is SHA-256 over a canonical JSON serialization of its content (every column except `id`) and
the previous row's hash (`prev_hash`; 64 zeros for the first row). `record` is called inside other services'
write transactions, so the audit row commits or rolls back together with the change it describes.

Chain order is `id` order. Writers never fork the chain: on SQLite every write transaction is BEGIN IMMEDIATE
(one writer at a time); on PostgreSQL `record` takes a transaction-scoped advisory lock before reading the last
hash and inserting, so ids are also handed out in chain order. Id gaps are normal on PostgreSQL (a rolled-back
transaction consumes a sequence value) and are not reported by themselves; a missing row shows as a broken link.

Limits: an unkeyed chain cannot reveal that the newest rows were cut off, nor a forger who rewrites every row after
the one they changed. Keep copies of `hall audit show --json` / the last hash outside the database if that matters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from common.db.engine import Database
from common.db.models import AuditLog
from common.domain import Role
from common.services.permissions import Actor, require

GENESIS_HASH = "0" * 64
_PG_AUDIT_LOCK_KEY = 7_240_601  # advisory lock id: one audit writer at a time across the hall's PCs

_MAX = {"actor": 60, "action": 60, "entity": 40, "entity_id": 40}


# --------------------------------------------------------------------------------------------- canonical form


def canonical_at(at: dt.datetime) -> str:
    """`at` as text that survives a round trip through SQLite and PostgreSQL: UTC, exactly microseconds."""
    if at.tzinfo is None:
        raise ValueError("naive datetime given to the audit log")
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _normalize_at(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        at = dt.datetime.now(dt.timezone.utc)
    if at.tzinfo is None:
        raise ValueError("naive datetime given to the audit log")
    return at.astimezone(dt.timezone.utc)  # datetime already holds microseconds at most


def _normalize_detail(detail: Any) -> Any:
    """What will be stored: plain JSON (dates and other objects become strings, tuples lists, NaN refused)."""
    if detail is None:
        return None
    return json.loads(json.dumps(detail, ensure_ascii=False, default=str, allow_nan=False))


def compute_hash(
    *,
    at: dt.datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    detail: Any,
    prev_hash: str,
) -> str:
    payload = {
        "at": canonical_at(at),
        "actor_id": actor_id,
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _clip(value: Any, key: str) -> str:
    return ("" if value is None else str(value))[: _MAX[key]]


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return ""
    return f"{actor.name}（{actor.staff_no}）"


# --------------------------------------------------------------------------------------------- writing


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str = "",
    entity_id: Any = "",
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Append one audit row inside the caller's write transaction; returns its id."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK_KEY})
    last = session.execute(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)).scalar_one_or_none()
    prev_hash = last or GENESIS_HASH
    row = AuditLog(
        at=_normalize_at(at),
        actor_id=actor.staff_id if actor is not None else None,
        actor=_clip(actor_label(actor), "actor"),
        action=_clip(action, "action"),
        entity=_clip(entity, "entity"),
        entity_id=_clip(entity_id, "entity_id"),
        detail=_normalize_detail(detail),
        prev_hash=prev_hash,
    )
    row.hash = compute_hash(
        at=row.at, actor_id=row.actor_id, actor=row.actor, action=row.action, entity=row.entity,
        entity_id=row.entity_id, detail=row.detail, prev_hash=prev_hash,
    )
    session.add(row)
    session.flush()  # the id is assigned now, while the chain is locked
    return row.id


# --------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: Any
    hash: str


def list_entries(db: Database, actor: Actor, limit: int = 50, before_id: int | None = None) -> list[AuditEntry]:
    """The newest entries first (supervisors and managers)."""
    require(actor, Role.SUPERVISOR, Role.MANAGER, action="查看审计日志")
    limit = max(1, min(int(limit), 10_000))
    with db.read() as s:
        q = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
        if before_id is not None:
            q = q.where(AuditLog.id < before_id)
        return [
            AuditEntry(r.id, r.at, r.actor_id, r.actor, r.action, r.entity, r.entity_id, r.detail, r.hash)
            for r in s.scalars(q)
        ]


# --------------------------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class AuditProblem:
    row_id: int
    kind: str  # "hash_mismatch" (row edited) · "missing_rows" (rows deleted before it) · "broken_link" (reordered/inserted)
    message_zh: str


@dataclass
class AuditVerification:
    ok: bool
    checked: int
    problems: list[AuditProblem] = field(default_factory=list)
    more_problems: int = 0  # problems found but not listed (beyond max_problems)
    last_id: int | None = None
    last_hash: str | None = None


def verify(db: Database, *, batch_size: int = 5000, max_problems: int = 1000) -> AuditVerification:
    """Walk the whole chain in id order, in batches (keyset pagination, one short read transaction each)."""
    t = AuditLog.__table__
    cols = [t.c.id, t.c.at, t.c.actor_id, t.c.actor, t.c.action, t.c.entity, t.c.entity_id, t.c.detail,
            t.c.prev_hash, t.c.hash]
    result = AuditVerification(ok=True, checked=0)

    def problem(row_id: int, kind: str, message: str) -> None:
        result.ok = False
        if len(result.problems) < max_problems:
            result.problems.append(AuditProblem(row_id, kind, message))
        else:
            result.more_problems += 1

    prev_id: int | None = None
    prev_stored_hash = GENESIS_HASH
    while True:
        with db.read() as s:
            q = select(*cols).order_by(t.c.id).limit(batch_size)
            if prev_id is not None:
                q = q.where(t.c.id > prev_id)
            rows = s.execute(q).all()
        if not rows:
            break
        for r in rows:
            expected = compute_hash(
                at=r.at, actor_id=r.actor_id, actor=r.actor, action=r.action, entity=r.entity,
                entity_id=r.entity_id, detail=r.detail, prev_hash=r.prev_hash,
            )
            if expected != r.hash:
                problem(r.id, "hash_mismatch", f"第 {r.id} 条审计记录的内容与其哈希不符：该记录已被修改。")
            if r.prev_hash != prev_stored_hash:
                if prev_id is None:
                    problem(r.id, "missing_rows",
                            f"第 {r.id} 条审计记录是现存的第一条，但它不是链的起点：之前的记录已被删除。")
                elif r.id != prev_id + 1:
                    problem(r.id, "missing_rows",
                            f"第 {r.id} 条审计记录与上一条（第 {prev_id} 条）之间的链接断开："
                            f"第 {prev_id + 1}–{r.id - 1} 条之间的记录已被删除。")
                else:
                    problem(r.id, "broken_link",
                            f"第 {r.id} 条审计记录与上一条（第 {prev_id} 条）之间的链接断开："
                            "记录被插入、调换顺序或上一条被改写。")
            prev_id, prev_stored_hash = r.id, r.hash
            result.checked += 1
        if len(rows) < batch_size:
            break
    result.last_id = prev_id
    result.last_hash = prev_stored_hash if prev_id is not None else None
    return result
