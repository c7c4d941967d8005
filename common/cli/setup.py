"""`hall init` (a real hall) and `hall demo-data` (the demo hall)."""

from __future__ import annotations

import getpass
import secrets
import string
import sys

EXIT_USAGE = 2


def _actor():
    try:
        from common.cli.users import cli_actor
    except ImportError:  # pragma: no cover
        from common.domain import Role
        from common.services.permissions import Actor

        return Actor(staff_id=None, staff_no="cli", name="命令行管理员", roles=frozenset({Role.ADMIN}))
    return cli_actor()


def _generate_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isalpha() for c in pw) and any(c.isdigit() for c in pw):
            return pw


def _init(ctx) -> int:
    from common.services.demo import init_hall

    a = ctx.args
    password, generated = a.admin_password, False
    if password is None and sys.stdin is not None and sys.stdin.isatty() and not ctx.as_json:
        first = getpass.getpass("请设置管理员密码（至少 8 位，含字母和数字；直接回车则自动生成）：")
        if first:
            if getpass.getpass("请再输入一次：") != first:
                print("错误：两次输入的密码不一致。", file=sys.stderr)
                return EXIT_USAGE
            password = first
    if not password:
        password, generated = _generate_password(), True
    info = init_hall(ctx.db, a.hall_name, a.site_code, password, site_name=a.site_name, level=a.level,
                     timezone=a.timezone, admin_staff_no=a.admin_staff_no, actor=_actor())
    data = {"hall_name": info.hall_name, "site_code": info.site_code, "admin_staff_no": info.admin_staff_no}
    if generated:
        data["admin_password"] = password
    text = (f"已初始化：{info.hall_name}（站点 {info.site_code}）。\n管理员工号：{info.admin_staff_no}"
            + (f"\n管理员初始密码：{password}  （请妥善保管，首次登录后修改）" if generated else ""))
    ctx.emit(data, text)
    return 0


def _demo(ctx) -> int:
    from common.services.demo import load_demo_hall

    s = load_demo_hall(ctx.db, reset=ctx.args.reset, actor=_actor())
    text = "\n".join([
        f"已载入演示数据：{s.hall_name}（站点 {s.hall_site}）",
        f"  站点 {s.sites} 个，部门 {s.departments} 个，事项 {s.items} 个（在用 {s.items_in_force}），"
        f"一件事 {s.bundles} 个",
        f"  队列 {s.queues} 个，窗口 {s.windows} 个，工作人员 {s.staff} 名",
        f"  所有演示账号的密码：{s.password}" + (f"（管理员工号 {s.admin_staff_no}）" if s.admin_staff_no else ""),
        *(f"  提示：{w}" for w in s.warnings),
        *(["  演示预约码（在取号机“预约签到”输入或扫码）："] + [f"    {a}" for a in s.appointments] if s.appointments else []),
    ])
    ctx.emit(s, text)
    return 0


def register(sub, parent) -> None:
    p = sub.add_parser("init", parents=[parent], help="初始化一个新大厅：站点、大厅名称、管理员账号")
    p.add_argument("--hall-name", required=True, help="大厅名称，如“某某县政务服务中心”")
    p.add_argument("--site-code", required=True, help="站点编码，如 COUNTY 或行政区划代码")
    p.add_argument("--site-name", help="站点名称（默认同大厅名称）")
    p.add_argument("--level", default="county", choices=["city", "county", "township", "village"],
                   help="站点级别（默认 county）")
    p.add_argument("--timezone", default="Asia/Shanghai", help="时区（默认 Asia/Shanghai）")
    p.add_argument("--admin-staff-no", default="ADMIN", help="管理员工号（默认 ADMIN）")
    p.add_argument("--admin-password", help="管理员密码（不填则在终端输入，或自动生成并显示）")
    p.set_defaults(handler=_init)

    p = sub.add_parser("demo-data", parents=[parent], help="载入演示大厅（站点、部门、事项、队列、窗口、工作人员）")
    p.add_argument("--reset", action="store_true", help="先清空数据库中的全部数据再载入（不可恢复）")
    p.set_defaults(handler=_demo)
