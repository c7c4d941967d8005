"""`hall doctor`: what is wrong with this machine, in words an admin can act on.

Every check returns a `Check`; none raises. Qt is checked in a subprocess so `common` stays Qt-free and a
broken platform plugin cannot take the doctor down with it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Callable

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok / warn / fail
    message: str
    hint: str = ""


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)


def _guard(name: str, fn: Callable[[], Check]) -> Check:
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - a doctor reports, it does not crash
        return Check(name, FAIL, f"检查时出错：{exc}")


def check_config(config_path: str | None) -> tuple[Check, object | None]:
    from common.config import ConfigError, default_config_path, load_config

    try:
        cfg = load_config(config_path)
    except ConfigError as exc:
        return Check("配置文件", FAIL, str(exc), "修正配置文件后重试，或用 hall config 查看各选项"), None
    source = getattr(cfg, "source", None)
    where = str(source) if source else f"{config_path or default_config_path()}（不存在，使用默认值）"
    return Check("配置文件", OK, f"已读取 {where}；本机角色 {cfg.machine.role}"), cfg


def check_database(url: str) -> tuple[Check, object | None]:
    from common.db.engine import DatabaseUnavailable, connect, describe_url
    from common.db.migrate import current_revision, head_revision

    try:
        db = connect(url)
        current = current_revision(db)
        head = head_revision(db)
    except DatabaseUnavailable as exc:
        return Check("数据库", FAIL, str(exc)), None
    except Exception as exc:  # noqa: BLE001
        return Check("数据库", FAIL, f"无法连接数据库 {describe_url(url)}：{exc}",
                     "检查数据库地址（--db / HALL_DB_URL / 配置文件）与数据库服务是否运行"), None
    if current != head:
        state = "尚未初始化" if current is None else f"版本 {current}，最新为 {head}"
        return Check("数据库", WARN, f"{describe_url(url)} 可以连接，但结构{state}",
                     "运行 hall init（新库）或启动任一程序，会自动升级到最新结构"), db
    return Check("数据库", OK, f"{db.dialect} · {describe_url(url)} · 结构为最新版本 {head}"), db


def check_hall_data(db) -> Check:
    from sqlalchemy import func, select

    from common.db.models import ServiceItem, Site, Staff, Window

    with db.read() as s:
        sites = s.scalar(select(func.count()).select_from(Site)) or 0
        items = s.scalar(select(func.count()).select_from(ServiceItem)) or 0
        windows = s.scalar(select(func.count()).select_from(Window)) or 0
        staff = s.scalar(select(func.count()).select_from(Staff)) or 0
    if sites == 0:
        return Check("大厅数据", WARN, "数据库中还没有站点", "运行 hall init 或 hall demo-data")
    return Check("大厅数据", OK, f"站点 {sites} 个，事项 {items} 项，窗口 {windows} 个，工作人员 {staff} 人")


def check_fonts() -> Check:
    from common.printing.fonts import bundled_font_path, register_reportlab_fonts

    path = bundled_font_path()
    if not path.exists():
        return Check("字体", FAIL, f"缺少内置中文字体 {path}", "重新安装本软件")
    name = register_reportlab_fonts()
    return Check("字体", OK, f"内置中文字体 {path.name}；PDF 字体已注册为 {name}")


def check_qt(timeout: float = 20.0) -> Check:
    platform = os.environ.get("QT_QPA_PLATFORM") or (
        "" if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform != "linux" else "offscreen"
    )
    env = dict(os.environ)
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "app = QApplication([])\n"
        "print(QGuiApplication.platformName())\n"
    )
    try:
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Check("Qt 图形界面", FAIL, "Qt 启动超时")
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return Check("Qt 图形界面", FAIL, "Qt 无法启动：" + " / ".join(tail),
                     "Linux 上请安装 Qt 运行库：sudo apt-get install libegl1 libxkbcommon-x11-0 libxcb-cursor0 "
                     "libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libfontconfig1 libdbus-1-3")
    name = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "?"
    if name == "offscreen":
        return Check("Qt 图形界面", WARN, "Qt 可以运行，但本机没有显示器（使用 offscreen 平台）",
                     "取号机、叫号屏需要显示器或 Xvfb")
    return Check("Qt 图形界面", OK, f"Qt 平台插件：{name}")


def check_printer(cfg) -> Check:
    from common.printing import backends

    settings = backends.PrinterSettings.from_config(cfg.printer)
    if settings.kind == "none":
        return Check("小票打印机", OK, "本机未配置打印机（printer.kind = none）")
    status = backends.query_status(settings)
    state = FAIL if status.online is False or status.paper_ok is False else (WARN if status.online is None else OK)
    return Check("小票打印机", state, f"{settings.kind}：{status.message_zh}",
                 "" if state == OK else "检查电源、连线与纸卷；用 hall print-test 打印测试页")


def check_calendar(today: dt.date | None = None, db=None) -> Check:
    """Built-in holidays plus the hall's entries (with a database): the current year, and from November the next."""
    from common.workdays import WorkingCalendar

    today = today or dt.date.today()
    if db is not None:
        from common.services.calendar import load_working_calendar

        cal = load_working_calendar(db)
    else:
        cal = WorkingCalendar()
    years = sorted(cal.known_years())
    # The next year's holidays are announced in November; warn from then on until they are entered.
    need = {today.year} | ({today.year + 1} if today.month >= 11 else set())
    missing = sorted(need - set(years))
    if missing:
        return Check("法定工作日历", WARN, f"节假日数据不含 {'、'.join(map(str, missing))} 年，跨入该年的办结期限无法计算",
                     "国务院发布放假安排后，用 hall calendar set 录入节假日与调休上班日；"
                     "发布前可用 hall calendar provisional 年份 按放假办法预估")
    estimated = sorted(need & set(cal.provisional_years()))
    if estimated:
        return Check("法定工作日历", WARN, f"{'、'.join(map(str, estimated))} 年的放假日是按放假办法预估的（不含调休）",
                     "国务院发布放假安排后，用 hall calendar set 录入，预估数据随之替换")
    return Check("法定工作日历", OK, f"节假日数据覆盖 {years[0]}–{years[-1]} 年")


def check_voice(cfg) -> Check:
    from common.services.voice_queue import voice_health

    health = voice_health(cfg.display.voice_backend)
    if health.ok:
        return Check("语音播报", OK, health.summary)
    # Only a hall display must speak; elsewhere a missing sound card is worth knowing, not a failure.
    status = FAIL if cfg.machine.role == "display" and cfg.display.voice_backend != "none" else WARN
    extra = [p for p in health.problems if p not in health.summary]
    return Check("语音播报", status, "；".join([health.summary, *extra]),
                 "检查音箱与声卡，或在配置中设置 display.voice_backend = \"clips\" / \"chime\"")


def check_audit(db) -> Check:
    from common.services.audit import verify

    result = verify(db)
    if result.ok:
        return Check("审计日志", OK, f"哈希链完整，共 {result.checked} 条")
    first = result.problems[0]
    return Check("审计日志", FAIL, f"审计日志被改动：第 {first.row_id} 条 {first.message_zh}（共 {len(result.problems)} 处）",
                 "保留现场并报告管理员；hall audit verify 查看全部问题")


def run_doctor(db_url: str | None, config_path: str | None, *, check_gui: bool = True) -> DoctorReport:
    from common.config import resolve_db_url

    report = DoctorReport()
    config_check, cfg = check_config(config_path)
    report.checks.append(config_check)
    url = resolve_db_url(db_url, cfg) if cfg is not None else (db_url or "")
    db_check, db = check_database(url) if url else (Check("数据库", FAIL, "没有数据库地址"), None)
    report.checks.append(db_check)
    if db is not None and db_check.status == OK:
        report.checks.append(_guard("大厅数据", lambda: check_hall_data(db)))
        report.checks.append(_guard("审计日志", lambda: check_audit(db)))
    calendar_db = db if db is not None and db_check.status == OK else None
    report.checks.append(_guard("法定工作日历", lambda: check_calendar(db=calendar_db)))
    report.checks.append(_guard("字体", check_fonts))
    if check_gui:
        report.checks.append(_guard("Qt 图形界面", check_qt))
    if cfg is not None:
        report.checks.append(_guard("小票打印机", lambda: check_printer(cfg)))
        report.checks.append(_guard("语音播报", lambda: check_voice(cfg)))
    if db is not None:
        db.dispose()
    return report
