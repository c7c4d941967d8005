"""`hall user …`: staff accounts from the command line.

Security boundary: whoever can run `hall` on a machine with access to the database is the local administrator.
The CLI acts as `CLI_ADMIN` (role 系统管理员, no staff id); its changes are audited under that name. Protect the
machine account and the database credentials accordingly.
"""

from __future__ import annotations

import getpass
import sys

from common.domain import Role
from common.services.permissions import Actor

CLI_ADMIN = Actor(staff_id=None, staff_no="cli", name="命令行管理员", roles=frozenset({Role.ADMIN}))

EXIT_USAGE = 2


def cli_actor() -> Actor:
    """The actor every `hall` command runs as (other CLI modules use this)."""
    return CLI_ADMIN


def _roles_text(roles: list[str]) -> str:
    labels = []
    for r in roles:
        try:
            labels.append(Role(r).label)
        except ValueError:
            labels.append(r)
    return "、".join(labels)


def _read_password(args, *, confirm: bool = True) -> str | None:
    """--password, else one line from stdin with --password-stdin, else a getpass prompt on a terminal."""
    if getattr(args, "password", None) is not None:
        return args.password
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("请输入密码：")
        if confirm:
            second = getpass.getpass("请再输入一次：")
            if first != second:
                print("错误：两次输入的密码不一致。", file=sys.stderr)
                return None
        return first
    print("错误：未提供密码。请用 --password 或 --password-stdin 提供，或在终端中运行以便输入。", file=sys.stderr)
    return None


def _add_password_options(p) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--password", help="密码（会留在命令历史中；建议在终端中交互输入或用 --password-stdin）")
    g.add_argument("--password-stdin", action="store_true", help="从标准输入读取一行作为密码")


def _staff_line(x) -> str:
    status = "停用" if not x.active else ("锁定至 " + _local(x.locked_until) if x.locked_until else "正常")
    return f"{x.staff_no:<10} {x.name:<8} {_roles_text(x.roles):<20} {x.department or '-':<10} {x.post}岗  {status}"


def _local(at) -> str:
    from common.clock import local

    return f"{local(at, None):%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------------------------- handlers


def _add(ctx) -> int:
    from common.services import auth

    a = ctx.args
    password = _read_password(a)
    if password is None:
        return EXIT_USAGE
    info = auth.create_staff(
        ctx.db, CLI_ADMIN, a.staff_no, a.name, password, a.role or [],
        department_code=a.department, site_code=a.site, title=a.title or "", post=a.post,
    )
    ctx.emit(info, f"已新增工作人员 {info.staff_no} {info.name}（{_roles_text(info.roles)}）。")
    return 0


def _passwd(ctx) -> int:
    from common.services import auth

    password = _read_password(ctx.args)
    if password is None:
        return EXIT_USAGE
    auth.set_password(ctx.db, CLI_ADMIN, ctx.args.staff_no, password)
    staff_no = auth.normalize_staff_no(ctx.args.staff_no)
    ctx.emit({"staff_no": staff_no, "password_set": True}, f"已重置 {staff_no} 的密码（如有锁定已一并解除）。")
    return 0


def _list(ctx) -> int:
    from common.services import auth

    staff = auth.list_staff(ctx.db, CLI_ADMIN, include_inactive=not ctx.args.active_only)

    def text() -> str:
        if not staff:
            return "还没有工作人员账号。用 hall user add 新增。"
        return "\n".join(_staff_line(x) for x in staff)

    ctx.emit(staff, text)
    return 0


def _unlock(ctx) -> int:
    from common.services import auth

    info = auth.unlock(ctx.db, CLI_ADMIN, ctx.args.staff_no)
    ctx.emit(info, f"已解锁 {info.staff_no} {info.name}。")
    return 0


def _roles(ctx) -> int:
    from common.services import auth

    info = auth.set_roles(ctx.db, CLI_ADMIN, ctx.args.staff_no, ctx.args.role)
    ctx.emit(info, f"{info.staff_no} {info.name} 的角色：{_roles_text(info.roles)}。")
    return 0


def _deactivate(ctx) -> int:
    from common.services import auth

    info = auth.deactivate(ctx.db, CLI_ADMIN, ctx.args.staff_no)
    ctx.emit(info, f"已停用 {info.staff_no} {info.name}。")
    return 0


# --------------------------------------------------------------------------------------------- parser


def register(sub, parent) -> None:
    role_help = "角色，可重复：" + "、".join(f"{r.value}（{r.label}）" for r in Role)
    user = sub.add_parser("user", parents=[parent], help="工作人员账号：新增、改密码、角色、解锁、停用",
                          description=__doc__.split("\n\n")[1].replace("\n", ""))
    user.set_defaults(handler=lambda ctx: (user.print_help(), EXIT_USAGE)[1])
    us = user.add_subparsers(dest="user_command", metavar="子命令")

    p = us.add_parser("add", parents=[parent], help="新增工作人员")
    p.add_argument("staff_no", metavar="STAFF_NO", help="工号")
    p.add_argument("name", metavar="NAME", help="姓名")
    p.add_argument("--role", action="append", required=True, choices=[r.value for r in Role], help=role_help)
    p.add_argument("--department", metavar="CODE", help="部门编码")
    p.add_argument("--site", metavar="CODE", help="站点编码")
    p.add_argument("--title", help="职务")
    p.add_argument("--post", default="A", choices=["A", "B"], help="岗位：A岗或B岗（默认 A）")
    _add_password_options(p)
    p.set_defaults(handler=_add)

    p = us.add_parser("passwd", parents=[parent], help="重置工作人员密码（同时解除锁定）")
    p.add_argument("staff_no", metavar="STAFF_NO", help="工号")
    _add_password_options(p)
    p.set_defaults(handler=_passwd)

    p = us.add_parser("list", parents=[parent], help="列出工作人员")
    p.add_argument("--active-only", action="store_true", help="只列在用账号")
    p.set_defaults(handler=_list)

    p = us.add_parser("unlock", parents=[parent], help="解除登录锁定")
    p.add_argument("staff_no", metavar="STAFF_NO", help="工号")
    p.set_defaults(handler=_unlock)

    p = us.add_parser("roles", parents=[parent], help="设置工作人员的角色（替换原有角色）")
    p.add_argument("staff_no", metavar="STAFF_NO", help="工号")
    p.add_argument("--role", action="append", required=True, choices=[r.value for r in Role], help=role_help)
    p.set_defaults(handler=_roles)

    p = us.add_parser("deactivate", parents=[parent], help="停用账号（保留历史记录）")
    p.add_argument("staff_no", metavar="STAFF_NO", help="工号")
    p.set_defaults(handler=_deactivate)
