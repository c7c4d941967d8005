"""Hall display latency: from a clerk's call (its COMMIT, in a separate counter process) to the display showing it.

    .venv/bin/python benchmarks/display_latency.py --db URL --calls 50
    .venv/bin/python benchmarks/display_latency.py --calls 50                 # a temporary SQLite file and the
                                                                              # local PostgreSQL (…/test)
URL: a PostgreSQL URL (a temporary schema is created in that database and dropped afterwards) or a SQLite URL /
the word `sqlite` (a temporary file). `--db` may be given several times.

Measured with the real display (DisplayController: feed QThread on EventCursor.wait — LISTEN/NOTIFY on
PostgreSQL, a light poll on SQLite — and the real widgets, offscreen) against a counter PROCESS calling
`call_next` every ~0.25 s (±0.1 s) across 4 windows. Reported: p50/p95/max of commit → big line shows the number,
and commit → the snapshot containing it is on screen. Targets: p95 ≤ 300 ms (PostgreSQL), ≤ 1.5 s (SQLite).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

TARGET_P95_MS = {"postgresql": 300.0, "sqlite": 1500.0}
DEFAULT_PG = os.environ.get("HALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _prepare(url: str, tmp: Path):
    """(url to use, cleanup function)."""
    from sqlalchemy import create_engine, text

    if url == "sqlite":
        return f"sqlite:///{tmp / 'latency.db'}", (lambda: None)
    if url.startswith("sqlite"):
        return url, (lambda: None)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


def run(url: str, calls: int, interval: float) -> tuple[str, dict, list[str]]:
    from common.db import open_database
    from kiosk.display.latency import measure, setup_hall

    with tempfile.TemporaryDirectory(prefix="hall-display-bench-") as tmp:
        real_url, cleanup = _prepare(url, Path(tmp))
        db = open_database(real_url)
        try:
            hall = setup_hall(db, windows=4, tickets=calls + 10)
            result = measure(db, hall, calls=calls, interval_s=interval, jitter_s=min(0.1, interval / 2))
        finally:
            db.dispose()
            cleanup()
    problems = [f"not shown: {', '.join(result.missing)}"] if result.missing else []
    problems += result.errors
    return result.backend, {**result.summary(), "n": len(result.label_ms)}, problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", action="append", metavar="URL", help="PostgreSQL or SQLite URL, or 'sqlite' (repeatable)")
    p.add_argument("--calls", type=int, default=50)
    p.add_argument("--interval", type=float, default=0.25, help="seconds between calls (±0.1 s jitter)")
    args = p.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import logging

    logging.basicConfig(level=logging.WARNING)
    from kiosk.qt import QApplication

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    urls = args.db or ["sqlite", DEFAULT_PG]
    failed = False
    print(f"hall display latency: {args.calls} calls from a counter process, commit → screen")
    print(f"{'backend':<11} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'snap p50':>9} {'snap p95':>9}  target p95")
    for url in urls:
        backend, s, problems = run(url, args.calls, args.interval)
        target = TARGET_P95_MS.get(backend, float("inf"))
        ok = s["p95_ms"] <= target and not problems
        failed |= not ok
        print(f"{backend:<11} {s['n']:>3} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['max_ms']:>8.1f} "
              f"{s['snapshot_p50_ms']:>9.1f} {s['snapshot_p95_ms']:>9.1f}  ≤ {target:.0f} ms {'OK' if ok else 'MISSED'}")
        for line in problems:
            print(f"  ! {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
