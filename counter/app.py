"""`hall-counter`: the clerk's window workspace (窗口工作台) and the rating pad (满意度评价器).

    hall-counter [--db URL] [--config PATH] [--window N]
    hall-counter --rating-pad --window N [--db URL]   # the pad alone, on a separate touchscreen PC
    hall-counter --self-test [--db URL]               # offscreen: every screen and dialog; exit 0 if all fine
    hall-counter --screenshots DIR [--db URL]         # PNG of every screen and dialog
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hall-counter", description="政务服务中心 窗口工作台 / 满意度评价器")
    p.add_argument("--db", metavar="URL", help="数据库地址（优先于 HALL_DB_URL 和配置文件）")
    p.add_argument("--config", metavar="PATH", help="本机配置文件 machine.toml 的路径")
    p.add_argument("--site", metavar="CODE", help="站点代码（默认取配置 [machine] site）")
    p.add_argument("--window", metavar="N", type=int, help="本机窗口号（默认取配置 [machine] window；0 为登录时选择）")
    p.add_argument("--rating-pad", action="store_true", help="只运行满意度评价器（需要 --window 或配置的窗口号）")
    p.add_argument("--windowed", action="store_true", help="评价器以窗口方式运行（不全屏），便于调试")
    p.add_argument("--self-test", action="store_true", help="离屏自检：打开每个界面和对话框并真实叫号、办结；全部正常时退出码为 0")
    p.add_argument("--screenshots", metavar="DIR", type=Path, help="把每个界面和对话框截图保存到目录")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    headless = args.self_test or args.screenshots is not None
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists

    from common.config import ConfigError, load_config

    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"配置文件有误：{exc}", file=sys.stderr)
        return EXIT_USAGE

    from counter import theme
    from counter.qt import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hall-counter")
    theme.load_fonts()
    from counter.worker import GarbageCollector

    gc_guard = GarbageCollector(app).install()  # noqa: F841 - lives as long as the application
    site = args.site or cfg.machine.site or None

    if headless:
        return _run_tour(args, site)

    from common.config import resolve_db_url
    from counter.services import CounterServices

    services = CounterServices(db_url=resolve_db_url(args.db, cfg), site_code=site)
    window_number = args.window if args.window is not None else int(cfg.machine.window or 0)

    if args.rating_pad:
        if not window_number:
            print("评价器需要窗口号：请用 --window N 指定，或在配置 [machine] window 中设置。", file=sys.stderr)
            return EXIT_USAGE
        from counter.rating_pad import run_standalone

        return run_standalone(services, window_number, fullscreen=not args.windowed)

    from counter.controllers.main import CounterController, CounterOptions

    controller = CounterController(services, CounterOptions.from_config(cfg, window_number))
    controller.closed.connect(app.quit)
    app.setQuitOnLastWindowClosed(False)  # closing goes through the controller (sign-out first)
    controller.start()
    try:
        return app.exec()
    finally:
        controller.shutdown(sign_out=False)


def _run_tour(args: argparse.Namespace, site: str | None) -> int:
    from counter.selftest import run_tour

    try:
        result = run_tour(args.db, site=site, out_dir=args.screenshots)
    except Exception as exc:  # noqa: BLE001 - e.g. the database could not be prepared
        import traceback

        traceback.print_exc()
        print(f"自检失败：{exc}", file=sys.stderr)
        return EXIT_FAILED
    for name in result.shown:
        print(f"  ✓ {name}")
    if args.screenshots is not None:
        print(f"已保存 {len(result.saved)} 张截图到 {args.screenshots}")
    if result.failures:
        print(f"自检失败（{len(result.failures)} 项）：", file=sys.stderr)
        for failure in result.failures:
            print(f"  ✗ {failure}", file=sys.stderr)
        return EXIT_FAILED
    print("自检通过")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
