"""`hall audit …`: check and read the hash-chained audit log.

`hall audit verify` exits 0 when the chain is intact and 1 when it is not, naming each damaged row.
Like every `hall` command it runs as the local administrator (see `common.cli.users`).
"""

from __future__ import annotations

import json

EXIT_OK, EXIT_FAILED = 0, 1


def _verify(ctx) -> int:
    from common.services import audit

    result = audit.verify(ctx.db)

    def text() -> str:
        if result.ok:
            return f"审计日志完整：已校验 {result.checked} 条记录，哈希链无断点。"
        total = len(result.problems) + result.more_problems
        lines = [f"审计日志已被篡改：已校验 {result.checked} 条记录，发现 {total} 处问题："]
        lines += [f"  第 {p.row_id} 条 [{p.kind}] {p.message_zh}" for p in result.problems]
        if result.more_problems:
            lines.append(f"  ……另有 {result.more_problems} 处问题未列出。")
        return "\n".join(lines)

    ctx.emit(result, text)
    return EXIT_OK if result.ok else EXIT_FAILED


def _show(ctx) -> int:
    from common.clock import local
    from common.cli.users import CLI_ADMIN
    from common.services import audit

    entries = audit.list_entries(ctx.db, CLI_ADMIN, limit=ctx.args.limit)

    def text() -> str:
        if not entries:
            return "审计日志为空。"
        out = []
        for e in reversed(entries):  # oldest of the page first, like a log
            target = f"{e.entity}:{e.entity_id}" if e.entity or e.entity_id else "-"
            detail = json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail is not None else ""
            out.append(f"{e.id:>8}  {local(e.at, None):%Y-%m-%d %H:%M:%S}  {e.actor or '-'}  {e.action}  {target}  {detail}")
        return "\n".join(out)

    ctx.emit(entries, text)
    return EXIT_OK


def _positive(value: str) -> int:
    import argparse

    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("须为正整数") from None
    if n < 1:
        raise argparse.ArgumentTypeError("须为正整数")
    return n


def register(sub, parent) -> None:
    p_audit = sub.add_parser("audit", parents=[parent], help="审计日志：校验哈希链、查看记录")
    p_audit.set_defaults(handler=lambda ctx: (p_audit.print_help(), 2)[1])
    a = p_audit.add_subparsers(dest="audit_command", metavar="子命令")

    p = a.add_parser("verify", parents=[parent], help="校验审计日志哈希链（完整返回 0，被篡改返回 1）")
    p.set_defaults(handler=_verify)

    p = a.add_parser("show", parents=[parent], help="显示最近的审计记录")
    p.add_argument("--limit", type=_positive, default=50, help="显示条数（默认 50）")
    p.set_defaults(handler=_show)
