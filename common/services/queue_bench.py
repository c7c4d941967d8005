"""Load generator, invariant checker and benchmark of the queue engine.

The same code is the multi-process stress test (tests/common/services/test_queue_stress.py, a few seconds) and the
benchmark behind `hall bench queue` (longer). Every process opens its own `Database` from the URL.

The benchmark never touches a hall's real data: it works in a scratch copy (a new SQLite file next to the given
one, or a new PostgreSQL schema in the given database) that it removes afterwards.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import random
import statistics
import tempfile
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from common.clock import business_day, utcnow
from common.db.engine import Database, connect
from common.db.models import (
    Queue,
    QueueCounter,
    Site,
    Staff,
    StaffRole,
    Ticket,
    TicketEvent,
    Window,
    WindowQueue,
    WindowSession,
)
from common.domain import Priority, Role, SiteLevel, TicketEventKind as K, TicketStatus as TS
from common.errors import HallError
from common.services.permissions import Actor

TZ = "Asia/Shanghai"


# --------------------------------------------------------------------------------------------- the hall


@dataclass(frozen=True)
class BenchHall:
    site_id: int
    site_code: str
    queue_ids: list[int]
    window_ids: list[int]
    clerks: list[tuple[int, str, str]]  # (staff_id, staff_no, name), one per window, same order as window_ids

    def actor(self, i: int) -> Actor:
        staff_id, staff_no, name = self.clerks[i]
        return Actor(staff_id=staff_id, staff_no=staff_no, name=name, roles=frozenset({Role.CLERK}),
                     site_id=self.site_id)


def setup_hall(db: Database, *, code: str | None = None, n_windows: int = 4,
               ranges: tuple[tuple[str, int], ...] = (("A", 999), ("B", 50), ("C", 999))) -> BenchHall:
    """A site open all day, queues (prefix, range_end), windows serving every queue with different weights,
    one clerk signed in per window."""
    code = code or f"BENCH-{uuid.uuid4().hex[:6]}"
    now = utcnow()
    with db.write() as s:
        site = Site(code=code, name="压测服务中心", level=SiteLevel.COUNTY, timezone=TZ)
        s.add(site)
        s.flush()
        queues = []
        for i, (prefix, range_end) in enumerate(ranges):
            q = Queue(site_id=site.id, prefix=prefix, name=f"压测业务{prefix}", name_en=f"Bench {prefix}",
                      range_start=1, range_end=range_end, opens_at=dt.time(0, 0),
                      closes_at=dt.time(23, 59, 59, 999999), position=i, ageing_minutes=20, max_recalls=2)
            s.add(q)
            s.flush()
            queues.append(q.id)
        windows, clerks = [], []
        for n in range(1, n_windows + 1):
            w = Window(site_id=site.id, number=n, name=f"{n}号窗口")
            s.add(w)
            s.flush()
            for j, qid in enumerate(queues):
                s.add(WindowQueue(window_id=w.id, queue_id=qid, weight=1 + (n + j) % 3))
            st = Staff(staff_no=f"{code}-{n}", name=f"压测{n}号", site_id=site.id)
            s.add(st)
            s.flush()
            s.add(StaffRole(staff_id=st.id, role=Role.CLERK))
            s.add(WindowSession(staff_id=st.id, window_id=w.id, business_day=business_day(now, TZ), started_at=now))
            windows.append(w.id)
            clerks.append((st.id, st.staff_no, st.name))
    return BenchHall(site.id, code, queues, windows, clerks)


def bulk_waiting(db: Database, hall: BenchHall, count: int, *, priority_share: float = 0.1, seed: int = 7) -> None:
    """Put `count` waiting tickets in the hall's queues quickly (Core executemany, counters kept consistent)."""
    from common.services.queue import format_number

    rnd = random.Random(seed)
    now = utcnow()
    day = business_day(now, TZ)
    with db.write() as s:
        meta = {q.id: q for q in s.scalars(select(Queue).where(Queue.id.in_(hall.queue_ids)))}
        counters = {qid: 0 for qid in hall.queue_ids}
        for row in s.execute(select(QueueCounter.queue_id, QueueCounter.issued)
                             .where(QueueCounter.business_day == day, QueueCounter.queue_id.in_(hall.queue_ids))):
            counters[row.queue_id] = row.issued
        start = counters.copy()
        rows, ev = [], []
        non_normal = [p for p in Priority if p is not Priority.NORMAL]
        for i in range(count):
            qid = hall.queue_ids[i % len(hall.queue_ids)]
            counters[qid] += 1
            q = meta[qid]
            at = now - dt.timedelta(milliseconds=count - i)  # stays inside today's business day
            rows.append(dict(
                site_id=hall.site_id, queue_id=qid, origin_queue_id=qid, business_day=day, seq=counters[qid],
                number=format_number(q.prefix, counters[qid], q.range_start, q.range_end),
                priority=rnd.choice(non_normal) if rnd.random() < priority_share else Priority.NORMAL,
                status=TS.WAITING, issued_at=at, queued_at=at, phone="", note="", recall_count=0, walk_direct=False,
                device="bulk", check_code="BULK0000",
            ))
        for chunk in range(0, len(rows), 2000):
            s.execute(insert(Ticket.__table__), rows[chunk:chunk + 2000])
        ids = s.execute(select(Ticket.id, Ticket.queue_id, Ticket.issued_at).where(
            Ticket.site_id == hall.site_id, Ticket.device == "bulk")).all()
        for tid, qid, at in ids:
            ev.append(dict(ticket_id=tid, kind=K.ISSUED, at=at, queue_id=qid, note="bulk"))
        for chunk in range(0, len(ev), 2000):
            s.execute(insert(TicketEvent.__table__), ev[chunk:chunk + 2000])
        for qid, issued in counters.items():
            if start[qid] == 0 and issued:
                s.add(QueueCounter(queue_id=qid, business_day=day, issued=issued, normal_since_priority=0))
            elif issued != start[qid]:
                s.execute(QueueCounter.__table__.update().where(
                    QueueCounter.queue_id == qid, QueueCounter.business_day == day).values(issued=issued))
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE ticket"))
            conn.commit()


# --------------------------------------------------------------------------------------------- workers


def _kiosk_worker(url: str, hall: BenchHall, seed: int, barrier, run_s: float, results) -> None:
    from common.services.queue import issue_ticket

    db = connect(url)
    rnd = random.Random(seed)
    issued: list[int] = []
    errors: list[str] = []
    lat: list[float] = []
    non_normal = [p for p in Priority if p is not Priority.NORMAL]
    try:
        barrier.wait()
        deadline = time.monotonic() + run_s
        while time.monotonic() < deadline:
            prio = rnd.choice(non_normal) if rnd.random() < 0.15 else Priority.NORMAL
            t0 = time.perf_counter()
            try:
                t = issue_ticket(db, rnd.choice(hall.queue_ids), priority=prio, device=f"kiosk-{seed}")
            except HallError as exc:
                errors.append(f"issue: {exc.message}")
                continue
            lat.append(time.perf_counter() - t0)
            issued.append(t.ticket_id)
            time.sleep(rnd.random() * 0.004)
    except Exception:  # noqa: BLE001 - report everything to the parent
        errors.append(traceback.format_exc())
    finally:
        db.dispose()
        results.put({"role": "kiosk", "issued": issued, "errors": errors, "issue_lat": lat})


def _window_worker(url: str, hall: BenchHall, index: int, seed: int, barrier, run_s: float, results) -> None:
    from common.services import queue as qs

    db = connect(url)
    rnd = random.Random(seed)
    actor, wid = hall.actor(index), hall.window_ids[index]
    ops: dict[str, int] = {}
    errors: list[str] = []
    lat: list[float] = []
    walk_ids: list[int] = []

    def op(name: str, fn: Callable, *a, **kw):
        ops[name] = ops.get(name, 0) + 1
        return fn(db, actor, wid, *a, **kw)

    try:
        barrier.wait()
        deadline = time.monotonic() + run_s
        while time.monotonic() < deadline:
            try:
                if rnd.random() < 0.01:
                    t = op("walk_direct", qs.walk_direct, rnd.choice(hall.queue_ids), note="压测")
                    walk_ids.append(t.ticket_id)
                    op("finish", qs.finish, t.ticket_id)
                    continue
                t0 = time.perf_counter()
                t = op("call_next", qs.call_next)
                lat.append(time.perf_counter() - t0)
                if t is None:  # nobody waiting: a clerk would not press again at once
                    time.sleep(0.02)
                    continue
                r = rnd.random()
                if r < 0.10:  # nobody comes: recall, then no-show (half of them re-queued)
                    for _ in range(rnd.randint(0, 2)):
                        op("recall", qs.recall, t.ticket_id)
                    op("no_show", qs.mark_no_show, t.ticket_id, requeue=rnd.random() < 0.5)
                elif r < 0.18:  # transfer somewhere
                    kind = rnd.random()
                    kw: dict[str, Any] = {"note": "压测转移", "return_after": rnd.random() < 0.3}
                    others = [i for i in range(len(hall.window_ids)) if i != index]
                    if kind < 0.5:
                        kw["to_queue_id"] = rnd.choice([q for q in hall.queue_ids if q != t.queue_id])
                    elif kind < 0.8:
                        kw["to_window_id"] = hall.window_ids[rnd.choice(others)]
                    else:
                        kw["to_staff_id"] = hall.clerks[rnd.choice(others)][0]
                    op("transfer", qs.transfer, t.ticket_id, **kw)
                elif r < 0.23:  # park, serve someone else, resume
                    op("start", qs.start_service, t.ticket_id)
                    op("park", qs.park, t.ticket_id, note="补材料")
                    other = op("call_next", qs.call_next)
                    if other is not None:
                        op("finish", qs.finish, other.ticket_id)
                    op("resume", qs.resume, t.ticket_id)
                    op("finish", qs.finish, t.ticket_id)
                elif r < 0.28:  # finished straight from "called"
                    op("finish", qs.finish, t.ticket_id)
                else:
                    op("start", qs.start_service, t.ticket_id)
                    op("finish", qs.finish, t.ticket_id)
            except HallError as exc:
                errors.append(f"{type(exc).__name__}: {exc.message}")
    except Exception:  # noqa: BLE001
        errors.append(traceback.format_exc())
    finally:
        db.dispose()
        results.put({"role": "window", "window": wid, "ops": ops, "errors": errors, "call_lat": lat,
                     "walk_direct": walk_ids})


@dataclass
class LoadResult:
    duration_s: float
    kiosks: int
    windows: int
    issued: list[int] = field(default_factory=list)
    walk_direct: list[int] = field(default_factory=list)
    ops: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    issue_lat: list[float] = field(default_factory=list)
    call_lat: list[float] = field(default_factory=list)


def run_load(url: str, hall: BenchHall, *, kiosks: int = 2, windows: int | None = None, duration_s: float = 5.0,
             seed: int = 1, timeout_s: float = 120.0) -> LoadResult:
    """Kiosk and window processes (spawned) hammer the same hall for `duration_s` seconds."""
    ctx = mp.get_context("spawn")
    windows = len(hall.window_ids) if windows is None else windows
    barrier = ctx.Barrier(kiosks + windows)
    results = ctx.Queue()
    procs = [ctx.Process(target=_kiosk_worker, args=(url, hall, seed * 100 + k, barrier, duration_s, results))
             for k in range(kiosks)]
    procs += [ctx.Process(target=_window_worker, args=(url, hall, i, seed * 100 + 50 + i, barrier, duration_s, results))
              for i in range(windows)]
    for p in procs:
        p.start()
    out = LoadResult(duration_s=duration_s, kiosks=kiosks, windows=windows)
    deadline = time.monotonic() + duration_s + timeout_s
    got = 0
    while got < len(procs) and time.monotonic() < deadline:
        try:
            r = results.get(timeout=1.0)
        except Exception:  # noqa: BLE001 - queue.Empty
            if all(not p.is_alive() for p in procs) and results.empty():
                break
            continue
        got += 1
        out.errors += r["errors"]
        if r["role"] == "kiosk":
            out.issued += r["issued"]
            out.issue_lat += r["issue_lat"]
        else:
            out.walk_direct += r["walk_direct"]
            out.call_lat += r["call_lat"]
            for k, v in r["ops"].items():
                out.ops[k] = out.ops.get(k, 0) + v
    for p in procs:
        p.join(timeout=10)
        if p.is_alive():
            p.terminate()
            out.errors.append(f"process {p.pid} did not finish")
    if got < len(procs):
        out.errors.append(f"only {got} of {len(procs)} workers reported")
    return out


# --------------------------------------------------------------------------------------------- invariants

# kind -> (allowed previous states, next state); None as next state = unchanged
_TRANSITIONS: dict[K, tuple[frozenset, TS | None]] = {
    K.ISSUED: (frozenset({None}), TS.WAITING),
    K.CHECKED_IN: (frozenset({None}), TS.WAITING),
    K.CALLED: (frozenset({TS.WAITING}), TS.CALLED),
    K.RECALLED: (frozenset({TS.CALLED}), TS.CALLED),
    K.STARTED: (frozenset({TS.CALLED}), TS.SERVING),
    K.NO_SHOW: (frozenset({TS.CALLED}), TS.NO_SHOW),
    K.REQUEUED: (frozenset({TS.NO_SHOW}), TS.WAITING),
    K.PARKED: (frozenset({TS.CALLED, TS.SERVING}), TS.PARKED),
    K.RESUMED: (frozenset({TS.PARKED}), TS.SERVING),
    K.TRANSFERRED: (frozenset({TS.CALLED, TS.SERVING, TS.PARKED}), TS.WAITING),
    K.RETURNED: (frozenset({TS.CALLED, TS.SERVING}), TS.WAITING),
    K.FINISHED: (frozenset({TS.CALLED, TS.SERVING}), TS.DONE),
    K.EXPIRED: (frozenset({TS.WAITING, TS.CALLED, TS.PARKED}), TS.EXPIRED),
    K.CANCELLED: (frozenset({TS.WAITING}), TS.CANCELLED),
    K.REPRINTED: (frozenset(TS), None),
}


def replay(kinds: list[K]) -> tuple[TS | None, str | None]:
    """Replay a ticket's events; (final state, problem or None)."""
    state: TS | None = None
    for i, kind in enumerate(kinds):
        allowed, nxt = _TRANSITIONS[kind]
        if state not in allowed:
            return state, f"event #{i + 1} '{kind.value}' not allowed in state {state}"
        if nxt is not None:
            state = nxt
    return state, None


def check_invariants(db: Database, site_id: int, issued_ids: list[int] | None = None,
                     walk_direct_ids: list[int] | None = None) -> list[str]:
    """Everything that must hold after any amount of concurrent use; returns the problems found."""
    problems: list[str] = []
    T = Ticket.__table__
    with db.read() as s:
        dup = s.execute(select(T.c.origin_queue_id, T.c.business_day, T.c.seq, func.count())
                        .where(T.c.site_id == site_id)
                        .group_by(T.c.origin_queue_id, T.c.business_day, T.c.seq).having(func.count() > 1)).all()
        problems += [f"duplicate seq {r}" for r in dup]
        sizes = {q.id: q.range_end - q.range_start + 1 for q in s.scalars(select(Queue).where(Queue.site_id == site_id))}
        rows = s.execute(select(T.c.id, T.c.origin_queue_id, T.c.business_day, T.c.seq, T.c.number, T.c.status,
                                T.c.window_id, T.c.walk_direct).where(T.c.site_id == site_id)).all()
        seen: dict[tuple, int] = {}
        held: dict[int, list[int]] = {}
        for r in rows:
            key = (r.origin_queue_id, r.business_day, r.number, (r.seq - 1) // sizes[r.origin_queue_id])
            if key in seen:
                problems.append(f"duplicate shown number {r.number} within one range cycle: tickets {seen[key]}, {r.id}")
            seen[key] = r.id
            st = TS(r.status)
            if st in (TS.CALLED, TS.SERVING):
                if r.window_id is None:
                    problems.append(f"ticket {r.id} is {st.value} but no window holds it")
                else:
                    held.setdefault(r.window_id, []).append(r.id)
            if st is TS.WAITING and r.window_id is not None:
                problems.append(f"waiting ticket {r.id} still held by window {r.window_id}")
        problems += [f"window {w} holds {len(ids)} called/serving tickets: {ids}" for w, ids in held.items() if len(ids) > 1]
        ids = {r.id for r in rows}
        if issued_ids is not None:
            expected = set(issued_ids) | set(walk_direct_ids or [])
            missing = expected - ids
            extra = ids - expected
            if missing:
                problems.append(f"{len(missing)} issued tickets missing, e.g. {sorted(missing)[:5]}")
            if extra:
                problems.append(f"{len(extra)} tickets nobody issued, e.g. {sorted(extra)[:5]}")
        counters = s.execute(select(QueueCounter.queue_id, QueueCounter.business_day, QueueCounter.issued)
                             .where(QueueCounter.queue_id.in_(list(sizes)))).all()
        per_counter: dict[tuple, list[int]] = {}
        for r in rows:
            per_counter.setdefault((r.origin_queue_id, r.business_day), []).append(r.seq)
        for qid, day, issued in counters:
            seqs = per_counter.get((qid, day), [])
            if seqs and (max(seqs) != issued or len(seqs) != issued):
                problems.append(f"counter {qid}/{day} says {issued}, tickets have {len(seqs)} (max seq {max(seqs)})")
        events: dict[int, list[K]] = {}
        for tid, kind in s.execute(select(TicketEvent.ticket_id, TicketEvent.kind)
                                   .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                                   .where(Ticket.site_id == site_id).order_by(TicketEvent.id)):
            events.setdefault(tid, []).append(K(kind))
        for r in rows:
            final, problem = replay(events.get(r.id, []))
            if problem:
                problems.append(f"ticket {r.id} ({r.number}): {problem}: {[k.value for k in events.get(r.id, [])]}")
            elif final is not TS(r.status):
                problems.append(f"ticket {r.id} ({r.number}) is {TS(r.status).value} but its events end in {final}")
    return problems


# --------------------------------------------------------------------------------------------- benchmark


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))]


class ScratchDatabase:
    """A throw-away copy of the schema beside the chosen database: a new SQLite file or a new PostgreSQL schema."""

    def __init__(self, url: str, keep: bool = False):
        from common.db.engine import normalize_url

        self.base = normalize_url(url)
        self.keep = keep
        self.schema: str | None = None
        self.path: Path | None = None
        u = make_url(self.base)
        if u.get_backend_name() == "sqlite":
            parent = Path(u.database).expanduser().resolve().parent if u.database and u.database != ":memory:" \
                else Path(tempfile.gettempdir())
            parent.mkdir(parents=True, exist_ok=True)
            self.path = parent / f"hall-bench-{uuid.uuid4().hex[:8]}.db"
            self.url = f"sqlite:///{self.path}"
        else:
            self.schema = f"hall_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            self.url = u.update_query_dict({"options": f"-csearch_path={self.schema}"}).render_as_string(
                hide_password=False)

    def open(self) -> Database:
        from common.db import open_database

        return open_database(self.url)

    def drop(self) -> None:
        if self.keep:
            return
        if self.path is not None:
            for suffix in ("", "-wal", "-shm", ".migrate.lock"):
                p = Path(str(self.path) + suffix) if suffix != ".migrate.lock" else self.path.with_suffix(suffix)
                if p.exists():
                    p.unlink()
        elif self.schema:
            admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            admin.dispose()


@dataclass
class BenchReport:
    database: str
    backend: str
    issue_ms_mean: float
    bare_insert_ms_mean: float
    issue_to_insert_ratio: float
    issue_to_insert_ratio_median: float
    tickets_per_s_single: float
    waiting: int
    call_next_p50_ms: float
    call_next_p99_ms: float
    call_next_samples: int
    call_next_p99_in_inserts: float  # p99 ÷ the bare INSERT+COMMIT mean of the same run: comparable under load
    concurrent_s: float
    concurrent_issued_per_s: float
    concurrent_calls_per_s: float
    concurrent_call_next_p99_ms: float
    concurrent_issue_p99_ms: float
    invariant_problems: int
    errors: int
    targets_met: dict[str, bool]
    cpus: int = 0
    load_avg_start: float = 0.0  # 1-minute load average: timings are only comparable on a quiet machine
    load_avg_end: float = 0.0


def measure_ratio(db: Database, hall: BenchHall, samples: int) -> tuple[float, float, float, float]:
    """Mean ms of one ticket issue and of a bare one-row INSERT+COMMIT (same engine, scratch table), interleaved."""
    from common.services.queue import issue_ticket

    md = MetaData()
    scratch = Table("hall_bench_scratch", md, Column("id", Integer, primary_key=True), Column("v", String(20)))
    md.create_all(db.engine)
    stmt = insert(scratch)

    def bare():
        with db.write() as s:
            s.execute(stmt, {"v": "x"})

    queues = hall.queue_ids
    counter = [0]

    def issue():
        counter[0] += 1
        issue_ticket(db, queues[counter[0] % len(queues)], device="bench")

    issue_t: list[float] = []
    bare_t: list[float] = []
    for _ in range(50):  # warm up caches, pools, statement caches
        bare()
        issue()
    block = 50
    done = 0
    while done < samples:
        for fn, sink in ((bare, bare_t), (issue, issue_t)):
            for _ in range(block):
                t0 = time.perf_counter()
                fn()
                sink.append(time.perf_counter() - t0)
        done += block
    md.drop_all(db.engine)
    mi, mb = statistics.fmean(issue_t) * 1000, statistics.fmean(bare_t) * 1000
    return mi, mb, mi / mb, statistics.median(issue_t) / statistics.median(bare_t)


def measure_call_next(db: Database, hall: BenchHall, waiting: int, calls: int) -> list[float]:
    from common.services import queue as qs

    bulk_waiting(db, hall, waiting)
    lat: list[float] = []
    n = len(hall.window_ids)
    for i in range(calls):
        w = i % n
        t0 = time.perf_counter()
        t = qs.call_next(db, hall.actor(w), hall.window_ids[w])
        lat.append(time.perf_counter() - t0)
        if t is None:
            break
        qs.finish(db, hall.actor(w), hall.window_ids[w], t.ticket_id)
        if i % 10 == 0:  # keep the queue at its size
            qs.issue_ticket(db, hall.queue_ids[i % len(hall.queue_ids)], device="bench")
    return lat


def run_bench(url: str, *, duration_s: float = 20.0, waiting: int = 10_000, samples: int = 1000, calls: int = 1000,
              kiosks: int = 2, windows: int = 4, keep: bool = False, log: Callable[[str], None] = print) -> BenchReport:
    from common.db.engine import describe_url

    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    scratch = ScratchDatabase(url, keep=keep)
    try:
        db = scratch.open()
        backend = "sqlite" if db.is_sqlite else "postgresql"
        log(f"数据库：{describe_url(scratch.url)}（{backend}，压测用临时{'文件' if db.is_sqlite else '模式'}）")

        hall1 = setup_hall(db, code="BENCH-ISSUE", n_windows=windows)
        log(f"1/3 取号与单行插入对比（各 {samples} 次，交替进行）…")
        mi, mb, ratio, ratio_med = measure_ratio(db, hall1, samples)

        hall2 = setup_hall(db, code="BENCH-CALL", n_windows=windows)
        log(f"2/3 {waiting} 张等候票时的叫号延迟（{calls} 次）…")
        lat = measure_call_next(db, hall2, waiting, calls)

        hall3 = setup_hall(db, code="BENCH-LOAD", n_windows=windows)
        log(f"3/3 并发：{kiosks} 个取号进程 + {windows} 个窗口进程，{duration_s:g} 秒…")
        load = run_load(scratch.url, hall3, kiosks=kiosks, windows=windows, duration_s=duration_s)
        problems = check_invariants(db, hall3.site_id, load.issued, load.walk_direct)
        for p in problems[:20]:
            log(f"  不变量违反：{p}")
        for e in load.errors[:20]:
            log(f"  错误：{e}")
        calls_done = load.ops.get("call_next", 0)
        p99 = _pct(lat, 99) * 1000
        sqlite = backend == "sqlite"
        report = BenchReport(
            database=describe_url(url), backend=backend,
            issue_ms_mean=round(mi, 3), bare_insert_ms_mean=round(mb, 3),
            issue_to_insert_ratio=round(ratio, 2), issue_to_insert_ratio_median=round(ratio_med, 2),
            tickets_per_s_single=round(1000 / mi, 1),
            waiting=waiting, call_next_p50_ms=round(_pct(lat, 50) * 1000, 2), call_next_p99_ms=round(p99, 2),
            call_next_samples=len(lat), call_next_p99_in_inserts=round(p99 / mb, 1),
            concurrent_s=duration_s, concurrent_issued_per_s=round(len(load.issued) / duration_s, 1),
            concurrent_calls_per_s=round(calls_done / duration_s, 1),
            concurrent_call_next_p99_ms=round(_pct(load.call_lat, 99) * 1000, 2),
            concurrent_issue_p99_ms=round(_pct(load.issue_lat, 99) * 1000, 2),
            invariant_problems=len(problems), errors=len(load.errors), cpus=os.cpu_count() or 0,
            load_avg_start=round(load_start, 2),
            load_avg_end=round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else 0.0,
            targets_met={
                "ratio": ratio <= (3.0 if sqlite else 2.0),
                "call_next_p99": p99 <= (50.0 if sqlite else 20.0),
                "invariants": not problems and not load.errors,
            },
        )
        db.dispose()
        return report
    finally:
        scratch.drop()


def format_report(r: BenchReport) -> str:
    ratio_target = "≤ 3" if r.backend == "sqlite" else "≤ 2"
    p99_target = "≤ 50" if r.backend == "sqlite" else "≤ 20"
    ok = lambda b: "达标" if b else "未达标"  # noqa: E731
    return "\n".join([
        f"队列引擎基准（{r.backend}）：{r.database}",
        f"  单进程取号：{r.tickets_per_s_single:.0f} 张/秒（每张 {r.issue_ms_mean:.3f} ms）",
        f"  单行 INSERT+COMMIT：{r.bare_insert_ms_mean:.3f} ms",
        f"  取号/单行插入 比值：{r.issue_to_insert_ratio:.2f}（中位数比 {r.issue_to_insert_ratio_median:.2f}；"
        f"目标 {ratio_target}，{ok(r.targets_met['ratio'])}）",
        f"  叫号（{r.waiting} 张等候）：p50 {r.call_next_p50_ms:.2f} ms，p99 {r.call_next_p99_ms:.2f} ms"
        f"（{r.call_next_samples} 次；目标 p99 {p99_target} ms，{ok(r.targets_met['call_next_p99'])}；"
        f"p99 = {r.call_next_p99_in_inserts:g} 次单行插入的耗时）",
        f"  并发 {r.concurrent_s:g} 秒：取号 {r.concurrent_issued_per_s:.0f} 张/秒，叫号 {r.concurrent_calls_per_s:.0f} 次/秒，"
        f"叫号 p99 {r.concurrent_call_next_p99_ms:.1f} ms，取号 p99 {r.concurrent_issue_p99_ms:.1f} ms",
        f"  一致性检查：{r.invariant_problems} 项违反，{r.errors} 个错误（{ok(r.targets_met['invariants'])}）",
        f"  本机 {r.cpus} 核，1 分钟平均负载 {r.load_avg_start:.1f} → {r.load_avg_end:.1f}（负载高时耗时不可比）",
    ])


def report_dict(r: BenchReport) -> dict[str, Any]:
    return asdict(r)


if __name__ == "__main__":  # pragma: no cover - `python -m common.services.queue_bench URL`
    import sys

    print(format_report(run_bench(sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "b.db"))))
