"""`hall catalog …`: import, export and search the service catalog (事项目录).

Import is all-or-nothing: with any problem nothing is written, every problem is listed (sheet, row, column) and the
exit code is 4. `--dry-run` checks and counts without writing.
"""

from __future__ import annotations

EXIT_USAGE = 2
EXIT_INVALID = 4


def _actor():
    try:
        from common.cli.users import cli_actor
    except ImportError:  # pragma: no cover - users.py is part of the tree
        from common.domain import Role
        from common.services.permissions import Actor

        return Actor(staff_id=None, staff_no="cli", name="命令行管理员", roles=frozenset({Role.ADMIN}))
    return cli_actor()


def _import(ctx) -> int:
    from common.services.catalog_io import import_catalog

    a = ctx.args
    report = import_catalog(ctx.db, _actor(), a.file, dry_run=a.dry_run)

    def text() -> str:
        lines = []
        if report.errors:
            lines.append(f"导入失败：发现 {len(report.errors)} 处问题，未写入任何数据。")
            lines.extend(f"  {e.message_zh}" for e in report.errors)
        else:
            head = "检查通过（试运行，未写入）" if report.dry_run else "导入完成"
            lines.append(f"{head}：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}。")
            names = {"departments": "部门", "items": "事项", "bundles": "一件事"}
            for kind, counts in report.by_kind.items():
                lines.append(f"  {names.get(kind, kind)}：新增 {counts['created']}，更新 {counts['updated']}，"
                             f"未变 {counts['unchanged']}")
        if report.warnings:
            lines.append(f"提示（{len(report.warnings)} 条）：")
            lines.extend(f"  {w.message_zh}" for w in report.warnings)
        return "\n".join(lines)

    ctx.emit(report, text)
    return EXIT_INVALID if report.errors else 0


def _export(ctx) -> int:
    from common.services.catalog_io import export_catalog

    summary = export_catalog(ctx.db, ctx.args.file)
    ctx.emit(summary, f"已导出到 {summary.path}：{summary.departments} 个部门，{summary.items} 个事项，"
                      f"{summary.materials} 条材料，{summary.bundles} 个一件事。")
    return 0


def _search(ctx) -> int:
    from common.services.search import search

    hits = search(ctx.db, ctx.args.query, limit=ctx.args.limit)

    def text() -> str:
        if not hits:
            return f"没有找到与“{ctx.args.query}”相关的事项。"
        return "\n".join(
            f"{'[一件事] ' if h.kind == 'bundle' else ''}{h.code:<12} {h.name}  （{h.department}；{h.matched}，{h.score}）"
            for h in hits
        )

    ctx.emit(hits, text)
    return 0


def _show(ctx) -> int:
    from common.services.catalog import get_item_guide

    g = get_item_guide(ctx.db, ctx.args.code, ctx.args.version)

    def text() -> str:
        lines = [
            f"{g.name}（{g.code}，第 {g.version} 版{'' if g.version == g.current_version else f'，现行第 {g.current_version} 版'}，"
            f"{g.status_label}）",
            f"部门：{g.department}    类型：{g.handling_label}    法定时限：{g.statutory_days} 个工作日    "
            f"承诺时限：{g.promised_days} 个工作日",
            f"收费：{g.fee or '不收费'}    网上可办：{'是' if g.online else '否'}    标签：{'、'.join(g.flag_labels) or '-'}",
            f"办理地点：{g.zone or '-'}  队列：{g.queue or '-'} {g.queue_name}  窗口：" +
            ("、".join(f"{w.number}号" for w in g.windows) or "-"),
            "材料清单：",
        ]
        for m in g.materials:
            extra = "必需" if m.required else "非必需"
            if m.may_be_missing:
                extra += "，可容缺"
            lines.append(f"  {m.position}. {m.name}  原件 {m.originals} 份，复印件 {m.copies} 份（{extra}）"
                         + (f"  {m.notes}" if m.notes else ""))
        return "\n".join(lines)

    ctx.emit(g, text)
    return 0


def _list(ctx) -> int:
    from common.services.catalog import list_items

    items = list_items(ctx.db, department_code=ctx.args.department, include_cancelled=ctx.args.all)
    ctx.emit(items, lambda: "\n".join(
        f"{x.code:<12} {x.name}  （{x.department}，{x.handling_label}，承诺 {x.promised_days} 日，第 {x.version} 版"
        f"{'，已取消' if x.status == 'cancelled' else ''}）" for x in items
    ) or "没有事项。")
    return 0


def _cancel(ctx) -> int:
    from common.services.catalog import cancel_item

    x = cancel_item(ctx.db, _actor(), ctx.args.code, ctx.args.reason or "")
    ctx.emit(x, f"已取消事项 {x.code} {x.name}：不再用于取号和受理，历史记录保留。")
    return 0


def register(sub, parent) -> None:
    cat = sub.add_parser("catalog", parents=[parent], help="事项目录：导入、导出、检索")
    cat.set_defaults(handler=lambda ctx: (cat.print_help(), EXIT_USAGE)[1])
    cs = cat.add_subparsers(dest="catalog_command", metavar="子命令")

    p = cs.add_parser("import", parents=[parent], help="从 .json 或 .xlsx 导入事项目录（全部通过才写入）")
    p.add_argument("file", metavar="FILE", help="目录文件（.json 或 .xlsx）")
    p.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")
    p.set_defaults(handler=_import)

    p = cs.add_parser("export", parents=[parent], help="导出事项目录（按扩展名 .json 或 .xlsx）")
    p.add_argument("file", metavar="FILE", help="输出文件（.json 或 .xlsx）")
    p.set_defaults(handler=_export)

    p = cs.add_parser("search", parents=[parent], help="检索事项和一件事（中文、全拼、拼音首字母、口语）")
    p.add_argument("query", metavar="QUERY", help="检索词，如 营业执照、yyzz、开店")
    p.add_argument("--limit", type=int, default=20, help="最多显示条数（默认 20）")
    p.set_defaults(handler=_search)

    p = cs.add_parser("show", parents=[parent], help="显示一个事项的办事指南")
    p.add_argument("code", metavar="CODE", help="事项编码")
    p.add_argument("--version", type=int, help="指定版本号（默认现行版本）")
    p.set_defaults(handler=_show)

    p = cs.add_parser("list", parents=[parent], help="列出事项")
    p.add_argument("--department", metavar="CODE", help="只列该部门的事项")
    p.add_argument("--all", action="store_true", help="包括已取消的事项")
    p.set_defaults(handler=_list)

    p = cs.add_parser("cancel", parents=[parent], help="取消事项（不再用于取号和受理，保留历史）")
    p.add_argument("code", metavar="CODE", help="事项编码")
    p.add_argument("--reason", help="取消原因")
    p.set_defaults(handler=_cancel)
