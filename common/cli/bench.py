"""`hall bench queue`: the queue engine benchmark (code in common.services.queue_bench; this stays thin)."""

from __future__ import annotations


def register(sub, parent) -> None:
    bench = sub.add_parser("bench", help="性能基准测试", parents=[parent])
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="项目")
    q = bench_sub.add_parser(
        "queue", parents=[parent],
        help="排队叫号引擎：取号速度、取号与单行插入的耗时比、万张等候票时的叫号延迟、多进程并发一致性",
        description="在所选数据库旁建立临时副本（SQLite 新文件 / PostgreSQL 新模式）运行，结束后删除，不触碰业务数据。",
    )
    q.add_argument("--duration", type=float, default=20.0, help="并发阶段时长（秒，默认 20）")
    q.add_argument("--waiting", type=int, default=10_000, help="测叫号延迟时的等候票数（默认 10000）")
    q.add_argument("--samples", type=int, default=1000, help="取号与单行插入各测多少次（默认 1000）")
    q.add_argument("--calls", type=int, default=1000, help="测多少次叫号（默认 1000）")
    q.add_argument("--kiosks", type=int, default=2, help="并发阶段的取号机进程数（默认 2）")
    q.add_argument("--windows", type=int, default=4, help="并发阶段的窗口进程数（默认 4）")
    q.add_argument("--keep", action="store_true", help="保留临时数据库以便检查")
    q.set_defaults(handler=_queue)
    bench.set_defaults(handler=lambda ctx: (bench.print_help(), 2)[1])


def _queue(ctx) -> int:
    from common.services.queue_bench import format_report, report_dict, run_bench

    log = (lambda _m: None) if ctx.as_json else (lambda m: print(m, flush=True))
    a = ctx.args
    report = run_bench(ctx.db_url, duration_s=a.duration, waiting=a.waiting, samples=a.samples, calls=a.calls,
                       kiosks=a.kiosks, windows=a.windows, keep=a.keep, log=log)
    ctx.emit(report_dict(report), lambda: format_report(report))
    return 0 if report.targets_met["invariants"] else 1
