"""Bookings made on the online platform (政务服务网/“一网通办” 预约), loaded from its export (.xlsx or .csv).

The citizen's SMS carries the platform's code, so an imported booking keeps it (4–16 letters and digits) and the
kiosk's 预约签到 accepts it. The platform allocated the places, so imported bookings are not refused for a full
slot; they do count toward it for bookings made at the counter afterwards.

All or nothing: every row is checked first, and one bad row imports nothing, with a message per bad row naming
its line and column (admins fix the file and load it again). Loading the same file twice is harmless: a row whose
code is already booked with the same queue, day, time and ID number is skipped as already imported.

Columns (the header row, any order): 预约码, 业务 (queue letter or name), 日期, 时段 (09:00-09:30, or 09:00 for the
hall's slot length), 姓名, 身份证号码, 手机号码 (optional), 事项编码 (optional).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import clock
from common.db.engine import Database
from common.db.models import Appointment, Queue
from common.errors import HallError, InvalidInput
from common.services.appointments import BOOK_ROLES, SlotRules, check_person, insert_booking, item_id_of, slot_rules
from common.services.permissions import Actor, require
from common.validation import ValidationError

COLUMNS = {"预约码": "code", "业务": "queue", "日期": "day", "时段": "slot", "姓名": "name", "身份证号码": "id_number",
           "手机号码": "phone", "事项编码": "item"}
REQUIRED = ("预约码", "业务", "日期", "时段", "姓名", "身份证号码")
CODE_RE = re.compile(r"^[A-Z0-9]{4,16}$")
SLOT_RE = re.compile(r"^(\d{1,2}:\d{2})(?:\s*[-–—~至到]\s*(\d{1,2}:\d{2}))?$")
MAX_ROWS = 20_000


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0  # already imported (same code, same booking)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(path: Union[str, Path]) -> list[tuple[int, dict[str, Any]]]:
    """(line number, {column: value}) of the file's rows; the header is line 1."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"找不到文件：{path}")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # noqa: BLE001 - a damaged or mislabelled file
            raise InvalidInput(f"无法读取 Excel 文件 {path.name}：{exc}") from None
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
    elif path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidInput(f"{path.name} 的编码无法识别，请另存为 UTF-8 或 Excel 文件。")
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise InvalidInput("只支持 .xlsx 或 .csv 文件。")
    if not table:
        raise InvalidInput(f"{path.name} 是空文件。")
    header = [str(h or "").strip() for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput(f"{path.name} 第 1 行缺少列：{'、'.join(missing)}（应有：{'、'.join(COLUMNS)}）。")
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行，请分批导入。")
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        rows.append((number, {h: values[i] if i < len(values) else None for i, h in enumerate(header) if h}))
    return rows


def _text(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split())


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if not m:
        raise ValueError("日期应为 2026-12-08 这样的格式")
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _time(text: str) -> dt.time:
    hh, mm = text.split(":")
    return dt.time(int(hh), int(mm))


def import_appointments(db: Database, actor: Actor, site_id: int, rows: list[tuple[int, dict[str, Any]]], *,
                        dry_run: bool = False, now: Optional[dt.datetime] = None) -> ImportResult:
    require(actor, *BOOK_ROLES, action="导入预约")
    now = clock.utcnow() if now is None else now
    result = ImportResult(dry_run=dry_run)
    try:
        with db.write() as s:
            good = _check_rows(s, site_id, rows, now, result)
            if result.errors or dry_run:
                result.created = 0 if result.errors else len(good)
                raise _Abort()  # nothing is written: roll the transaction back
            for c in good:
                insert_booking(s, actor, c["queue"], c["day"], c["start"], c["end"], name=c["name"],
                               id_no=c["id_no"], phone=c["phone"], item_id=c["item_id"], code=c["code"], now=now,
                               source="import")
            result.created = len(good)
    except _Abort:
        pass
    return result


class _Abort(Exception):
    pass


def _check_rows(s: Session, site_id: int, rows: list[tuple[int, dict[str, Any]]], now: dt.datetime,
                result: ImportResult) -> list[dict[str, Any]]:
    queues = {q.prefix.upper(): q for q in s.scalars(select(Queue).where(Queue.site_id == site_id))}
    by_name = {q.name: q for q in queues.values()}
    rules = slot_rules(s, site_id, now)
    seen: dict[str, int] = {}
    good = []
    for line, raw in rows:
        try:
            checked = _check_row(s, raw, queues, by_name, rules)
        except _RowProblem as p:
            result.errors.append(f"第 {line} 行“{p.column}”：{p.message}")
            continue
        code = checked["code"]
        if code in seen:
            result.errors.append(f"第 {line} 行“预约码”：{code} 与第 {seen[code]} 行重复。")
            continue
        seen[code] = line
        existing = s.scalar(select(Appointment).where(Appointment.code == code))
        if existing is not None:
            same = (existing.queue_id, existing.day, existing.slot_start, existing.id_number) == (
                checked["queue"].id, checked["day"], checked["start"], checked["id_no"])
            if same:
                result.skipped += 1
            else:
                result.errors.append(f"第 {line} 行“预约码”：{code} 已被另一预约使用。")
            continue
        good.append(checked)
    return good


class _RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# ValidationError.field of `check_person` → the column it came from
PERSON_COLUMNS = {"name": "姓名", "id_number": "身份证号码", "mobile": "手机号码"}


def _check_row(s: Session, raw: dict[str, Any], queues: dict[str, Queue], by_name: dict[str, Queue],
               rules: SlotRules) -> dict[str, Any]:
    code = _text(raw.get("预约码")).upper()
    if not CODE_RE.fullmatch(code):
        raise _RowProblem("预约码", "应为 4–16 位字母或数字。")
    name_or_prefix = _text(raw.get("业务"))
    queue = queues.get(name_or_prefix.upper()) or by_name.get(name_or_prefix)
    if queue is None or not queue.active:
        raise _RowProblem("业务", f"本大厅没有业务“{name_or_prefix}”（填队列字母如 Y，或业务名称）。")
    try:
        day = _day(raw.get("日期"))
    except ValueError as exc:
        raise _RowProblem("日期", str(exc) + "。") from None
    if day < rules.today:  # the platform books ahead on its own terms: only the past and closed days are refused
        raise _RowProblem("日期", f"{day} 已经过去。")
    try:
        hours = rules.opening.hours(day)
    except HallError as exc:  # a year whose holidays are unknown
        raise _RowProblem("日期", exc.message) from None
    if hours is None:
        raise _RowProblem("日期", f"{day} 大厅不开放。")
    slot_raw = raw.get("时段")
    slot_text = slot_raw.strftime("%H:%M") if isinstance(slot_raw, (dt.time, dt.datetime)) else _text(slot_raw)
    m = SLOT_RE.fullmatch(slot_text)
    try:
        start = _time(m.group(1)) if m else None
        end = _time(m.group(2)) if m and m.group(2) else None
    except ValueError:
        start = None
    if start is None:
        raise _RowProblem("时段", "应为 09:00-09:30 或 09:00 这样的格式。")
    if end is None:
        end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=rules.minutes)).time()
    if end <= start:
        raise _RowProblem("时段", "结束时间应晚于开始时间。")
    try:
        name, id_no, phone = check_person(_text(raw.get("姓名")), _text(raw.get("身份证号码")),
                                          _text(raw.get("手机号码")))
    except ValidationError as exc:
        raise _RowProblem(PERSON_COLUMNS[exc.field], exc.message) from None
    item_code = _text(raw.get("事项编码"))
    try:
        item_id = item_id_of(s, item_code or None)
    except HallError as exc:
        raise _RowProblem("事项编码", exc.message) from None
    return {"code": code, "queue": queue, "day": day, "start": start, "end": end, "name": name, "id_no": id_no,
            "phone": phone, "item_id": item_id}
