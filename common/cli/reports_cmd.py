"""`hall report daily|weekly|monthly` (运行日报/周报/月报, Excel and PDF) and `hall demo-activity` (simulated days).

The CLI acts as the admin actor (`common.cli.users.cli_actor()`), which may read every report.
"""

from __future__ import annotations

import argparse
import datetime as dt

EXIT_USAGE = 2
KINDS = {"daily": "日报", "weekly": "周报（周一至周日）", "monthly": "月报"}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式应为 YYYY-MM-DD，例如 2026-11-23。") from None


def _actor():
    from common.cli.users import cli_actor

    return cli_actor()


def _report(ctx) -> int:
    from common import clock
    from common.services.reports import (
        day_period,
        fmt_as_of,
        fmt_pct,
        headline,
        hall_report,
        month_period,
        overview_rows,
        week_period,
    )
    from common.services.sites import resolve_site

    a = ctx.args
    site = resolve_site(ctx.db, a.site)
    day = a.date or clock.business_day(clock.utcnow(), site.timezone)
    period = {"daily": day_period, "weekly": week_period, "monthly": month_period}[a.report_kind](day)
    report = hall_report(ctx.db, _actor(), site.id, period.day_from, period.day_to, top_items=a.top)
    files: dict[str, str] = {}
    if a.xlsx:
        from common.services.reports_xlsx import write_xlsx

        files["xlsx"] = str(write_xlsx(report, a.xlsx))
    if a.pdf:
        from common.printing.report_pdf import write_pdf

        files["pdf"] = str(write_pdf(report, a.pdf))

    def text() -> str:
        lines = [report.title, f"统计期 {period.day_from} 至 {period.day_to}（统计截至 {fmt_as_of(report)}）", "",
                 headline(report), ""]
        rows = overview_rows(report)
        for label, value, kind in rows:
            shown = fmt_pct(value) if kind == "pct" else ("—" if value is None else
                                                          f"{value:.1f}" if kind == "min" else str(value))
            lines.append(f"  {label}：{shown}")
        lines.append("")
        if report.warnings:
            lines.append(f"督办事项 {len(report.warnings)} 项：")
            lines += [f"  [{w.label}] {w.subject}：{w.detail}" for w in report.warnings]
        else:
            lines.append("本期未发现需督办的事项。")
        if "xlsx" in files:
            lines.append(f"已导出 Excel：{files['xlsx']}")
        if "pdf" in files:
            lines.append(f"已导出 PDF：{files['pdf']}")
        return "\n".join(lines)

    data = report.to_dict()
    data["files"] = files
    ctx.emit(data, text)
    return 0


def _demo_activity(ctx) -> int:
    from common.services.demo_activity import simulate_days

    a = ctx.args
    progress = None if ctx.as_json else (lambda line: print(line, flush=True))
    s = simulate_days(ctx.db, a.days, a.seed, site_code=a.site, end_day=a.end, scale=a.scale, progress=progress)

    def text() -> str:
        by = "、".join(f"{_type_label(k)} {n}" for k, n in s.cases_by_type.items() if n)
        lines = [
            f"已模拟 {len(s.days)} 个工作日（{s.days[0]} 至 {s.days[-1]}，站点 {s.site_code}）：",
            f"  取号 {s.tickets} 个，办结 {s.served} 个，过号 {s.no_show} 个",
            f"  办件 {s.cases} 件（{by}），后台审批 {s.decisions} 次",
            f"  评价 {s.ratings} 次，未评价 {s.skipped_ratings} 次，投诉与建议 {s.complaints} 件",
            "  安排的情形：",
            *(f"    · {x}" for x in s.scenarios),
            f"查看报表：hall report weekly --date {s.days[-1]}    或    hall report monthly --date {s.days[-1]} "
            "--pdf 月报.pdf --xlsx 月报.xlsx",
        ]
        return "\n".join(lines)

    ctx.emit(s, text)
    return 0


def _type_label(value: str) -> str:
    from common.domain import CaseType

    try:
        return CaseType(value).label
    except ValueError:
        return value


def register(sub, parent) -> None:
    report = sub.add_parser("report", parents=[parent], help="运行报表：日报、周报、月报（可导出 Excel、PDF）",
                            description="按窗口、工作人员、部门、队列、事项统计的运行报表，含督办事项。")
    report.set_defaults(handler=lambda ctx: (report.print_help(), EXIT_USAGE)[1])
    rs = report.add_subparsers(dest="report_command", metavar="报表")
    for kind, label in KINDS.items():
        p = rs.add_parser(kind, parents=[parent], help=f"运行{label}")
        p.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                       help="统计日期（默认今天）；周报、月报统计该日所在的周、月")
        p.add_argument("--site", metavar="CODE", help="站点编码（默认本大厅）")
        p.add_argument("--xlsx", metavar="FILE", help="导出 Excel 报表到此文件")
        p.add_argument("--pdf", metavar="FILE", help="导出 PDF 报表到此文件")
        p.add_argument("--top", type=int, default=10, metavar="N", help="高频事项列出前 N 项（默认 10）")
        p.set_defaults(handler=_report, report_kind=kind)

    p = sub.add_parser("demo-activity", parents=[parent],
                       help="为演示大厅模拟若干工作日的业务（取号、叫号、办件、评价、投诉），经由真实业务服务写入",
                       description="模拟最近若干个工作日（不含今天）的大厅业务，供演示报表使用。只用于演示或测试数据库。")
    p.add_argument("--days", type=int, default=5, help="模拟的工作日数（默认 5）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（相同种子、相同数据库得到相同结果）")
    p.add_argument("--site", metavar="CODE", help="站点编码（默认本大厅）")
    p.add_argument("--end", type=_date, metavar="YYYY-MM-DD", help="最后一个模拟日（默认今天之前的最后一个工作日）")
    p.add_argument("--scale", type=float, default=1.0, help="客流规模（1 为普通工作日，0.2 为清淡）")
    p.set_defaults(handler=_demo_activity)
