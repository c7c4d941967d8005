"""Run the queue engine benchmark on SQLite and PostgreSQL, one after the other, and print both reports.

    .venv/bin/python benchmarks/queue_bench.py [--pg postgresql://postgres@127.0.0.1:5432/test] [--duration 20]

The same as `hall bench queue --db URL` (common/services/queue_bench.py holds the code); each run works in a
throw-away SQLite file / PostgreSQL schema and removes it afterwards.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.services.queue_bench import format_report, report_dict, run_bench  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sqlite", default=str(Path(tempfile.gettempdir()) / "hall-bench" / "hall.db"))
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--waiting", type=int, default=10_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    reports = []
    for url in (args.sqlite, args.pg):
        if not url:
            continue
        r = run_bench(url, duration_s=args.duration, waiting=args.waiting, log=lambda m: print(m, file=sys.stderr))
        reports.append(r)
        if not args.json:
            print(format_report(r), flush=True)
    if args.json:
        print(json.dumps([report_dict(r) for r in reports], ensure_ascii=False, indent=2))
    return 0 if all(r.targets_met["invariants"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
