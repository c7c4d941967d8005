"""`hall doctor`: check this machine (database, data, calendar, fonts, Qt, printer, audit chain)."""

from __future__ import annotations

from common.cli import CliContext

_MARK = {"ok": "✔", "warn": "!", "fail": "✘"}


def register(sub, parent) -> None:
    p = sub.add_parser("doctor", parents=[parent], help="检查本机：数据库、字体、图形界面、打印机、审计日志")
    p.add_argument("--no-gui", action="store_true", help="不检查 Qt 图形界面")
    p.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from common.services.doctor import run_doctor

    report = run_doctor(ctx.args.db, ctx.args.config, check_gui=not ctx.args.no_gui)

    def text() -> str:
        lines = []
        for c in report.checks:
            lines.append(f"[{_MARK[c.status]}] {c.name}：{c.message}")
            if c.hint and c.status != "ok":
                lines.append(f"      → {c.hint}")
        lines.append("结论：" + ("正常" if report.ok else "有问题需要处理"))
        return "\n".join(lines)

    ctx.emit({"ok": report.ok, "checks": report.checks}, text)
    return 0 if report.ok else 1
