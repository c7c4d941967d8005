"""Per-machine configuration: ``machine.toml``.

Every option is declared once, as data, on the frozen section dataclasses below
(:class:`MachineOptions`, :class:`PrinterOptions`, …) through :func:`_opt`: name (the field),
type (taken from the default), default, allowed values or range, Chinese description.
Loading, validation, error messages, the commented default file and ``hall config set`` are
all generated from those declarations (cf. qutebrowser's configdata, Picard's typed options).

Where the file lives: ``HALL_CONFIG`` (a path) if set, else
``platformdirs.user_config_dir("govhall")/machine.toml``. A missing file means "all defaults".

Line numbers: ``tomllib`` reports positions only for syntax errors, not for values. For a bad
value or unknown key we find its line by scanning the text for ``key =`` inside its ``[section]``
(also ``section.key =`` at top level, and a commented ``# key =`` when uncommenting in
:func:`set_option`). The scan is line based: keys inside multi-line strings or inline tables
are not located, and the message then names the section header's line or no line at all.
"""

from __future__ import annotations

from common.errors import HallError

import difflib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_FILE_NAME",
    "DB_FILE_NAME",
    "ConfigError",
    "OptionSpec",
    "MachineOptions",
    "DatabaseOptions",
    "PrinterOptions",
    "KioskOptions",
    "DisplayOptions",
    "MachineConfig",
    "iter_options",
    "option_spec",
    "default_config_path",
    "data_dir",
    "load_config",
    "parse_config_text",
    "write_default_config",
    "default_config_text",
    "set_option",
    "resolve_db_url",
    "sqlite_url",
]

APP_NAME = "govhall"
CONFIG_FILE_NAME = "machine.toml"
DB_FILE_NAME = "hall.db"
ENV_CONFIG = "HALL_CONFIG"
ENV_DATA_DIR = "HALL_DATA_DIR"
ENV_DB_URL = "HALL_DB_URL"


class ConfigError(HallError):
    """A problem with the configuration file; ``str(err)`` is a complete Chinese message."""

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
        option: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.option = option
        self.detail = message
        col = f"第 {column} 列" if column is not None else ""
        if self.path is not None and line is not None:
            full = f"{self.path} 第 {line} 行{col}：{message}"
        elif self.path is not None:
            full = f"{self.path}：{message}"
        else:
            full = message
        super().__init__(full)
        self.message = full


# ---------------------------------------------------------------------------
# Option declarations
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionSpec:
    """One declared option: everything the loader, writer and CLI need to know."""

    section: str
    name: str
    type: type
    default: Any
    description: str
    choices: tuple[Any, ...] | None = None
    min: int | None = None
    max: int | None = None
    pattern: str | None = None  # full-match regex for str options
    pattern_hint: str = ""  # Chinese wording of the pattern for messages
    hex_ok: bool = False  # int options given as "0x0416"
    max_len: int = 1024

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    def expectation(self) -> str:
        """Chinese phrase for what a valid value looks like, e.g. "应为 1–65535 的整数"."""
        if self.choices is not None:
            shown = "、".join(_toml_value(c) if self.type is str else str(c) for c in self.choices)
            return f"应为以下之一：{shown}"
        if self.type is bool:
            return "应为 true 或 false"
        if self.type is int:
            extra = "（可写成十六进制，如 0x0416）" if self.hex_ok else ""
            if self.min is not None and self.max is not None:
                return f"应为 {self.min}–{self.max} 的整数{extra}"
            if self.min is not None:
                return f"应为不小于 {self.min} 的整数{extra}"
            return f"应为整数{extra}"
        if self.pattern_hint:
            return f"应为{self.pattern_hint}"
        return "应为用双引号括起来的字符串"

    def coerce(self, value: Any) -> Any:
        """Check a value read from TOML (or given in Python); return it typed, or raise ValueError."""
        if self.type is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
                return _BOOL_WORDS[value.strip().lower()]
            raise ValueError
        if self.type is int:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, str):
                text = value.strip().replace("_", "")
                try:
                    value = int(text, 16) if self.hex_ok and text.lower().startswith("0x") else int(text, 10)
                except ValueError:
                    raise ValueError from None
            if not isinstance(value, int):
                raise ValueError
            if self.choices is not None and value not in self.choices:
                raise ValueError
            if self.min is not None and value < self.min:
                raise ValueError
            if self.max is not None and value > self.max:
                raise ValueError
            return value
        # str
        if not isinstance(value, str):
            raise ValueError
        if len(value) > self.max_len or any(ord(c) < 0x20 and c != "\t" for c in value):
            raise ValueError
        if self.choices is not None and value not in self.choices:
            raise ValueError
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise ValueError
        return value


_BOOL_WORDS = {
    "true": True, "false": False, "yes": True, "no": False, "on": True, "off": False,
    "1": True, "0": False, "是": True, "否": False,
}  # fmt: skip


def _opt(default: Any, description: str, **kw: Any) -> Any:
    """Declare an option on a section dataclass (the field name is the option name)."""
    return field(default=default, metadata={"option": dict(description=description, **kw)})


ROLES = ("kiosk", "counter", "display", "rating_pad", "admin")
PRINTER_KINDS = ("none", "network", "usb", "serial", "cups", "win32raw", "file", "dummy")
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True)
class MachineOptions:
    role: str = _opt("counter", "本机角色：kiosk 自助取号机，counter 窗口工作台，display 叫号屏，"
                     "rating_pad 评价器，admin 中心管理", choices=ROLES)
    site: str = _opt("", "本机所属站点（中心/便民服务中心/代办点）的代码；留空表示唯一站点", max_len=64)
    window: int = _opt(0, "本机对应的窗口号；0 表示不固定窗口（登录时选择）", min=0, max=9999)
    zone: str = _opt("", "本机所在的大厅区域代码（如 A 区）；可留空", max_len=64)
    language: str = _opt("zh_CN", "界面语言：zh_CN 中文，en 英文", choices=("zh_CN", "en"))


@dataclass(frozen=True)
class DatabaseOptions:
    url: str = _opt("", "数据库地址（SQLAlchemy URL，如 postgresql+psycopg://user@host/hall）；"
                    "留空表示使用本机数据目录中的 SQLite 文件 hall.db。"
                    "优先级：命令行 --db > 环境变量 HALL_DB_URL > 本项", max_len=4096)


@dataclass(frozen=True)
class PrinterOptions:
    kind: str = _opt("none", "小票打印机连接方式：none 不打印，network 网络(9100)，usb，serial 串口，"
                     "cups（lp 原始队列），win32raw（Windows 打印机），file 写入文件，dummy 测试用",
                     choices=PRINTER_KINDS)
    host: str = _opt("", "网络打印机的 IP 地址或主机名（kind = network）", max_len=253)
    port: int = _opt(9100, "网络打印机端口（kind = network）", min=1, max=65535)
    usb_vendor: int = _opt(0, "USB 打印机厂商 ID（kind = usb），如 0x0416", min=0, max=0xFFFF, hex_ok=True)
    usb_product: int = _opt(0, "USB 打印机产品 ID（kind = usb），如 0x5011", min=0, max=0xFFFF, hex_ok=True)
    serial_device: str = _opt("", "串口设备（kind = serial），如 /dev/ttyUSB0 或 COM3", max_len=256)
    baudrate: int = _opt(9600, "串口波特率（kind = serial）", choices=BAUDRATES)
    cups_queue: str = _opt("", "CUPS 打印队列名（kind = cups）", max_len=256)
    win32_name: str = _opt("", "Windows 打印机名称（kind = win32raw）", max_len=256)
    file_path: str = _opt("", "输出文件或设备路径（kind = file），如 /dev/usb/lp0", max_len=4096)
    paper_width_mm: int = _opt(80, "纸宽（毫米）：58 或 80", choices=(58, 80))
    mode: str = _opt("raster", "打印方式：raster 图像方式（通用，默认），gb18030 汉字文本方式（国产打印机）",
                     choices=("raster", "gb18030"))
    native_qr: bool = _opt(False, "是否使用打印机自带的二维码指令（否则以图像打印）")


@dataclass(frozen=True)
class KioskOptions:
    fullscreen: bool = _opt(True, "是否全屏运行")
    idle_timeout_s: int = _opt(90, "无操作多少秒后返回首页（10–600）", min=10, max=600)
    admin_pin: str = _opt("", "退出全屏的管理员密码（4–8 位数字）；留空则禁止在取号机上退出",
                          pattern=r"(\d{4,8})?", pattern_hint="用双引号括起来的 4–8 位数字（或留空）")
    elderly_mode_default: bool = _opt(False, "是否默认进入适老模式（大字体、高对比度）")


@dataclass(frozen=True)
class DisplayOptions:
    orientation: str = _opt("landscape", "叫号屏方向：landscape 横屏，portrait 竖屏",
                            choices=("landscape", "portrait"))
    voice_backend: str = _opt("qt", "语音播报方式：qt 语音合成，clips 录音片段拼接，chime 仅提示音，none 静音",
                              choices=("qt", "clips", "chime", "none"))
    voice_repeat: int = _opt(2, "每次叫号播报的遍数（1–3）", min=1, max=3)
    voice_english: bool = _opt(False, "是否同时用英文播报")
    number_reading: str = _opt("digits", "号码读法：digits 逐位读（A012 读作“A零一二”），natural 按数值读（“A十二”）",
                               choices=("digits", "natural"))
    zone_filter: str = _opt("", "只显示该区域的叫号（区域代码）；留空显示全部", max_len=64)


_SECTION_CLASSES: dict[str, type] = {
    "machine": MachineOptions,
    "database": DatabaseOptions,
    "printer": PrinterOptions,
    "kiosk": KioskOptions,
    "display": DisplayOptions,
}

_SECTION_TITLES = {
    "machine": "本机",
    "database": "数据库",
    "printer": "小票打印机",
    "kiosk": "自助取号机",
    "display": "叫号屏与语音",
}


def _build_specs() -> dict[str, OptionSpec]:
    specs: dict[str, OptionSpec] = {}
    for section, cls in _SECTION_CLASSES.items():
        for f in fields(cls):
            meta = dict(f.metadata["option"])
            assert f.default is not MISSING
            spec = OptionSpec(section=section, name=f.name, type=type(f.default), default=f.default, **meta)
            spec.coerce(spec.default)  # a declaration whose default is invalid is a bug
            specs[spec.key] = spec
    return specs


_SPECS = _build_specs()


def iter_options() -> Iterator[OptionSpec]:
    """All declared options, in declaration order (section by section)."""
    return iter(_SPECS.values())


def option_spec(key: str) -> OptionSpec:
    """The declaration for ``"section.name"``; ConfigError (with a suggestion) if unknown."""
    try:
        return _SPECS[key]
    except KeyError:
        raise ConfigError(f"未知选项 {key}{_suggest(key)}", option=key) from None


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, list(_SPECS), n=1, cutoff=0.6)
    return f"（是否想写 {close[0]}？）" if close else ""


@dataclass(frozen=True)
class MachineConfig:
    """The whole machine configuration. ``source`` is the file it was read from, if any."""

    machine: MachineOptions = field(default_factory=MachineOptions)
    database: DatabaseOptions = field(default_factory=DatabaseOptions)
    printer: PrinterOptions = field(default_factory=PrinterOptions)
    kiosk: KioskOptions = field(default_factory=KioskOptions)
    display: DisplayOptions = field(default_factory=DisplayOptions)
    source: Path | None = field(default=None, compare=False)

    def get(self, key: str) -> Any:
        """Value of ``"section.name"``."""
        spec = option_spec(key)
        return getattr(getattr(self, spec.section), spec.name)

    def as_dict(self) -> dict[str, Any]:
        """``{"printer.port": 9100, …}`` in declaration order, e.g. for ``hall config show``."""
        return {spec.key: self.get(spec.key) for spec in iter_options()}


# ---------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$HALL_CONFIG`` if set, else ``<user_config_dir>/govhall/machine.toml``."""
    override = _env(environ).get(ENV_CONFIG, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILE_NAME


def data_dir(*, create: bool = False, environ: Mapping[str, str] | None = None) -> Path:
    """``$HALL_DATA_DIR`` if set, else ``platformdirs.user_data_dir("govhall")``."""
    override = _env(environ).get(ENV_DATA_DIR, "").strip()
    path = Path(override).expanduser() if override else Path(
        platformdirs.user_data_dir(APP_NAME, appauthor=False)
    )
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """SQLAlchemy URL for a SQLite file (absolute, forward slashes, also on Windows)."""
    return "sqlite:///" + Path(path).expanduser().resolve().as_posix()


def resolve_db_url(
    cli_url: str | None,
    cfg: MachineConfig | None,
    *,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The database URL to use: ``--db`` > ``HALL_DB_URL`` > ``[database] url`` > SQLite file.

    Empty strings count as "not given". The SQLite default is ``<data_dir>/hall.db``; the data
    directory is not created here (the DB layer creates it when it opens the file).
    """
    if cli_url and cli_url.strip():
        return cli_url.strip()
    env_url = _env(environ).get(ENV_DB_URL, "").strip()
    if env_url:
        return env_url
    if cfg is not None and cfg.database.url.strip():
        return cfg.database.url.strip()
    return sqlite_url(data_dir(environ=environ) / DB_FILE_NAME)


# ---------------------------------------------------------------------------
# Locating keys in the text (tomllib gives no positions for values)
# ---------------------------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*\[(?!\[)\s*([^\]#]+?)\s*\]\s*(?:#.*)?$")
_ARRAY_HEADER_RE = re.compile(r"^\s*\[\[\s*([^\]#]+?)\s*\]\]")
_KEY_RE = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_COMMENTED_KEY_RE = re.compile(r"^\s*#\s*([A-Za-z0-9_-]+)\s*=")


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


@dataclass(frozen=True)
class _KeyLine:
    lineno: int  # 1-based
    path: tuple[str, ...]  # full dotted path: header + key
    commented: bool = False
    is_header: bool = False


def _scan(text: str) -> list[_KeyLine]:
    """Headers and ``key =`` lines with their full dotted paths, line by line."""
    out: list[_KeyLine] = []
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for i, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if m := _ARRAY_HEADER_RE.match(line):
            table = _split_dotted(m.group(1))
            out.append(_KeyLine(i, table, is_header=True))
            continue
        if m := _HEADER_RE.match(line):
            table = _split_dotted(m.group(1))
            out.append(_KeyLine(i, table, is_header=True))
            continue
        if m := _KEY_RE.match(line):
            out.append(_KeyLine(i, table + _split_dotted(m.group(1))))
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
            continue
        if table and (m := _COMMENTED_KEY_RE.match(line)):
            out.append(_KeyLine(i, table + (m.group(1),), commented=True))
    return out


def _line_of(scan: list[_KeyLine], path: tuple[str, ...]) -> int | None:
    """Line of the active key (or table header) with this full path, else of its nearest parent."""
    for want in (path, path[:1]):
        for kl in scan:
            if not kl.commented and kl.path == want:
                return kl.lineno
        for kl in scan:  # a dotted key below a top-level table, e.g. "printer.port = 1"
            if not kl.commented and kl.path[: len(want)] == want and len(want) < len(path):
                return kl.lineno
    return None


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

_TOML_MESSAGES = [
    ("Invalid value", "取值无效（文字需要用双引号括起来，true/false 和数字不加引号）"),
    ("Invalid statement", "无法识别的内容（每行应为 选项 = 值，或 [配置节]）"),
    ("Expected '=' after a key", "选项名后缺少等号“=”"),
    ("Unterminated string", "字符串缺少结束的引号"),
    ("Cannot overwrite a value", "同一选项重复设置"),
    ("Cannot declare", "同一配置节重复声明"),
    ("Expected ']' at the end of a table", "配置节标题缺少“]”"),
    ("Expected ']]'", "数组表标题缺少“]]”"),
    # A newline inside a one-line string almost always means a missing closing quote.
    ("Illegal character '\\n'", "字符串缺少结束的引号（字符串不能跨行）"),
    ("Illegal character", "含有不允许的控制字符"),
    ("Unclosed array", "数组缺少结束的“]”"),
    ("Unclosed inline table", "内联表缺少结束的“}”"),
    ("Invalid initial character for a key", "选项名含有无效字符"),
    ("Unescaped '\\'", "字符串中的反斜杠“\\”需写成“\\\\”，或改用单引号括起 Windows 路径"),
    ("Invalid hex value", "字符串中的转义序列无效"),
    ("Escaped character", "字符串中的转义序列无效"),
    ("Invalid date", "日期时间格式无效"),
    ("Found invalid character", "此处有多余或无效的字符"),
    ("Expected", "此处有多余或无效的字符"),
    ("Cannot mutate immutable namespace", "配置节与已有的选项冲突"),
    ("Cannot redefine namespace", "配置节与已有的选项冲突"),
    ("Duplicate inline table key", "内联表中选项重复"),
]

_POS_RE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")


def _syntax_error(err: tomllib.TOMLDecodeError, text: str, path: Path | str) -> ConfigError:
    raw = str(err)
    m = _POS_RE.search(raw)
    english = raw[: m.start()] if m else raw
    zh = next((z for prefix, z in _TOML_MESSAGES if english.startswith(prefix)), "格式错误")
    line: int | None
    col: int | None = None
    if m and m.group(1):
        line, col = int(m.group(1)), int(m.group(2))
    else:
        line = max(1, len(text.splitlines()))
    if english.startswith("Cannot overwrite a value"):
        # tomllib points past the duplicate; the scan finds the second occurrence itself.
        seen: set[tuple[str, ...]] = set()
        for kl in _scan(text):
            if kl.commented or kl.is_header:
                continue
            if kl.path in seen:
                line, col = kl.lineno, None
                break
            seen.add(kl.path)
    return ConfigError(f"TOML 语法错误：{zh}（{english}）", path=path, line=line, column=col)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return _toml_value(shown)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "一个表（{…}）"
    if isinstance(value, list):
        return "一个数组（[…]）"
    return str(value)


def parse_config_text(text: str, path: str | os.PathLike[str] = CONFIG_FILE_NAME) -> MachineConfig:
    """Validate TOML text against the declarations; ``path`` is used in messages only."""
    path = Path(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _syntax_error(err, text, path) from None
    scan = _scan(text)
    values: dict[str, dict[str, Any]] = {s: {} for s in _SECTION_CLASSES}
    for section, body in doc.items():
        if section not in _SECTION_CLASSES:
            line = _line_of(scan, (section,))
            if not isinstance(body, dict):
                homes = [s.section for s in iter_options() if s.name == section]
                hint = f"，应写在 [{homes[0]}] 配置节下" if homes else ""
                raise ConfigError(f"选项 {section} 不属于任何配置节{hint}", path=path, line=line, option=section)
            known = "、".join(f"[{s}]" for s in _SECTION_CLASSES)
            raise ConfigError(f"未知的配置节 [{section}]（可用：{known}）", path=path, line=line, option=section)
        if not isinstance(body, dict):
            raise ConfigError(
                f"{section} 应为配置节 [{section}]，当前为 {_show(body)}",
                path=path, line=_line_of(scan, (section,)), option=section,
            )
        for name, value in body.items():
            key = f"{section}.{name}"
            line = _line_of(scan, (section, name))
            spec = _SPECS.get(key)
            if spec is None:
                raise ConfigError(f"未知选项 {key}{_suggest(key)}", path=path, line=line, option=key)
            try:
                values[section][name] = spec.coerce(value)
            except ValueError:
                raise ConfigError(
                    f"{key} {spec.expectation()}，当前为 {_show(value)}", path=path, line=line, option=key
                ) from None
    return MachineConfig(**{s: cls(**values[s]) for s, cls in _SECTION_CLASSES.items()})


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"无法读取配置文件（{err.strerror or err}）", path=path) from None
    try:
        return data.decode("utf-8-sig")  # Windows Notepad may add a BOM
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError("文件不是 UTF-8 编码，请用 UTF-8 保存", path=path, line=line) from None


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> MachineConfig:
    """Read and validate the machine configuration; all defaults if the file does not exist."""
    p = Path(path).expanduser() if path is not None else default_config_path(environ)
    if not p.exists():
        return MachineConfig()
    if p.is_dir():
        raise ConfigError("这是一个目录，不是配置文件", path=p)
    return replace(parse_config_text(_read_text(p), p), source=p)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _toml_value(value: Any, *, hex_ok: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"0x{value:04X}" if hex_ok and value else str(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch == "\\":
                out.append("\\\\")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04X}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def default_config_text() -> str:
    """The commented default ``machine.toml``, generated from the declarations."""
    lines = [
        "# GovHall 本机配置文件（machine.toml）",
        "#",
        "# 每个选项下方列出了它的默认值（以 # 开头的行不生效）。要修改某项，去掉该行行首的“# ”",
        "# 再改值，或运行：hall config set 配置节.选项 值（例如 hall config set printer.kind network）。",
        "# 文字用双引号括起来；true/false 和数字不加引号。",
        f"# 本文件位置可用环境变量 {ENV_CONFIG} 指定；数据目录可用 {ENV_DATA_DIR} 指定；",
        f"# 数据库地址可用 {ENV_DB_URL} 或命令行 --db 覆盖。",
    ]
    for section in _SECTION_CLASSES:
        lines += ["", "", f"# ==== {_SECTION_TITLES[section]} ====", f"[{section}]"]
        for spec in iter_options():
            if spec.section != section:
                continue
            lines += ["", f"# {spec.description}"]
            if spec.choices is not None or spec.type is not str:
                lines.append(f"# {spec.expectation()}。")
            lines.append(f"# {spec.name} = {_toml_value(spec.default, hex_ok=spec.hex_ok)}")
    return "\n".join(lines) + "\n"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        # mkstemp makes the file 0600; keep the old file's mode, else 0644 so a kiosk's service user can read it
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_default_config(path: str | os.PathLike[str] | None = None, *, overwrite: bool = False) -> Path:
    """Write the commented default file; refuses to replace an existing file unless ``overwrite``."""
    p = Path(path).expanduser() if path is not None else default_config_path()
    if p.exists() and not overwrite:
        raise ConfigError("配置文件已存在，未覆盖（如需重建请先备份后删除）", path=p)
    try:
        _atomic_write(p, default_config_text())
    except OSError as err:
        raise ConfigError(f"无法写入配置文件（{err.strerror or err}）", path=p) from None
    return p


def _parse_cli_value(spec: OptionSpec, value: Any) -> Any:
    """Typed value for ``set_option``; strings from the command line are parsed per type."""
    try:
        return spec.coerce(value)
    except ValueError:
        raise ConfigError(f"{spec.key} {spec.expectation()}，当前为 {_show(value)}", option=spec.key) from None


def set_option(path: str | os.PathLike[str] | None, key: str, value: Any) -> MachineConfig:
    """Set one option in the file (``hall config set printer.kind network``); returns the new config.

    Edits the text in place so comments and other lines survive: replaces the active
    ``key = …`` line, else uncomments the ``# key = …`` line of the default file, else adds
    the key at the end of its section (creating the section if needed). A missing file is
    first created from :func:`default_config_text`. The result is validated before it is
    written, and written atomically.
    """
    spec = option_spec(key)
    typed = _parse_cli_value(spec, value)
    p = Path(path).expanduser() if path is not None else default_config_path()
    text = _read_text(p) if p.exists() else default_config_text()
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    rendered = _toml_value(typed, hex_ok=spec.hex_ok)
    scan = _scan(text)

    def indent_of(idx: int) -> str:
        return re.match(r"\s*", lines[idx]).group(0).rstrip("\r\n")  # type: ignore[union-attr]

    def ending(idx: int) -> str:
        return lines[idx][len(lines[idx].rstrip("\r\n")):] or newline

    target = (spec.section, spec.name)
    active = [kl for kl in scan if not kl.commented and not kl.is_header and kl.path == target]
    commented = [kl for kl in scan if kl.commented and kl.path == target]
    headers = [kl for kl in scan if kl.is_header and kl.path == (spec.section,)]
    if active:
        idx = active[-1].lineno - 1
        m = _KEY_RE.match(lines[idx])
        written_key = m.group(1) if m else spec.name  # keeps "printer.port" at top level
        lines[idx] = f"{indent_of(idx)}{written_key} = {rendered}{ending(idx)}"
    elif commented:
        idx = commented[0].lineno - 1
        lines[idx] = f"{indent_of(idx)}{spec.name} = {rendered}{ending(idx)}"
    elif headers:
        start = headers[-1].lineno  # index of the line after the header
        end = next((kl.lineno - 1 for kl in scan if kl.is_header and kl.lineno > start), len(lines))
        insert_at = end
        while insert_at > start and not lines[insert_at - 1].strip():
            insert_at -= 1
        if insert_at > 0 and not lines[insert_at - 1].endswith(("\n", "\r")):
            lines[insert_at - 1] += newline
        lines.insert(insert_at, f"{spec.name} = {rendered}{newline}")
    else:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines += [newline, f"[{spec.section}]{newline}", f"{spec.name} = {rendered}{newline}"]
    new_text = "".join(lines)
    cfg = parse_config_text(new_text, p)
    try:
        _atomic_write(p, new_text)
    except OSError as err:
        raise ConfigError(f"无法写入配置文件（{err.strerror or err}）", path=p) from None
    return replace(cfg, source=p)
