"""The hall report as an Excel workbook (.xlsx, openpyxl): one sheet per section, Chinese headers, percentage and
minute number formats, a frozen header row, sensible column widths, and a chart sheet (tickets per hour, satisfaction
per window, case types).

    write_xlsx(report, "11月运行月报.xlsx")
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from common import clock
from common.services.reports import CASE_TYPES, NOTES, HallReport, headline, overview_rows

FORMATS = {
    "int": "0",
    "pct": "0.00%",
    "min": "0.0",
    "hours": "0.0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "@",
}
HEADER_FILL = "DDE6F0"
TITLE_SIZE = 14


@dataclass(frozen=True)
class Col:
    header: str
    get: Callable[[Any], Any]
    kind: str = "text"  # int / pct / min / hours / date / datetime / text


def _yes(flag: bool) -> str:
    return "是" if flag else ""


def _join(values) -> str:
    return "、".join(str(v) for v in values)


def _sheets(report: HallReport) -> list[tuple[str, list[Col], list[Any]]]:
    """(sheet name, columns, rows) of every table sheet, in order."""
    tz = report.timezone
    local = (lambda at: clock.local(at, tz).replace(tzinfo=None) if at else None)
    windows = [
        Col("窗口", lambda r: r.name), Col("类型", lambda r: r.kind), Col("部门", lambda r: r.department),
        Col("工作人员", lambda r: _join(r.staff)), Col("在岗时长（小时）", lambda r: r.hours_on_duty, "hours"),
        Col("叫号", lambda r: r.called, "int"), Col("办结号数", lambda r: r.served, "int"),
        Col("过号次数", lambda r: r.no_show_events, "int"),
        Col("平均办理时长（分钟）", lambda r: r.service_avg_min, "min"),
        Col("受理办件", lambda r: r.cases, "int"), Col("即办件", lambda r: r.immediate, "int"),
        Col("评价数", lambda r: r.rated, "int"), Col("未评价", lambda r: r.skipped, "int"),
        Col("漏评", lambda r: r.missed, "int"), Col("评价率", lambda r: r.rating_rate, "pct"),
        Col("群众满意率", lambda r: r.satisfaction, "pct"), Col("投诉", lambda r: r.complaints, "int"),
        Col("须书面说明", lambda r: "；".join(r.explanation_reasons)),
    ]
    clerks = [
        Col("工号", lambda r: r.staff_no), Col("姓名", lambda r: r.name), Col("部门", lambda r: r.department),
        Col("窗口", lambda r: _join(f"{n}号" for n in r.windows)),
        Col("在岗时长（小时）", lambda r: r.hours_on_duty, "hours"), Col("办结号数", lambda r: r.served, "int"),
        Col("平均办理时长（分钟）", lambda r: r.service_avg_min, "min"), Col("受理办件", lambda r: r.cases, "int"),
        Col("即办件", lambda r: r.immediate, "int"), Col("评价数", lambda r: r.rated, "int"),
        Col("漏评", lambda r: r.missed, "int"), Col("评价率", lambda r: r.rating_rate, "pct"),
        Col("群众满意率", lambda r: r.satisfaction, "pct"), Col("投诉", lambda r: r.complaints, "int"),
    ]
    departments = [
        Col("部门编码", lambda r: r.code), Col("部门", lambda r: r.name), Col("窗口数", lambda r: r.windows, "int"),
        Col("进驻事项", lambda r: r.items_in_hall, "int"), Col("办件总量", lambda r: r.cases, "int"),
        *[Col(ct.label, (lambda key: (lambda r: r.by_type.get(key, 0)))(ct.value), "int") for ct in CASE_TYPES],
        Col("即办件占比", lambda r: r.immediate_share, "pct"), Col("办结件数", lambda r: r.finished, "int"),
        Col("按时办结率", lambda r: r.on_time_rate, "pct"), Col("超期未办结", lambda r: r.overdue_open, "int"),
        Col("评价数", lambda r: r.rated, "int"), Col("群众满意率", lambda r: r.satisfaction, "pct"),
        Col("投诉", lambda r: r.complaints, "int"),
    ]
    queues = [
        Col("队列", lambda r: r.prefix), Col("业务", lambda r: r.name),
        Col("目标等候（分钟）", lambda r: r.target_wait_minutes, "int"), Col("取号", lambda r: r.issued, "int"),
        Col("办结", lambda r: r.served, "int"), Col("过号", lambda r: r.no_show, "int"),
        Col("过号率", lambda r: r.no_show_rate, "pct"), Col("平均等候（分钟）", lambda r: r.wait_avg_min, "min"),
        Col("等候 P90（分钟）", lambda r: r.wait_p90_min, "min"), Col("服务达标率", lambda r: r.service_level, "pct"),
        Col("平均办理（分钟）", lambda r: r.service_avg_min, "min"),
    ]
    items = [
        Col("事项编码", lambda r: r.code), Col("事项名称", lambda r: r.name), Col("部门", lambda r: r.department),
        Col("办件量", lambda r: r.cases, "int"), Col("即办件", lambda r: r.immediate, "int"),
        Col("办结件数", lambda r: r.finished, "int"), Col("按时办结率", lambda r: r.on_time_rate, "pct"),
        Col("两头跑人数", lambda r: r.repeat_applicants, "int"),
    ]
    hourly = [Col("时段", lambda r: f"{r.hour:02d}:00—{r.hour + 1:02d}:00"), Col("取号", lambda r: r.issued, "int"),
              Col("办结", lambda r: r.served, "int")]
    daily = [
        Col("日期", lambda r: r.day, "date"), Col("星期", lambda r: "一二三四五六日"[r.day.weekday()]),
        Col("取号", lambda r: r.issued, "int"), Col("办结号数", lambda r: r.served, "int"),
        Col("过号", lambda r: r.no_show, "int"), Col("办件总量", lambda r: r.cases, "int"),
        Col("即办件", lambda r: r.immediate, "int"), Col("办结件数", lambda r: r.finished, "int"),
        Col("按时办结", lambda r: r.on_time, "int"), Col("评价数", lambda r: r.rated, "int"),
        Col("群众满意率", lambda r: r.satisfaction, "pct"),
    ]
    warnings = [Col("类别", lambda r: r.label), Col("对象", lambda r: r.subject), Col("日期", lambda r: r.day, "date"),
                Col("说明", lambda r: r.detail)]
    overdue = [
        Col("办件编号", lambda r: r.case_no), Col("事项", lambda r: r.item), Col("部门", lambda r: r.department),
        Col("类型", lambda r: r.case_type), Col("受理日期", lambda r: r.accepted_day, "date"),
        Col("办理期限", lambda r: r.deadline, "date"), Col("逾期工作日", lambda r: r.overdue_working_days, "int"),
        Col("受理窗口", lambda r: r.window),
    ]
    repeats = [
        Col("申请人", lambda r: r.applicant), Col("证件号", lambda r: r.id_no), Col("事项", lambda r: r.item),
        Col("部门", lambda r: r.department), Col("来办次数", lambda r: r.visits, "int"),
        Col("办件编号", lambda r: _join(r.case_nos)), Col("办理经过", lambda r: "→".join(r.types)),
    ]
    batch = [
        Col("办件编号", lambda r: r.case_no), Col("事项", lambda r: r.item), Col("工号", lambda r: r.staff_no),
        Col("姓名", lambda r: r.staff), Col("办理时间", lambda r: local(r.served_at), "datetime"),
        Col("录入时间", lambda r: local(r.entered_at), "datetime"), Col("滞后（小时）", lambda r: r.lag_hours, "hours"),
        Col("问题", lambda r: "；".join(r.reasons)),
    ]
    complaints = [
        Col("投诉编号", lambda r: r.ref_no), Col("时间", lambda r: local(r.created_at), "datetime"),
        Col("类别", lambda r: r.category), Col("窗口", lambda r: r.window), Col("工作人员", lambda r: r.staff),
        Col("状态", lambda r: r.status), Col("内容", lambda r: r.text),
    ]
    sheets = [
        ("按窗口", windows, report.windows),
        ("按工作人员", clerks, report.clerks),
        ("按部门", departments, report.departments),
        ("按队列", queues, report.queues),
        ("按事项", items, report.items),
        ("按时段", hourly, report.hourly),
    ]
    if report.period.days > 1:
        sheets.append(("逐日", daily, report.daily))
    sheets += [
        ("预警督办", warnings, report.warnings),
        ("超期未办结", overdue, report.overdue),
        ("群众两头跑", repeats, report.repeat_visits),
        ("即办即录", batch, report.batch_entries),
        ("投诉", complaints, report.complaints),
    ]
    return sheets


def _width(value: Any) -> int:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _style_header(ws, row: int, ncols: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin, top=thin, left=thin, right=thin)


def _fit_columns(ws, widths: dict[int, int]) -> None:
    from openpyxl.utils import get_column_letter

    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(6, min(60, w + 2))


def _table(ws, cols: list[Col], rows: list[Any], *, header_row: int = 1) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for c, col in enumerate(cols, start=1):
        ws.cell(row=header_row, column=c, value=col.header)
        widths[c] = _width(col.header)
    _style_header(ws, header_row, len(cols))
    for r, item in enumerate(rows, start=header_row + 1):
        for c, col in enumerate(cols, start=1):
            value = col.get(item)
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            cell = ws.cell(row=r, column=c, value=value)
            if value is not None and col.kind != "text":
                cell.number_format = FORMATS[col.kind]
            shown = value
            if col.kind == "pct" and isinstance(value, float):
                shown = f"{value * 100:.2f}%"
            elif col.kind in ("min", "hours") and isinstance(value, float):
                shown = f"{value:.1f}"
            elif col.kind == "datetime":
                shown = "0000-00-00 00:00"
            widths[c] = max(widths[c], _width(shown))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(cols))}{header_row + len(rows)}"
    _fit_columns(ws, widths)


def _overview_sheet(ws, report: HallReport) -> None:
    from openpyxl.styles import Alignment, Font

    ws.title = "概览"
    ws["A1"] = report.title
    ws["A1"].font = Font(bold=True, size=TITLE_SIZE)
    ws.merge_cells("A1:C1")
    local = clock.local(report.generated_at, report.timezone)
    p = report.period
    ws["A2"] = (f"统计期：{p.day_from:%Y-%m-%d} 至 {p.day_to:%Y-%m-%d}　生成时间：{local:%Y-%m-%d %H:%M}　"
                "数据来源：叫号、办件、评价事件记录")
    ws.merge_cells("A2:C2")
    ws["A3"], ws["B3"], ws["C3"] = "指标", "数值", "备注"
    _style_header(ws, 3, 3)
    r = 4
    for label, value, kind in overview_rows(report):
        ws.cell(row=r, column=1, value=label)
        cell = ws.cell(row=r, column=2, value=value)
        if value is not None:
            cell.number_format = FORMATS[kind]
        else:
            cell.value = "—"
            cell.alignment = Alignment(horizontal="right")
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="总体情况").font = Font(bold=True)
    r += 1
    ws.cell(row=r, column=1, value=headline(report)).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
    ws.row_dimensions[r].height = 75
    r += 2
    ws.cell(row=r, column=1, value="统计口径").font = Font(bold=True)
    for note in NOTES:
        r += 1
        ws.cell(row=r, column=1, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        ws.row_dimensions[r].height = 30 if _width(note) < 110 else 45
    ws.freeze_panes = "A4"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 60


def _chart_sheet(wb, report: HallReport) -> None:
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList

    ws = wb.create_sheet("图表")
    # data for the charts, left; the charts, right
    ws.append(["时段", "取号", "办结"])
    for h in report.hourly:
        ws.append([f"{h.hour:02d}时", h.issued, h.served])
    n_hours = len(report.hourly)
    _style_header(ws, 1, 3)
    ws.freeze_panes = "A2"

    bar = BarChart()
    bar.type = "col"
    bar.title = "分时段取号与办结"
    bar.y_axis.title = "号数"
    bar.x_axis.title = "时段"
    bar.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=1 + n_hours), titles_from_data=True)
    bar.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + n_hours))
    bar.height, bar.width = 8, 18
    ws.add_chart(bar, "F2")

    top = n_hours + 3
    ws.cell(row=top, column=1, value="窗口")
    ws.cell(row=top, column=2, value="群众满意率")
    _style_header(ws, top, 2)
    rated = [w for w in report.windows if w.satisfaction is not None]
    for i, w in enumerate(rated, start=1):
        ws.cell(row=top + i, column=1, value=f"{w.number}号")
        ws.cell(row=top + i, column=2, value=w.satisfaction).number_format = FORMATS["pct"]
    sat = BarChart()
    sat.type = "col"
    sat.title = "各窗口群众满意率"
    sat.y_axis.scaling.min = 0
    sat.y_axis.scaling.max = 1
    sat.y_axis.number_format = "0%"
    sat.legend = None
    if rated:
        sat.add_data(Reference(ws, min_col=2, min_row=top, max_row=top + len(rated)), titles_from_data=True)
        sat.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(rated)))
    sat.height, sat.width = 8, 18
    ws.add_chart(sat, "F20")

    top2 = top + len(rated) + 2
    ws.cell(row=top2, column=1, value="办件类型")
    ws.cell(row=top2, column=2, value="件数")
    _style_header(ws, top2, 2)
    for i, ct in enumerate(CASE_TYPES, start=1):
        ws.cell(row=top2 + i, column=1, value=ct.label)
        ws.cell(row=top2 + i, column=2, value=report.overview.cases_by_type.get(ct.value, 0))
    pie = PieChart()
    pie.title = "办件类型构成（七类事项）"
    pie.add_data(Reference(ws, min_col=2, min_row=top2, max_row=top2 + len(CASE_TYPES)), titles_from_data=True)
    pie.set_categories(Reference(ws, min_col=1, min_row=top2 + 1, max_row=top2 + len(CASE_TYPES)))
    pie.dataLabels = DataLabelList()
    pie.dataLabels.showPercent = True
    pie.height, pie.width = 9, 14
    ws.add_chart(pie, "F38")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 10


def report_workbook(report: HallReport):
    from openpyxl import Workbook

    wb = Workbook()
    _overview_sheet(wb.active, report)
    for name, cols, rows in _sheets(report):
        _table(wb.create_sheet(name), cols, rows)
    _chart_sheet(wb, report)
    wb.properties.title = report.title
    wb.properties.creator = "GovHall"
    wb.properties.subject = f"{report.period.label} {report.period.title_word}"
    return wb


def xlsx_bytes(report: HallReport) -> bytes:
    buf = io.BytesIO()
    report_workbook(report).save(buf)
    return buf.getvalue()


def write_xlsx(report: HallReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx_bytes(report))
    return path


SHEET_NAMES_ALWAYS = ["概览", "按窗口", "按工作人员", "按部门", "按队列", "按事项", "按时段", "预警督办", "超期未办结",
                      "群众两头跑", "即办即录", "投诉", "图表"]

__all__ = ["SHEET_NAMES_ALWAYS", "report_workbook", "write_xlsx", "xlsx_bytes"]
