"""`hall setup`: first-run setup of this machine (本机初次设置).

Asks, in order: the machine's role (kiosk / counter / display / rating_pad / admin); the database (this PC's SQLite
file, or a PostgreSQL server, tested by connecting before anything is saved); the site code; the window number
(counter and rating pad); the ticket printer (kind and address, kiosk and counter). Then it writes machine.toml
through `common.config` (only the options it asked; comments and the other options survive), brings the database
to the newest schema, and runs the `hall doctor` checks.

Without questions, for installers and scripts: give the answers as flags with `--yes`. A flag left out keeps the
value already in machine.toml (or the default):

    hall setup --yes --role kiosk --db postgresql://hall@10.0.0.5/hall --site COUNTY \\
        --printer network --printer-host 192.168.1.50

`--db local` (or no `--db` on a new machine) means this PC's SQLite file in the data directory.

Exit codes: 0 saved and the checks passed · 1 saved, but a doctor check failed · 2 usage (a bad answer with
--yes, input ended) · 3 the database could not be reached (nothing saved) · 4 the existing config file is invalid.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from common.cli import EXIT_DB, EXIT_FAILED, EXIT_USAGE, CliContext

ROLE_LABELS = {
    "kiosk": "自助取号机",
    "counter": "窗口工作台（工作人员电脑）",
    "display": "叫号屏（大屏 + 语音）",
    "rating_pad": "满意度评价器",
    "admin": "中心管理电脑",
}
PRINTER_LABELS = {
    "none": "不接打印机",
    "network": "网络打印机（网线，端口 9100）",
    "usb": "USB 打印机",
    "serial": "串口打印机",
    "cups": "CUPS 打印队列（Linux，lp 原始方式）",
    "win32raw": "Windows 已安装的打印机",
    "file": "写入文件或设备（如 /dev/usb/lp0）",
    "dummy": "模拟打印机（测试用，不出纸）",
}
PRINTER_ROLES = ("kiosk", "counter")  # roles asked about a ticket printer
WINDOW_ROLES = ("counter", "rating_pad")
LOCAL_DB_WORDS = ("", "local", "sqlite", "本机")

# The printer options each kind uses, beyond kind and paper width; (config key, flag dest).
_PRINTER_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "network": (("printer.host", "printer_host"), ("printer.port", "printer_port")),
    "usb": (("printer.usb_vendor", "usb_vendor"), ("printer.usb_product", "usb_product")),
    "serial": (("printer.serial_device", "serial_device"), ("printer.baudrate", "baudrate")),
    "cups": (("printer.cups_queue", "cups_queue"),),
    "win32raw": (("printer.win32_name", "win32_name"),),
    "file": (("printer.file_path", "printer_file"),),
}
_FLAGS = {key: "--" + dest.replace("_", "-") for fields_ in _PRINTER_FIELDS.values() for key, dest in fields_}
_FLAGS.update({"machine.site": "--site", "machine.window": "--window", "printer.paper_width_mm": "--paper-width",
               "kiosk.admin_pin": "--admin-pin"})
_REQUIRED_TEXT = {"printer.host", "printer.serial_device", "printer.cups_queue", "printer.win32_name",
                  "printer.file_path"}
_PROMPTS = {
    "printer.host": "打印机 IP 地址或主机名",
    "printer.port": "打印机端口",
    "printer.usb_vendor": "USB 厂商 ID（十六进制，如 0x0416；Linux 上 lsusb 可查看）",
    "printer.usb_product": "USB 产品 ID（十六进制，如 0x5011）",
    "printer.serial_device": "串口设备（如 /dev/ttyUSB0 或 COM3）",
    "printer.baudrate": "波特率",
    "printer.cups_queue": "CUPS 队列名（lpstat -e 可查看）",
    "printer.win32_name": "Windows 打印机名称（控制面板中显示的名称）",
    "printer.file_path": "文件或设备路径",
    "printer.paper_width_mm": "纸宽（58 或 80 毫米）",
    "machine.site": "站点代码（留空表示只有一个站点）",
    "machine.window": "本机窗口号",
    "kiosk.admin_pin": "退出全屏的管理员密码（4–8 位数字；留空则不能在取号机上退出）",
}


class SetupAborted(Exception):
    """Input ended or a non-interactive answer was invalid; the message says which."""


def register(sub, parent) -> None:
    p = sub.add_parser(
        "setup", parents=[parent],
        help="本机初次设置：角色、数据库、站点、窗口号、打印机，然后检查本机",
        description="本机初次设置（逐项提问；加 --yes 则不提问，按参数与现有配置设置）。"
                    "--db 填 local 表示使用本机 SQLite 文件，或填 postgresql://用户:密码@服务器/库名。",
    )
    p.add_argument("-y", "--yes", action="store_true", help="不提问：未给出的项保持配置文件中的现值（供安装程序、脚本使用）")
    p.add_argument("--role", choices=list(ROLE_LABELS), help="本机角色")
    p.add_argument("--site", help="站点代码（留空表示唯一站点）")
    p.add_argument("--window", type=int, help="本机窗口号（窗口工作台、评价器）")
    p.add_argument("--printer", choices=list(PRINTER_LABELS), help="小票打印机连接方式")
    p.add_argument("--printer-host", help="网络打印机地址（--printer network）")
    p.add_argument("--printer-port", type=int, help="网络打印机端口（默认 9100）")
    p.add_argument("--usb-vendor", help="USB 厂商 ID，如 0x0416（--printer usb）")
    p.add_argument("--usb-product", help="USB 产品 ID，如 0x5011（--printer usb）")
    p.add_argument("--serial-device", help="串口设备，如 /dev/ttyUSB0 或 COM3（--printer serial）")
    p.add_argument("--baudrate", type=int, help="串口波特率（默认 9600）")
    p.add_argument("--cups-queue", help="CUPS 队列名（--printer cups）")
    p.add_argument("--win32-name", help="Windows 打印机名称（--printer win32raw）")
    p.add_argument("--printer-file", help="输出文件或设备路径（--printer file）")
    p.add_argument("--paper-width", type=int, choices=[58, 80], help="纸宽（毫米）")
    p.add_argument("--printer-mode", choices=["raster", "gb18030"], help="打印方式（默认 raster 图像方式）")
    p.add_argument("--admin-pin", help="取号机退出全屏的管理员密码（4–8 位数字）")
    p.add_argument("--print-test", action="store_true", help="保存后打印一张测试号票")
    p.add_argument("--no-doctor", action="store_true", help="保存后不运行本机检查")
    p.add_argument("--no-gui", action="store_true", help="本机检查时不检查 Qt 图形界面")
    p.set_defaults(handler=run)


# ---------------------------------------------------------------------------
# Asking
# ---------------------------------------------------------------------------


@dataclass
class Asker:
    """Questions on the terminal; `interactive=False` answers every question with its default."""

    interactive: bool
    read: Callable[[str], str] = input
    read_secret: Callable[[str], str] = getpass.getpass
    out: Callable[[str], None] = print

    def _line(self, prompt: str, secret: bool = False) -> str:
        try:
            return (self.read_secret if secret else self.read)(prompt).strip()
        except EOFError:
            raise SetupAborted("输入已结束，未保存任何更改。") from None

    def text(self, prompt: str, default: str = "", *, secret: bool = False,
             check: Callable[[str], str | None] | None = None) -> str:
        """A line of text; empty input takes `default`; `check` returns an error message or None."""
        while True:
            if not self.interactive:
                answer = default
            else:
                shown = "" if secret or default == "" else f" [{default}]"
                answer = self._line(f"{prompt}{shown}：", secret) or default
            error = check(answer) if check else None
            if error is None:
                return answer
            if not self.interactive:
                raise SetupAborted(f"{prompt}：{error}")
            self.out(f"  ✘ {error}")

    def choice(self, prompt: str, options: dict[str, str], default: str) -> str:
        """One of `options` (value → label), by number or by value."""
        if not self.interactive:
            return default
        values = list(options)
        self.out(prompt)
        for i, value in enumerate(values, start=1):
            mark = "  （当前）" if value == default else ""
            self.out(f"  {i}) {options[value]} [{value}]{mark}")
        while True:
            answer = self._line(f"请选择 1–{len(values)} [{values.index(default) + 1 if default in values else 1}]：")
            if not answer:
                return default if default in values else values[0]
            if answer.isdigit() and 1 <= int(answer) <= len(values):
                return values[int(answer) - 1]
            if answer in values:
                return answer
            self.out(f"  ✘ 请输入 1–{len(values)} 的数字")

    def yes_no(self, prompt: str, default: bool) -> bool:
        if not self.interactive:
            return default
        while True:
            answer = self._line(f"{prompt} [{'Y/n' if default else 'y/N'}]：").lower()
            if not answer:
                return default
            if answer in ("y", "yes", "是", "1"):
                return True
            if answer in ("n", "no", "否", "0"):
                return False

    def option(self, key: str, current: Any, given: Any = None) -> Any:
        """A config option's value: the flag if given, else asked (default: the current value), checked."""
        from common.config import option_spec

        spec = option_spec(key)
        required = key in _REQUIRED_TEXT

        def check(text: str) -> str | None:
            if required and not text.strip():
                return "此项不能为空"
            try:
                spec.coerce(text)
            except ValueError:
                return spec.expectation()
            return None

        flag = _FLAGS.get(key, "")
        if given is not None:
            text = str(given)
            error = check(text)
            if error is not None:
                raise SetupAborted(f"{key}（{flag}）：{error}，当前为 {text!r}")
            return spec.coerce(text)
        default = f"0x{current:04X}" if spec.hex_ok and isinstance(current, int) and current else str(current)
        if spec.type is bool:
            default = "true" if current else "false"
        if not self.interactive and check(default) is not None:
            raise SetupAborted(f"{key}（{flag}）：{check(default)}")
        return spec.coerce(self.text(_PROMPTS.get(key, key), default, check=check))


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def test_database(url: str) -> str | None:
    """Connect and run `SELECT 1`; the problem in Chinese, or None when the database answers."""
    from sqlalchemy import text

    from sqlalchemy.engine import make_url

    from common.db.engine import DatabaseUnavailable, check_sqlite_path, connect, describe_url, normalize_url

    try:
        if normalize_url(url).startswith("sqlite"):
            path = make_url(normalize_url(url)).database
            if path and path != ":memory:" and not Path(path).exists():
                return _sqlite_new_file_problem(Path(path), check_sqlite_path)  # not created until it is migrated
        db = connect(url)
    except DatabaseUnavailable as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a bad URL, a missing driver: say so and ask again
        return f"数据库地址无效（{describe_url(url)}）：{_short(exc)}"
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        return f"无法连接数据库 {describe_url(url)}：{_short(exc)}"
    finally:
        db.dispose()
    return None


def _sqlite_new_file_problem(path: Path, check_sqlite_path) -> str | None:
    from common.db.engine import DatabaseUnavailable

    try:
        check_sqlite_path(path)  # refuses network shares
    except DatabaseUnavailable as exc:
        return str(exc)
    try:  # the folder is needed anyway; a probe file shows that the database file can be created there
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.with_name(f".{path.name}.setup-probe")
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return f"无法在 {path.parent} 建立数据库文件 {path.name}（{exc.strerror or exc}）"
    return None


def _local_db_url() -> str:
    from common.config import DB_FILE_NAME, data_dir, sqlite_url

    return sqlite_url(data_dir() / DB_FILE_NAME)


def _postgres_url(asker: Asker, current: str) -> str:
    """Ask for server, port, database, user and password (or a whole URL pasted as the server)."""
    from sqlalchemy.engine import URL, make_url

    defaults = {"host": "", "port": 5432, "database": "hall", "username": "hall"}
    if current.startswith("postgres"):
        try:
            u = make_url(current)
            defaults = {"host": u.host or "", "port": u.port or 5432, "database": u.database or "hall",
                        "username": u.username or "hall"}
        except Exception:  # noqa: BLE001
            pass
    host = asker.text("PostgreSQL 服务器地址（也可直接粘贴完整的 postgresql:// 地址）", defaults["host"],
                      check=lambda s: None if s else "此项不能为空")
    if "://" in host:
        return host
    port = asker.text("端口", str(defaults["port"]),
                      check=lambda s: None if s.isdigit() and 0 < int(s) < 65536 else "应为 1–65535 的整数")
    database = asker.text("数据库名", defaults["database"], check=lambda s: None if s else "此项不能为空")
    user = asker.text("用户名", defaults["username"], check=lambda s: None if s else "此项不能为空")
    password = asker.text("密码（输入时不显示；无密码直接回车）", "", secret=True)
    url = URL.create("postgresql+psycopg", username=user, password=password or None, host=host, port=int(port),
                     database=database)
    return url.render_as_string(hide_password=False)


def choose_database(asker: Asker, current: str, given: str | None) -> str:
    """The value for [database] url ("" = this PC's SQLite file), tested by connecting."""
    if given is not None:
        url = "" if given.strip().lower() in LOCAL_DB_WORDS else given.strip()
        error = test_database(url or _local_db_url())
        if error:
            raise _DbError(error)
        return url
    local_current = current if current and not current.startswith("postgres") else ""
    while True:
        if not asker.interactive:
            url = current  # --yes without --db keeps what is configured
        else:
            kind = asker.choice(
                "数据库：",
                {"sqlite": f"本机数据文件（只有这一台电脑使用时；{local_current or _local_db_url()}）",
                 "postgresql": "PostgreSQL 数据库服务器（大厅多台电脑共用）"},
                "postgresql" if current.startswith("postgres") else "sqlite",
            )
            url = local_current if kind == "sqlite" else _postgres_url(asker, current)
        asker.out("正在连接数据库……")
        error = test_database(url or _local_db_url())
        if error is None:
            asker.out("  ✔ 数据库可以连接")
            return url
        if not asker.interactive:
            raise _DbError(error)
        asker.out(f"  ✘ {error}")
        asker.out("  请检查地址、用户名、密码，以及服务器防火墙是否放行 5432 端口，然后重新选择。")


class _DbError(Exception):
    pass


# ---------------------------------------------------------------------------
# The whole setup
# ---------------------------------------------------------------------------


@dataclass
class Answers:
    values: dict[str, Any] = field(default_factory=dict)  # config key → typed value

    def __setitem__(self, key: str, value: Any) -> None:
        self.values[key] = value


def collect_answers(asker: Asker, args, cfg) -> Answers:
    a = Answers()
    role = args.role or asker.choice("本机用作：", ROLE_LABELS, cfg.machine.role)
    a["machine.role"] = role
    a["database.url"] = choose_database(asker, cfg.database.url, args.db)
    a["machine.site"] = asker.option("machine.site", cfg.machine.site, args.site)
    if role in WINDOW_ROLES or args.window is not None:
        window = asker.option("machine.window", cfg.machine.window, args.window)
        while role == "rating_pad" and window == 0:
            if not asker.interactive:
                raise SetupAborted("评价器必须指定窗口号（--window N，N ≥ 1）")
            asker.out("  ✘ 评价器必须对应一个窗口，请输入 1 以上的窗口号")
            window = asker.option("machine.window", cfg.machine.window)
        a["machine.window"] = window
    if role in PRINTER_ROLES or args.printer is not None:
        suggested = cfg.printer.kind
        if asker.interactive and role == "kiosk" and suggested == "none":
            suggested = "network"  # a kiosk prints tickets; --yes keeps what is configured
        kind = args.printer or asker.choice(
            "小票打印机：", {k: v for k, v in PRINTER_LABELS.items() if k != "dummy" or cfg.printer.kind == "dummy"},
            suggested,
        )
        a["printer.kind"] = kind
        for key, dest in _PRINTER_FIELDS.get(kind, ()):
            a[key] = asker.option(key, cfg.get(key), getattr(args, dest))
        if kind != "none":
            a["printer.paper_width_mm"] = asker.option("printer.paper_width_mm", cfg.printer.paper_width_mm,
                                                       args.paper_width)
        if args.printer_mode:
            a["printer.mode"] = args.printer_mode
    if role == "kiosk" or args.admin_pin is not None:
        a["kiosk.admin_pin"] = asker.option("kiosk.admin_pin", cfg.kiosk.admin_pin, args.admin_pin)
    return a


def _write(path: Path, answers: Answers):
    """Write the answers into machine.toml, keeping the file's permissions and owner (an atomic rewrite
    would otherwise leave a root-only 0600 file that the kiosk's service user cannot read)."""
    from common.config import load_config, set_option, write_default_config

    before = path.stat() if path.exists() else None
    if before is None:
        write_default_config(path)
    current = load_config(path)
    cfg = None
    for key, value in answers.values.items():
        if current.get(key) != value:  # an unchanged answer leaves the file (and its comments) as it is
            cfg = set_option(path, key, value)
    if before is not None:
        try:
            os.chmod(path, before.st_mode & 0o7777)
            if hasattr(os, "chown") and os.geteuid() == 0:
                os.chown(path, before.st_uid, before.st_gid)
        except OSError:
            pass
    return cfg or load_config(path)


def _site_warning(db, site: str) -> str | None:
    from sqlalchemy import select

    from common.db.models import Site

    with db.read() as s:
        codes = list(s.scalars(select(Site.code)))
    if not codes:
        return "数据库中还没有站点：在任一台电脑上运行 hall init（正式使用）或 hall demo-data（演示）"
    if site and site not in codes:
        return f"数据库中没有站点 {site}（现有：{'、'.join(codes[:10])}），请用 hall config set machine.site 改正"
    return None


def run(ctx: CliContext) -> int:
    from common.config import ConfigError, default_config_path, load_config

    args = ctx.args
    interactive = not args.yes and not ctx.as_json
    asker = Asker(interactive=interactive, out=print if not ctx.as_json else (lambda _s: None))
    path = Path(args.config).expanduser() if args.config else default_config_path()
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        if not interactive:
            raise
        print(f"现有配置文件有误：{exc}")
        try:
            redo = asker.yes_no("把它改名为 machine.toml.bak 并重新设置？", True)
        except SetupAborted as exc2:
            print(exc2, file=sys.stderr)
            return EXIT_USAGE
        if not redo:
            return exc.exit_code
        os.replace(path, path.with_name(path.name + ".bak"))
        cfg = load_config(path)

    if interactive:
        print("GovHall 本机设置（直接回车表示采用方括号中的值；Ctrl+C 退出，不保存）")
        print(f"配置文件：{path}{'（已存在，将只修改下面问到的项）' if path.exists() else '（新建）'}")
    try:
        answers = collect_answers(asker, args, cfg)
    except SetupAborted as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except _DbError as exc:
        print(f"错误：{exc}（配置未保存）", file=sys.stderr)
        return EXIT_DB
    except KeyboardInterrupt:
        print("\n已取消，未保存任何更改。", file=sys.stderr)
        return EXIT_USAGE

    if interactive:
        print("\n将写入：")
        for key, value in answers.values.items():
            shown = _hide_password(value) if key == "database.url" else value
            print(f"  {key} = {shown!r}")
        try:
            if not asker.yes_no("确认保存？", True):
                print("未保存。")
                return EXIT_USAGE
        except SetupAborted as exc:
            print(exc, file=sys.stderr)
            return EXIT_USAGE

    cfg = _write(path, answers)
    asker.out(f"✔ 已保存配置文件：{path}")

    from common.db import DatabaseUnavailable, open_database
    from common.db.migrate import current_revision

    url = cfg.database.url.strip() or _local_db_url()
    if os.environ.get("HALL_DB_URL", "").strip():
        asker.out("  注意：已设置环境变量 HALL_DB_URL，程序运行时会优先使用它，而不是配置文件中的数据库。")
    try:
        db = open_database(url)
    except DatabaseUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a migration failed: the config is saved, say what to do
        print(f"错误：配置已保存，但数据库无法升级到最新结构：{_short(exc)}。处理后运行 hall doctor 检查。",
              file=sys.stderr)
        return EXIT_DB
    try:
        revision = current_revision(db)
        site_warning = _site_warning(db, cfg.machine.site)
    finally:
        db.dispose()
    asker.out(f"✔ 数据库结构已是最新版本（{revision}）")
    if site_warning:
        asker.out(f"  提示：{site_warning}")

    printed: dict[str, Any] | None = None
    if cfg.printer.kind != "none" and (args.print_test or (interactive and asker.yes_no("现在打印一张测试号票？", True))):
        printed = _print_test(cfg, asker)

    report = None
    if not args.no_doctor:
        from common.services.doctor import run_doctor

        asker.out("\n本机检查：")
        report = run_doctor(url, str(path), check_gui=not args.no_gui)
        marks = {"ok": "✔", "warn": "!", "fail": "✘"}
        for c in report.checks:
            asker.out(f"[{marks.get(c.status, '?')}] {c.name}：{c.message}")
            if c.hint and c.status != "ok":
                asker.out(f"      → {c.hint}")
        asker.out("结论：" + ("正常" if report.ok else "有问题需要处理（配置已保存；处理后可运行 hall doctor 复查）"))
    asker.out(_next_steps(cfg.machine.role))

    if ctx.as_json:
        ctx.emit({
            "config": str(path),
            "values": {k: (_hide_password(v) if k == "database.url" else v) for k, v in answers.values.items()},
            "database": _hide_password(url),
            "revision": revision,
            "site_warning": site_warning,
            "print_test": printed,
            "doctor": None if report is None else {"ok": report.ok, "checks": report.checks},
        })
    if printed is not None and not printed["ok"]:
        return EXIT_FAILED
    return 0 if report is None or report.ok else EXIT_FAILED


def _hide_password(url: Any) -> Any:
    if not isinstance(url, str) or "://" not in url:
        return url
    from common.db.engine import describe_url

    return describe_url(url)


def _print_test(cfg, asker: Asker) -> dict[str, Any]:
    from common.printing.backends import PrinterError, PrinterSettings
    from common.printing.preview import print_test

    settings = PrinterSettings.from_config(cfg.printer)
    try:
        print_test(settings)
    except PrinterError as exc:
        asker.out(f"✘ 打印失败：{exc}")
        return {"ok": False, "error": str(exc)}
    asker.out(f"✔ 已发送测试号票到 {settings.describe()}")
    return {"ok": True, "printer": settings.describe()}


def _next_steps(role: str) -> str:
    start = {
        "kiosk": "hall-kiosk（Linux 取号机：sudo systemctl enable --now govhall-kiosk）",
        "display": "hall-display（Linux 叫号屏：sudo systemctl enable --now govhall-display）",
        "counter": "hall-counter",
        "rating_pad": "hall-counter --rating-pad",
        "admin": "hall-counter（以管理员账号登录）",
    }.get(role, "hall-counter")
    return ("\n下一步：hall print-test 打印测试号票 · hall doctor 复查本机 · "
            f"启动 {start}")
