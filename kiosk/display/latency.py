"""Commit → screen latency of the hall display, measured across processes (tests and benchmarks/display_latency.py).

A COUNTER process (multiprocessing, spawn) calls numbers through the queue engine exactly as the clerk's app does
(`call_next`), and reports for each call the wall-clock time just before the call and just after it returned
(i.e. after its COMMIT). This process runs the real `DisplayController` (real feed thread, real widgets, offscreen)
and records when the big line showed each number (`callShown`) and when a snapshot containing it was applied.

    latency = time the screen changed − time `call_next` returned (the commit is at most that early)

Both processes read the same system clock (time.time()).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from common.clock import utcnow, zone

# --------------------------------------------------------------------------------------------- the hall


@dataclass(frozen=True)
class LatencyHall:
    site_id: int
    queue_id: int
    windows: tuple[tuple[int, dict[str, Any]], ...]  # (window id, Actor fields) per window


def setup_hall(db: Any, *, windows: int = 4, tickets: int = 60, tz: str = "Asia/Shanghai",
               code: str = "LAT") -> LatencyHall:
    """A site with one all-day queue served by `windows` signed-in windows, and `tickets` people waiting."""
    from common.db.models import Queue, Site, Staff, StaffRole, Window, WindowQueue, WindowSession
    from common.domain import Role, SiteLevel
    from common.services.queue import issue_ticket

    now = utcnow()
    today = now.astimezone(zone(tz)).date()
    with db.write() as s:
        site = Site(code=code, name="延迟测试大厅", level=SiteLevel.COUNTY, timezone=tz)
        s.add(site)
        s.flush()
        q = Queue(site_id=site.id, prefix="A", name="综合受理", opens_at=dt.time(0, 0),
                  closes_at=dt.time(23, 59, 59, 999999), range_end=9999)
        s.add(q)
        s.flush()
        out = []
        for n in range(1, windows + 1):
            w = Window(site_id=site.id, number=n, name=f"{n}号窗口")
            s.add(w)
            s.flush()
            s.add(WindowQueue(window_id=w.id, queue_id=q.id))
            st = Staff(staff_no=f"{code}-{n}", name=f"测试{n}", site_id=site.id)
            s.add(st)
            s.flush()
            s.add(StaffRole(staff_id=st.id, role=Role.CLERK))
            s.add(WindowSession(staff_id=st.id, window_id=w.id, business_day=today, started_at=now,
                                last_seen_at=now))
            out.append((w.id, {"staff_id": st.id, "staff_no": st.staff_no, "name": st.name, "site_id": site.id}))
        site_id, queue_id = site.id, q.id
    for _ in range(tickets):
        issue_ticket(db, queue_id)
    return LatencyHall(site_id, queue_id, tuple(out))


# --------------------------------------------------------------------------------------------- the counter


def counter_process(url: str, windows: list[tuple[int, dict[str, Any]]], calls: int, interval_s: float,
                    jitter_s: float, out: Any, go: Any, seed: int = 1) -> None:
    """Runs in its own process: `calls` × (finish the window's ticket, pause, call_next), reporting each call."""
    from common.db import connect
    from common.domain import Role
    from common.services.permissions import Actor
    from common.services.queue import call_next, current_ticket, finish

    db = connect(url)
    rnd = random.Random(seed)
    actors = [(wid, Actor(roles=frozenset({Role.CLERK}), **fields)) for wid, fields in windows]
    try:
        go.wait(60)
        for i in range(calls):
            wid, actor = actors[i % len(actors)]
            held = current_ticket(db, wid)
            if held is not None:
                finish(db, actor, wid, held.ticket_id)
            time.sleep(max(0.0, interval_s + rnd.uniform(-jitter_s, jitter_s)))
            t0 = time.time()
            served = call_next(db, actor, wid)
            t1 = time.time()
            out.put(("call", served.number if served else None, t0, t1))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        out.put(("error", repr(exc), 0.0, 0.0))
    finally:
        out.put(("done", None, 0.0, 0.0))
        db.dispose()


# --------------------------------------------------------------------------------------------- the display


@dataclass
class LatencyResult:
    backend: str
    calls: int
    label_ms: list[float] = field(default_factory=list)  # commit → big line shows the number
    snapshot_ms: list[float] = field(default_factory=list)  # commit → snapshot with the number applied
    upper_ms: list[float] = field(default_factory=list)  # call started → big line (an upper bound)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def pct(values: list[float], p: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        k = max(0, min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1)))))
        return ordered[k]

    def summary(self) -> dict[str, float]:
        return {
            "p50_ms": self.pct(self.label_ms, 50),
            "p95_ms": self.pct(self.label_ms, 95),
            "max_ms": max(self.label_ms) if self.label_ms else float("nan"),
            "mean_ms": statistics.fmean(self.label_ms) if self.label_ms else float("nan"),
            "snapshot_p50_ms": self.pct(self.snapshot_ms, 50),
            "snapshot_p95_ms": self.pct(self.snapshot_ms, 95),
            "upper_p95_ms": self.pct(self.upper_ms, 95),
        }


def measure(db: Any, hall: LatencyHall, *, calls: int = 20, interval_s: float = 0.25, jitter_s: float = 0.1,
            timeout_s: float = 120.0, wait_s: float = 1.0) -> LatencyResult:
    """Start the display here and a counter process; return the latencies of `calls` calls."""
    from kiosk.display.controller import DisplayController, DisplayOptions
    from kiosk.qt import QApplication

    result = LatencyResult(db.dialect, calls)
    shown: dict[str, float] = {}
    in_snapshot: dict[str, float] = {}

    def on_call(number: str, at: float) -> None:
        shown.setdefault(number, at)

    def on_snapshot(snap: Any, at: float) -> None:
        for c in snap.calls:
            in_snapshot.setdefault(c.number, at)

    opts = DisplayOptions(fullscreen=False, voice_backend="none", wait_s=wait_s, refresh_s=3600)
    controller = DisplayController(db, hall.site_id, opts)
    controller.callShown.connect(on_call)
    controller.snapshotApplied.connect(on_snapshot)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    go = ctx.Event()
    proc = ctx.Process(target=counter_process,
                       args=(db.url, list(hall.windows), calls, interval_s, jitter_s, out, go), daemon=True)
    reports: list[tuple[str, float, float]] = []
    try:
        controller.start(show=True)
        if not controller.wait_for(lambda: controller.snapshot is not None, 30):
            raise RuntimeError("the display got no snapshot")
        proc.start()
        go.set()
        deadline = time.monotonic() + timeout_s
        done = False
        while time.monotonic() < deadline:
            QApplication.processEvents()
            while not out.empty():
                kind, number, t0, t1 = out.get()
                if kind == "call" and number:
                    reports.append((number, t0, t1))
                elif kind == "error":
                    result.errors.append(str(number))
                elif kind == "done":
                    done = True
            if done and all(n in shown and n in in_snapshot for n, _, _ in reports):
                break
            time.sleep(0.002)
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
        controller.shutdown()
        QApplication.processEvents()
    for number, t0, t1 in reports:
        if number not in shown:
            result.missing.append(number)
            continue
        result.label_ms.append((shown[number] - t1) * 1000)
        result.upper_ms.append((shown[number] - t0) * 1000)
        if number in in_snapshot:
            result.snapshot_ms.append((in_snapshot[number] - t1) * 1000)
    return result
