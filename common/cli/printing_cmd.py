"""`hall print-test` and `hall printer status`: check the ticket printer this machine is configured for."""

from __future__ import annotations

from common.cli import EXIT_FAILED, CliContext


def register(sub, parent) -> None:
    p = sub.add_parser("print-test", parents=[parent], help="打印测试号票（或用 --png 生成预览图）")
    p.add_argument("--png", metavar="FILE", help="不打印，生成 PNG 预览图")
    p.add_argument("--width", type=int, choices=[58, 80], help="纸宽（默认取配置文件 printer.paper_width_mm）")
    p.set_defaults(handler=_print_test)
    st = sub.add_parser("printer-status", parents=[parent], help="读取打印机状态（是否在线、是否缺纸）")
    st.set_defaults(handler=_status)


def _settings(ctx: CliContext):
    from dataclasses import replace

    from common.printing.backends import PrinterSettings

    settings = PrinterSettings.from_config(ctx.config.printer)
    if getattr(ctx.args, "width", None):
        settings = replace(settings, paper_width_mm=ctx.args.width)
    return settings


def _print_test(ctx: CliContext) -> int:
    from common.printing.backends import PrinterError
    from common.printing.preview import print_test

    settings = _settings(ctx)
    try:
        out = print_test(settings, ctx.args.png)
    except PrinterError as exc:
        ctx.emit({"ok": False, "error": str(exc), "code": getattr(exc, "code", "")}, f"打印失败：{exc}")
        return EXIT_FAILED
    if out is not None:
        ctx.emit({"ok": True, "png": str(out)}, f"已生成预览图：{out}")
    else:
        ctx.emit({"ok": True, "printer": settings.describe()}, f"已发送测试号票到 {settings.describe()}")
    return 0


def _status(ctx: CliContext) -> int:
    from common.printing.backends import query_status

    settings = _settings(ctx)
    status = query_status(settings)
    ctx.emit(status, f"{settings.describe()}：{status.message_zh}")
    return EXIT_FAILED if status.online is False or status.paper_ok is False else 0
