"""`hall-display`: the hall display (叫号屏) with voice announcements.

    hall-display [--db URL] [--config PATH] [--site CODE] [--zone ZONE] [--orientation landscape|portrait]
                 [--voice qt|clips|chime|none] [--windowed]
    hall-display --self-test [--db URL]        # offscreen: both layouts, one real call shown and heard; exit 0 if fine
    hall-display --screenshots DIR [--db URL]  # PNGs of the populated screen, landscape 1920×1080 and portrait 1080×1920
    hall-display --voice-check                 # what `hall doctor` reports about the voice (no Qt needed)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hall-display", description="政务服务中心 叫号屏（含语音播报）")
    p.add_argument("--db", metavar="URL", help="数据库地址（优先于 HALL_DB_URL 和配置文件）")
    p.add_argument("--config", metavar="PATH", help="本机配置文件 machine.toml 的路径")
    p.add_argument("--site", metavar="CODE", help="站点代码（默认取配置 [machine] site）")
    p.add_argument("--zone", metavar="ZONE", help="只显示该区域的窗口（默认取配置 [display] zone_filter）")
    p.add_argument("--orientation", choices=("landscape", "portrait"), help="横屏或竖屏（默认取配置）")
    p.add_argument("--voice", choices=("qt", "clips", "chime", "none"), help="语音播报方式（默认取配置）")
    p.add_argument("--windowed", action="store_true", help="以窗口方式运行（不全屏），便于调试")
    p.add_argument("--self-test", action="store_true", help="离屏自检：两种布局、一次真实叫号的显示与播报")
    p.add_argument("--screenshots", metavar="DIR", type=Path, help="把横屏、竖屏等界面截图保存到目录")
    p.add_argument("--voice-check", action="store_true", help="检查语音播报所需的文件和组件（不启动界面）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from common.config import ConfigError, load_config

    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"配置文件有误：{exc}", file=sys.stderr)
        return EXIT_USAGE

    if args.voice_check:
        from common.services.voice_queue import voice_health

        health = voice_health(args.voice or cfg.display.voice_backend)
        print(health.summary)
        for line in health.problems[1:] + health.notes:
            print(f"  · {line}")
        return EXIT_OK if health.ok else EXIT_FAILED

    headless = args.self_test or args.screenshots is not None
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists

    from kiosk import theme
    from kiosk.qt import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme.load_fonts()

    if headless:
        return _run_tour(args)

    from common.config import resolve_db_url
    from common.db import DatabaseUnavailable, open_database
    from common.services.sites import resolve_site
    from kiosk.display.controller import DisplayController, DisplayOptions

    try:
        db = open_database(resolve_db_url(args.db, cfg))
        site = resolve_site(db, args.site or cfg.machine.site or None)
    except (DatabaseUnavailable, Exception) as exc:  # noqa: BLE001 - one clear message at start-up
        print(f"叫号屏无法启动：{exc}", file=sys.stderr)
        return EXIT_FAILED
    overrides: dict = {"fullscreen": not args.windowed}
    if args.zone is not None:
        overrides["zone"] = args.zone
    if args.orientation:
        overrides["orientation"] = args.orientation
    if args.voice:
        overrides["voice_backend"] = args.voice
    controller = DisplayController(db, site.id, DisplayOptions.from_config(cfg, **overrides))
    controller.start()
    try:
        return app.exec()
    finally:
        controller.shutdown()
        db.dispose()


def _run_tour(args: argparse.Namespace) -> int:
    from kiosk.display.selftest import run_tour

    result = run_tour(args.db, out_dir=args.screenshots, zone=args.zone, voice_backend=args.voice or "clips")
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
