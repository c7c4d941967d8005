"""`hall`: the admin command line. Each area registers its subcommands from its own module.

Exit codes: 0 ok · 1 a check failed (doctor, audit verify) · 2 usage · 3 database unavailable ·
4 not found / invalid input · 5 conflict · 6 permission denied.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from dataclasses import asdict, is_dataclass
from typing import Any, Callable

from common.errors import HallError

# Modules under common.cli that define `register(subparsers)`; order is the help order.
COMMAND_MODULES = ["setup", "setup_wizard", "catalog", "users", "calendar_cmd", "appointments_cmd", "audit", "config_cmd",
                   "printing_cmd", "doctor", "bench", "reports_cmd"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DB = 0, 1, 2, 3


class CliContext:
    """What a command needs: parsed options, and the database opened (and migrated) on first use."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self._db = None
        self._config = None

    @property
    def config(self):
        if self._config is None:
            from common.config import load_config

            self._config = load_config(getattr(self.args, "config", None))
        return self._config

    @property
    def db_url(self) -> str:
        from common.config import resolve_db_url

        return resolve_db_url(self.args.db, self.config)

    @property
    def db(self):
        if self._db is None:
            from common.db import open_database

            self._db = open_database(self.db_url)
        return self._db

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def emit(self, data: Any, text: str | Callable[[], str] | None = None) -> None:
        """Print JSON with --json, else the human text."""
        if self.as_json:
            print(json.dumps(_plain(data), ensure_ascii=False, indent=2, default=str))
        elif text is not None:
            print(text() if callable(text) else text)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def _plain(data: Any) -> Any:
    if is_dataclass(data) and not isinstance(data, type):
        return asdict(data)
    if isinstance(data, (list, tuple)):
        return [_plain(x) for x in data]
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    return data


# Global options. Their parser defaults are SUPPRESS because argparse copies every subparser default over the
# value given before the subcommand (`hall --db X audit verify` would lose X); `main` fills these in afterwards.
GLOBAL_DEFAULTS: dict[str, Any] = {"db": None, "config": None, "json": False}


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--db", help="数据库地址（SQLite 文件路径或 postgresql://…），优先于 HALL_DB_URL 与配置文件")
    common.add_argument("--config", help="本机配置文件（默认在系统配置目录的 govhall/machine.toml）")
    common.add_argument("--json", action="store_true", help="以 JSON 输出，便于脚本处理")
    parser = argparse.ArgumentParser(prog="hall", description="GovHall 政务大厅管理命令", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"common.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"common.cli.{name}":
                continue  # an area not built yet
            raise
        module.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    from common.db.engine import DatabaseUnavailable

    parser = build_parser()
    args = parser.parse_args(argv)
    for key, value in GLOBAL_DEFAULTS.items():
        if not hasattr(args, key):
            setattr(args, key, value)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    ctx = CliContext(args)
    try:
        return int(args.handler(ctx) or 0)
    except DatabaseUnavailable as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_DB
    except HallError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
