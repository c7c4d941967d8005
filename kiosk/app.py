"""`hall-kiosk`: the self-service ticket kiosk (自助取号机).

    hall-kiosk [--db URL] [--config PATH] [--site CODE] [--windowed]
    hall-kiosk --self-test [--db URL]        # offscreen: every screen, one real ticket; exit 0 if all fine
    hall-kiosk --screenshots DIR [--db URL]  # PNG of every screen in Chinese, English and elderly mode
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hall-kiosk", description="政务服务中心 自助取号机")
    p.add_argument("--db", metavar="URL", help="数据库地址（优先于 HALL_DB_URL 和配置文件）")
    p.add_argument("--config", metavar="PATH", help="本机配置文件 machine.toml 的路径")
    p.add_argument("--site", metavar="CODE", help="站点代码（默认取配置 [machine] site）")
    p.add_argument("--windowed", action="store_true", help="以窗口方式运行（不全屏），便于调试")
    p.add_argument("--self-test", action="store_true",
                   help="离屏自检：打开每个界面并真实取一个号；全部正常时退出码为 0")
    p.add_argument("--screenshots", metavar="DIR", type=Path, help="把每个界面（中文、英文、长者模式）截图保存到目录")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    headless = args.self_test or args.screenshots is not None
    logging.basicConfig(level=logging.WARNING if headless else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # must be set before the QApplication exists

    from common.config import ConfigError, load_config

    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"配置文件有误：{exc}", file=sys.stderr)
        return EXIT_USAGE

    from kiosk import theme
    from kiosk.qt import QApplication, qInstallMessageHandler

    if headless:
        qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme.load_fonts()
    site = args.site or cfg.machine.site or None

    if headless:
        return _run_tour(args, site)

    from common.config import resolve_db_url
    from kiosk.controller import KioskController, KioskOptions, default_device_name
    from kiosk.printing import TicketPrinter
    from kiosk.services import KioskServices

    services = KioskServices(db_url=resolve_db_url(args.db, cfg), site_code=site, device=default_device_name())
    controller = KioskController(services, TicketPrinter(cfg.printer), KioskOptions.from_config(cfg, windowed=args.windowed))
    controller.exitRequested.connect(app.quit)
    controller.start()
    try:
        return app.exec()
    finally:
        controller.shutdown()


def _quiet_offscreen(mode, context, message: str) -> None:
    """Drop the offscreen plugin's harmless "does not support propagateSizeHints()" noise; keep the rest."""
    if "propagateSizeHints" in message:
        return
    print(message, file=sys.stderr)


def _run_tour(args: argparse.Namespace, site: str | None) -> int:
    from kiosk.selftest import MODES, run_tour

    out_dir = args.screenshots
    try:
        result = run_tour(args.db, site=site, out_dir=out_dir, modes=MODES if out_dir is not None else ("zh",))
    except Exception as exc:  # noqa: BLE001 - e.g. the database could not be prepared
        print(f"自检失败：{exc}", file=sys.stderr)
        return EXIT_FAILED
    for name in result.shown:
        print(f"  ✓ {name}")
    if result.ticket is not None:
        print(f"取号成功：{result.ticket.number}（{result.ticket.queue_name}，ticket_id={result.ticket.ticket_id}）")
    if out_dir is not None:
        print(f"已保存 {len(result.saved)} 张截图到 {out_dir}")
    if result.failures:
        print(f"自检失败（{len(result.failures)} 项）：", file=sys.stderr)
        for failure in result.failures:
            print(f"  ✗ {failure}", file=sys.stderr)
        return EXIT_FAILED
    print("自检通过")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
