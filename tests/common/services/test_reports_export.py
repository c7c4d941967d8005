"""The report's Excel workbook and A4 PDF, from the known day of test_reports."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from common.printing.report_pdf import write_pdf
from common.services.reports import fmt_pct, month_period
from common.services.reports_xlsx import SHEET_NAMES_ALWAYS, write_xlsx
from tests.common.services.test_reports import DAY, demo_hall, play_day, report_of

POPPLER = all(shutil.which(x) for x in ("pdffonts", "pdftotext", "pdftoppm"))


@pytest.fixture
def day_report(db):
    hall = demo_hall(db)
    play_day(hall)
    return hall, report_of(hall)


def _rows(ws, header_row: int = 1) -> list[dict]:
    header = [c.value for c in ws[header_row]]
    return [dict(zip(header, (c for c in row))) for row in ws.iter_rows(min_row=header_row + 1)]


def test_xlsx_sheets_headers_values(day_report, tmp_path):
    _, report = day_report
    path = write_xlsx(report, tmp_path / "日报.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == SHEET_NAMES_ALWAYS  # a one-day report has no per-day sheet

    ov = wb["概览"]
    assert ov["A1"].value == "示例县政务服务中心 2026年11月16日 运行日报"
    assert [ov.cell(row=3, column=c).value for c in (1, 2, 3)] == ["指标", "数值", "备注"]
    assert ov.freeze_panes == "A4"
    figures = {ov.cell(row=r, column=1).value: ov.cell(row=r, column=2) for r in range(4, ov.max_row + 1)}
    assert figures["取号总数"].value == 8 and figures["办件总量"].value == 5
    assert figures["按时办结率"].value == pytest.approx(0.8) and figures["按时办结率"].number_format == "0.00%"
    assert figures["群众满意率"].value == pytest.approx(0.75)
    assert figures["即办件占比"].value == pytest.approx(0.6) and figures["现场办结率"].value == pytest.approx(0.6)
    assert figures["办结率（办件率）"].value == 1.0
    assert figures["平均等候时长（分钟）"].number_format == "0.0"
    assert figures["即办件"].value == 3 and figures["补办件"].value == 1 and figures["特办件"].value == 0

    ws = wb["按窗口"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:7] == ["窗口", "类型", "部门", "工作人员", "在岗时长（小时）", "叫号", "办结号数"]
    assert "评价率" in header and "群众满意率" in header and header[-1] == "须书面说明"
    rows = {r["窗口"].value: r for r in _rows(ws)}
    w1 = rows["1号窗口"]
    assert (w1["办结号数"].value, w1["受理办件"].value, w1["工作人员"].value) == (3, 3, "王丽")
    assert w1["评价率"].value == pytest.approx(2 / 3) and w1["评价率"].number_format == "0.00%"
    assert w1["须书面说明"].value == "漏评 1 次"
    assert ws.column_dimensions["A"].width >= 10 and ws.column_dimensions["D"].width >= 8

    q = {r["队列"].value: r for r in _rows(wb["按队列"])}
    assert q["A"]["平均等候（分钟）"].value == pytest.approx(16.5) and q["A"]["服务达标率"].value == pytest.approx(0.5)
    warn = _rows(wb["预警督办"])
    assert [r["类别"].value for r in warn] == [w.label for w in report.warnings]
    assert warn[0]["对象"].value == "J 车驾管业务"
    assert [r["办件编号"].value for r in _rows(wb["超期未办结"])] == [report.overdue[0].case_no]
    assert _rows(wb["群众两头跑"])[0]["来办次数"].value == 2
    assert _rows(wb["投诉"])[0]["类别"].value == "服务态度"

    charts = wb["图表"]._charts
    assert [type(c).__name__ for c in charts] == ["BarChart", "BarChart", "PieChart"]
    assert wb["图表"]["A1"].value == "时段"


def test_xlsx_monthly_has_daily_sheet(day_report, tmp_path):
    hall, _ = day_report
    m = month_period(DAY)
    report = report_of(hall, m.day_from, m.day_to)
    wb = load_workbook(write_xlsx(report, tmp_path / "月报.xlsx"))
    assert "逐日" in wb.sheetnames and wb.sheetnames.index("逐日") == wb.sheetnames.index("按时段") + 1
    days = _rows(wb["逐日"])
    assert len(days) == 30
    d16 = next(r for r in days if r["日期"].value.date() == DAY)
    assert (d16["取号"].value, d16["办件总量"].value, d16["星期"].value) == (8, 5, "一")


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdffonts, pdftotext, pdftoppm) not installed")
def test_pdf_embeds_fonts_and_shows_the_figures(day_report, tmp_path):
    hall, _ = day_report
    m = month_period(DAY)
    report = report_of(hall, m.day_from, m.day_to)
    pdf = write_pdf(report, tmp_path / "月报.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows, fonts
    for line in rows:
        cols = line.split()
        assert "Helvetica" not in line and "Type 1" not in line, fonts
        # name type… encoding emb sub uni id gen: emb is the 5th column from the right
        assert cols[-5] == "yes", f"font not embedded: {line}"

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "示例县政务服务中心2026年11月运行月报" in flat
    o = report.overview
    for figure in (fmt_pct(o.on_time_rate), fmt_pct(o.satisfaction), fmt_pct(o.immediate_share),
                   fmt_pct(o.finish_rate), fmt_pct(o.rating_rate)):
        assert figure in flat
    assert f"按时办结率为{fmt_pct(o.on_time_rate)}" in flat and f"群众满意率{fmt_pct(o.satisfaction)}" in flat
    for heading in ("总体情况", "主要指标", "图表", "预警与督办事项", "窗口运行情况", "部门办件情况", "排队叫号情况",
                    "统计口径", "缺岗", "只进人不办事", "群众两头跑", "超期未办结", "须书面说明", "体外循环"):
        assert heading in flat, heading
    assert "胡雪梅" in flat and "1号市场监管" in flat

    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-png", str(pdf), str(tmp_path / "p")], check=True)
    page = next(tmp_path.glob("p*.png"))
    from PIL import Image

    img = Image.open(page).convert("L")
    w, h = img.size
    assert abs(h / w - 297 / 210) < 0.02  # A4 portrait
    dark = sum(img.histogram()[:128])
    assert dark > 0.01 * w * h  # not a blank page


def test_pdf_of_an_empty_day(db, tmp_path):
    hall = demo_hall(db)
    report = report_of(hall, dt.date(2026, 11, 17), dt.date(2026, 11, 17))
    pdf = write_pdf(report, tmp_path / "空.pdf")
    assert pdf.stat().st_size > 1000
    if POPPLER:
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
        flat = re.sub(r"\s+", "", text)
        assert "本期未发现需督办的事项" in flat and "本期无办件" in flat and "本期无评价" in flat
