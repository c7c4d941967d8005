"""`hall appointment slots|book|list|import|cancel`: 预约 from the command line (phone bookings, a script that loads the
online platform's bookings). Queues are named by their letter (A, Y …) in this hall."""

from __future__ import annotations

import datetime as dt

from common.cli import CliContext
from common.errors import InvalidInput, NotFound


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"日期格式不正确：“{text}”，应为 2026-12-08 这样的格式。") from None


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"时间格式不正确：“{text}”，应为 09:30 这样的格式。") from None


def _queue(ctx: CliContext) -> tuple[int, int]:
    """(site id, queue id) of the queue letter in this hall."""
    from sqlalchemy import select

    from common.db.models import Queue
    from common.services.sites import resolve_site

    site = resolve_site(ctx.db, getattr(ctx.args, "site", None))
    prefix = (ctx.args.queue or "").strip().upper()
    with ctx.db.read() as s:
        qid = s.scalar(select(Queue.id).where(Queue.site_id == site.id, Queue.prefix == prefix))
    if qid is None:
        raise NotFound(f"本大厅没有字母为“{prefix}”的业务队列。")
    return site.id, qid


def _today(ctx: CliContext) -> dt.date:
    from common import clock
    from common.services.sites import resolve_site

    return clock.business_day(clock.utcnow(), resolve_site(ctx.db, None).timezone)


def _admin():
    from common.cli.users import cli_actor

    return cli_actor()


def _slots(ctx: CliContext) -> int:
    from common.services.appointments import slots

    _, qid = _queue(ctx)
    day = _date(ctx.args.date) if ctx.args.date else _today(ctx)
    rows = slots(ctx.db, qid, day)
    ctx.emit([{"start": r.start, "end": r.end, "capacity": r.capacity, "booked": r.booked, "left": r.left,
               "bookable": r.bookable} for r in rows],
             lambda: "\n".join([f"{day} {ctx.args.queue.upper()} 可预约时段："] + [
                 f"  {r.label}  余 {r.left}/{r.capacity}" + ("" if r.bookable else "（已开始）") for r in rows
             ] if rows else [f"{day} 大厅不开放，或该业务当天不办理。"]))
    return 0


def _book(ctx: CliContext) -> int:
    from common.services.appointments import book

    _, qid = _queue(ctx)
    a = ctx.args
    info = book(ctx.db, _admin(), qid, _date(a.date), _time(a.time), name=a.name, id_number=a.id_number,
                phone=a.phone or "", item_code=a.item)
    ctx.emit(info, f"已预约：{info.code}  {info.queue_prefix} {info.queue_name}  {info.when}  {info.name_masked}")
    return 0


def _list(ctx: CliContext) -> int:
    from common.services.appointments import list_day
    from common.services.sites import resolve_site

    site = resolve_site(ctx.db, None)
    day = _date(ctx.args.date) if ctx.args.date else _today(ctx)
    rows = list_day(ctx.db, _admin(), site.id, day)
    ctx.emit(rows, lambda: "\n".join([f"{day} 预约 {len(rows)} 个："] + [
        f"  {r.slot_text}  {r.code}  {r.queue_prefix} {r.queue_name}  {r.name_masked}  {r.status_label}" for r in rows]))
    return 0


def _cancel(ctx: CliContext) -> int:
    from common.services.appointments import cancel

    info = cancel(ctx.db, _admin(), ctx.args.code)
    ctx.emit(info, f"已取消预约 {info.code}（{info.when}）")
    return 0


def _import(ctx: CliContext) -> int:
    from common.services.appointment_import import import_appointments, read_rows
    from common.services.sites import resolve_site

    site = resolve_site(ctx.db, None)
    result = import_appointments(ctx.db, _admin(), site.id, read_rows(ctx.args.file), dry_run=ctx.args.dry_run)

    def text() -> str:
        if not result.ok:
            return "\n".join([f"有 {len(result.errors)} 处错误，未导入任何预约（请改正后重新导入）："]
                             + [f"  {e}" for e in result.errors])
        verb = "可导入" if result.dry_run else "已导入"
        return f"{verb} {result.created} 个预约" + (f"，{result.skipped} 个此前已导入" if result.skipped else "") + "。"

    ctx.emit(result, text)
    return 0 if result.ok else 1


def register(sub, parent) -> None:
    p = sub.add_parser("appointment", parents=[parent], help="预约：查看时段、登记、列表、取消")
    cs = p.add_subparsers(dest="appointment_command", metavar="操作", required=True)
    sl = cs.add_parser("slots", parents=[parent], help="某业务某天的时段与余量")
    sl.add_argument("queue", help="业务队列字母，如 Y")
    sl.add_argument("date", nargs="?", help="日期，如 2026-12-08（默认今天）")
    sl.set_defaults(handler=_slots)
    bk = cs.add_parser("book", parents=[parent], help="为群众登记预约")
    bk.add_argument("queue", help="业务队列字母，如 Y")
    bk.add_argument("date", help="日期，如 2026-12-08")
    bk.add_argument("time", help="时段开始时间，如 09:30")
    bk.add_argument("--name", required=True, help="预约人姓名")
    bk.add_argument("--id", dest="id_number", required=True, help="18 位身份证号码")
    bk.add_argument("--phone", help="手机号码")
    bk.add_argument("--item", help="事项编码（可选）")
    bk.set_defaults(handler=_book)
    ls = cs.add_parser("list", parents=[parent], help="某天的全部预约")
    ls.add_argument("date", nargs="?", help="日期（默认今天）")
    ls.set_defaults(handler=_list)
    im = cs.add_parser("import", parents=[parent], help="导入网上预约平台导出的预约（.xlsx 或 .csv，保留平台的预约码）")
    im.add_argument("file")
    im.add_argument("--dry-run", action="store_true", help="只检查，不导入")
    im.set_defaults(handler=_import)
    cn = cs.add_parser("cancel", parents=[parent], help="取消预约")
    cn.add_argument("code", help="预约码")
    cn.set_defaults(handler=_cancel)
