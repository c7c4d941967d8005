"""`hall calendar show|set|unset|add`: the legal working-day calendar and the hall's overrides."""

from __future__ import annotations

import datetime as dt

from common.cli import CliContext
from common.errors import InvalidInput


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"日期格式不正确：“{text}”，应为 2026-10-10 这样的格式。") from None


def register(sub, parent) -> None:
    p = sub.add_parser("calendar", parents=[parent], help="法定工作日历：查看、录入放假与调休")
    cs = p.add_subparsers(dest="calendar_command", metavar="操作", required=True)
    show = cs.add_parser("show", parents=[parent], help="显示某月的工作日、节假日与调休")
    show.add_argument("month", nargs="?", help="月份，如 2026-10（默认本月）")
    show.add_argument("--site", help="站点代码（同时显示该站点的开放时间）")
    show.set_defaults(handler=_show)
    st = cs.add_parser("set", parents=[parent], help="录入一天：workday 调休上班 / holiday 放假")
    st.add_argument("date")
    st.add_argument("kind", choices=["workday", "holiday"])
    st.add_argument("--name", default="", help="名称，如 春节 或 春节调休上班")
    st.set_defaults(handler=_set)
    un = cs.add_parser("unset", parents=[parent], help="删除对某天的录入，恢复内置数据")
    un.add_argument("date")
    un.set_defaults(handler=_unset)
    pv = cs.add_parser("provisional", parents=[parent],
                       help="按《全国年节及纪念日放假办法》预估某年的放假日（国务院尚未公布时；调休无法预估）")
    pv.add_argument("year", type=int)
    pv.set_defaults(handler=_provisional)
    add = cs.add_parser("add", parents=[parent], help="计算：某日起 N 个工作日后的日期（办件期限）")
    add.add_argument("date")
    add.add_argument("days", type=int)
    add.set_defaults(handler=_add)


def _admin():
    from common.cli.users import cli_actor

    return cli_actor()


def _show(ctx: CliContext) -> int:
    from common.services.calendar import month_view
    from common.services.sites import resolve_site

    if ctx.args.month:
        try:
            year, month = (int(x) for x in ctx.args.month.split("-"))
            dt.date(year, month, 1)
        except ValueError:
            raise InvalidInput(f"月份格式不正确：“{ctx.args.month}”，应为 2026-10 这样的格式。") from None
    else:
        today = dt.date.today()
        year, month = today.year, today.month
    site_id = resolve_site(ctx.db, ctx.args.site).id if ctx.args.site else None
    days = month_view(ctx.db, year, month, site_id)

    def text() -> str:
        lines = [f"{year} 年 {month} 月"]
        for d in days:
            state = {True: "工作日", False: "休息日", None: "未知"}[d.working]
            extra = f" {d.name}" if d.name else ""
            mark = " *大厅录入" if d.overridden else ""
            hall = "" if d.hall_open is None else (f" · 大厅开放 {d.hours}" if d.hall_open else " · 大厅不开放")
            lines.append(f"{d.day} {d.weekday} {state}{extra}{mark}{hall}")
        return "\n".join(lines)

    ctx.emit(days, text)
    return 0


def _set(ctx: CliContext) -> int:
    from common.services.calendar import set_override

    day = _date(ctx.args.date)
    set_override(ctx.db, _admin(), day, ctx.args.kind == "workday", ctx.args.name)
    ctx.emit({"day": day, "is_workday": ctx.args.kind == "workday"}, f"已录入 {day}：{'调休上班' if ctx.args.kind == 'workday' else '放假'}")
    return 0


def _unset(ctx: CliContext) -> int:
    from common.services.calendar import remove_override

    day = _date(ctx.args.date)
    removed = remove_override(ctx.db, _admin(), day)
    ctx.emit({"day": day, "removed": removed}, f"{day}：{'已删除录入' if removed else '本来就没有录入'}")
    return 0


def _provisional(ctx: CliContext) -> int:
    from common.services.calendar import enter_provisional_year

    count = enter_provisional_year(ctx.db, _admin(), ctx.args.year)
    ctx.emit({"year": ctx.args.year, "days": count},
             f"已按放假办法预估 {ctx.args.year} 年的 {count} 个放假日（名称带“（预估）”，不含调休上班日）。\n"
             f"国务院办公厅公布放假安排后，请用 hall calendar set 逐日录入，录入第一天时预估数据即被替换。")
    return 0


def _add(ctx: CliContext) -> int:
    from common.services.calendar import load_working_calendar

    start = _date(ctx.args.date)
    result = load_working_calendar(ctx.db).add_working_days(start, ctx.args.days)
    ctx.emit({"start": start, "days": ctx.args.days, "deadline": result},
             f"{start} 起 {ctx.args.days} 个工作日后：{result}")
    return 0
