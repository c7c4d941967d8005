"""The hall report as an A4 PDF (reportlab, the embedded HallSans font only): the bulletin a hall manager prints.

Layout: title (“示例县政务服务中心 2026年11月 运行月报”), the statistics period, the five headline figures the
seeds quote (按时办结率、群众满意率、即办件占比、办件率、现场办结率), the 通报-style opening paragraph, the overview
table, charts drawn with reportlab.graphics (tickets per hour, satisfaction per window, case types), the warnings
to follow up (督办事项), the window / department / queue / item tables, and the definitions (统计口径).

    write_pdf(report, "11月运行月报.pdf")
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from common import clock
from common.printing.fonts import register_reportlab_fonts, reportlab_markup
from common.services.reports import (
    CASE_TYPES,
    NOTES,
    WARNING_LABELS,
    HallReport,
    fmt_as_of,
    fmt_min,
    fmt_pct,
    headline,
    key_figures,
    overview_rows,
)

INK = "#1F2D3D"
MUTED = "#5B6B7B"
ACCENT = "#1F5FA8"
HEAD_BG = "#DDE6F0"
ZEBRA = "#F5F8FB"
RULE = "#9AA9B8"
WARN = "#C0504D"
SERIES = ("#4472C4", "#ED7D31")
PIE_COLORS = ("#4472C4", "#A5A5A5", "#FFC000", "#ED7D31", "#5B9BD5", "#70AD47", "#C0504D")
MAX_WARNINGS_PER_KIND = 8
CN_NUMBERS = "一二三四五六七八九十"


def _num(value: Any, kind: str) -> str:
    if kind == "pct":
        return fmt_pct(value)
    if kind == "min":
        return fmt_min(value)
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


class _Doc:
    def __init__(self, report: HallReport):
        from reportlab.lib.styles import ParagraphStyle

        from common.printing.pdf import _fix_reportlab_kinsoku, _fix_reportlab_tounicode

        self.r = report
        self.font = register_reportlab_fonts()
        _fix_reportlab_tounicode()
        _fix_reportlab_kinsoku()
        f = self.font
        base = dict(fontName=f, wordWrap="CJK", textColor=INK)
        self.st = {
            "title": ParagraphStyle("t", fontSize=17, leading=24, alignment=1, spaceAfter=2, **base),
            "sub": ParagraphStyle("s", fontSize=8.5, leading=12, alignment=1, spaceAfter=6,
                                  **{**base, "textColor": MUTED}),
            "h": ParagraphStyle("h", fontSize=12, leading=17, spaceBefore=9, spaceAfter=4, **{**base, "textColor": ACCENT}),
            "h3": ParagraphStyle("h3", fontSize=9.5, leading=14, spaceBefore=4, spaceAfter=1, **base),
            "body": ParagraphStyle("b", fontSize=10, leading=16, firstLineIndent=20, **base),
            "cell": ParagraphStyle("c", fontSize=7.8, leading=10, **base),
            "cellr": ParagraphStyle("cr", fontSize=7.8, leading=10, alignment=2, **base),
            "warn": ParagraphStyle("w", fontSize=7.8, leading=10, **{**base, "textColor": WARN}),
            "warnr": ParagraphStyle("wr", fontSize=7.8, leading=10, alignment=2, **{**base, "textColor": WARN}),
            "head": ParagraphStyle("hd", fontSize=7.8, leading=10, alignment=1, **base),
            "item": ParagraphStyle("i", fontSize=8.8, leading=13, leftIndent=14, firstLineIndent=-14, **base),
            "note": ParagraphStyle("n", fontSize=7.6, leading=11, leftIndent=10, firstLineIndent=-10,
                                   **{**base, "textColor": MUTED}),
            "kpi_v": ParagraphStyle("kv", fontSize=16, leading=20, alignment=1, **{**base, "textColor": ACCENT}),
            "kpi_l": ParagraphStyle("kl", fontSize=8, leading=11, alignment=1, **{**base, "textColor": MUTED}),
        }
        self.sections = 0

    # ----------------------------------------------------------------- pieces

    def p(self, text: str, style: str = "body"):
        from reportlab.platypus import Paragraph

        return Paragraph("<br/>".join(reportlab_markup(line) for line in str(text).split("\n")), self.st[style])

    def heading(self, text: str):
        from reportlab.platypus import HRFlowable

        number = CN_NUMBERS[self.sections] if self.sections < len(CN_NUMBERS) else str(self.sections + 1)
        self.sections += 1
        return [self.p(f"{number}、{text}", "h"), HRFlowable(width="100%", thickness=0.6, color=RULE, spaceAfter=4)]

    def table(self, header: list[str], rows: list[list[Any]], widths_mm: list[float], *, right_from: int = 1,
              left: tuple[int, ...] = ()):
        """A table of paragraphs (so text wraps and rare characters get the fallback face). Columns from
        `right_from` on are right-aligned (figures), except those listed in `left`. A cell given as
        `(text, True)` is flagged: drawn in the warning colour."""
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Table, TableStyle

        data = [[self.p(h, "head") for h in header]]
        for row in rows:
            cells = []
            for i, v in enumerate(row):
                flagged = isinstance(v, tuple)
                text = v[0] if flagged else v
                style = "cell" if i < right_from or i in left else "cellr"
                if flagged and v[1]:
                    style = "warn" if style == "cell" else "warnr"
                cells.append(self.p(text if isinstance(text, str) else str(text), style))
            data.append(cells)
        total = sum(widths_mm)
        scale = self.width / (total * mm)
        t = Table(data, colWidths=[w * mm * scale for w in widths_mm], repeatRows=1, hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_BG)),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor(RULE)),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.HexColor(RULE)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for i in range(1, len(data)):
            if i % 2 == 0:
                style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(ZEBRA)))
        t.setStyle(TableStyle(style))
        return t

    # ----------------------------------------------------------------- sections

    def kpis(self):
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        figures = key_figures(self.r)
        data = [[self.p(fmt_pct(v), "kpi_v") for _, v in figures], [self.p(label, "kpi_l") for label, _ in figures]]
        t = Table(data, colWidths=[self.width / len(figures)] * len(figures))
        t.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(RULE)),
            ("LINEAFTER", (0, 0), (-2, -1), 0.4, colors.HexColor(RULE)),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F3F7FB")),
            ("TOPPADDING", (0, 0), (-1, 0), 5),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
        ]))
        return t

    def overview_table(self):
        rows = overview_rows(self.r)
        half = math.ceil(len(rows) / 2)
        left, right = rows[:half], rows[half:]
        data = []
        for i in range(half):
            a = left[i]
            b = right[i] if i < len(right) else ("", None, "text")
            data.append([a[0], _num(a[1], a[2]), b[0], _num(b[1], b[2]) if b[0] else ""])
        return self.table(["指标", "数值", "指标", "数值"], data, [60, 28, 60, 28], right_from=1, left=(2,))

    def charts(self) -> list:
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak, Spacer

        return [Spacer(1, 6), CondPageBreak(60 * mm), self.satisfaction_chart(), Spacer(1, 6),
                CondPageBreak(54 * mm), self.case_type_chart()]

    def drawing(self, height: float):
        from reportlab.graphics.shapes import Drawing

        d = Drawing(self.width, height)
        d.initialFontName = self.font  # else the renderer starts every drawing in (unembedded) Helvetica
        d.initialFontSize = 8
        return d

    def _axis_fonts(self, chart, size: float = 7) -> None:
        for axis in (chart.categoryAxis, chart.valueAxis):
            axis.labels.fontName = self.font
            axis.labels.fontSize = size

    def _title(self, drawing, text: str, y: float) -> None:
        from reportlab.graphics.shapes import String

        drawing.add(String(self.width / 2, y, text, fontName=self.font, fontSize=9.5, textAnchor="middle",
                           fillColor=INK))

    def hourly_chart(self):
        from reportlab.graphics.charts.barcharts import VerticalBarChart
        from reportlab.graphics.charts.legends import Legend
        from reportlab.lib import colors

        hours = self.r.hourly
        d = self.drawing(160)
        self._title(d, "分时段取号与办结（个）", 148)
        c = VerticalBarChart()
        c.x, c.y, c.width, c.height = 34, 22, self.width - 50, 112
        c.data = [[h.issued for h in hours], [h.served for h in hours]]
        c.categoryAxis.categoryNames = [f"{h.hour}时" for h in hours]
        step = _nice_step(max([1] + c.data[0] + c.data[1]))
        c.valueAxis.valueMin, c.valueAxis.valueStep = 0, step
        c.valueAxis.valueMax = step * math.ceil(max([1] + c.data[0] + c.data[1]) / step)
        c.valueAxis.visibleGrid = True
        c.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
        c.barSpacing, c.groupSpacing = 1, 6
        for i, color in enumerate(SERIES):
            c.bars[i].fillColor = colors.HexColor(color)
            c.bars[i].strokeColor = None
        self._axis_fonts(c)
        d.add(c)
        legend = Legend()
        legend.fontName, legend.fontSize = self.font, 7.5
        legend.x, legend.y = self.width - 110, 144
        legend.alignment = "right"
        legend.columnMaximum, legend.deltax = 1, 55
        legend.colorNamePairs = [(colors.HexColor(SERIES[0]), "取号"), (colors.HexColor(SERIES[1]), "办结")]
        legend.dx = legend.dy = 7
        d.add(legend)
        return d

    def satisfaction_chart(self):
        from reportlab.graphics.charts.barcharts import VerticalBarChart
        from reportlab.graphics.shapes import Line, String
        from reportlab.lib import colors

        wins = [w for w in self.r.windows if w.satisfaction is not None]
        d = self.drawing(165)
        self._title(d, "各窗口群众满意率（%，低于100%的窗口以橙色标出）", 152)
        if not wins:
            d.add(String(self.width / 2, 80, "本期无评价", fontName=self.font, fontSize=9, textAnchor="middle"))
            return d
        values = [round(w.satisfaction * 100, 2) for w in wins]
        low = min(values)
        floor = 80 if low >= 85 else max(0, int(low // 10) * 10 - 10)  # every bar keeps some height
        span = 100 - floor
        c = VerticalBarChart()
        plot = min(self.width - 50, 28 * len(wins) + 40)  # a few windows do not get fat bars
        c.x, c.y, c.width, c.height = 34 + (self.width - 50 - plot) / 2, 26, plot, 112
        c.data = [values]
        c.categoryAxis.categoryNames = [f"{w.number}号" for w in wins]
        c.valueAxis.valueMin, c.valueAxis.valueMax = floor, 100
        c.valueAxis.valueStep = 5 if span <= 20 else 10 if span <= 50 else 20
        c.valueAxis.labelTextFormat = "%d%%"
        c.valueAxis.visibleGrid = True
        c.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
        c.bars[0].strokeColor = None
        c.bars[0].fillColor = colors.HexColor("#70AD47")
        for i, v in enumerate(values):
            if v < 100:
                c.bars[(0, i)].fillColor = colors.HexColor(SERIES[1])
        self._axis_fonts(c, 6.5 if len(wins) > 18 else 7)
        d.add(c)
        d.add(Line(c.x, c.y + c.height, c.x + c.width, c.y + c.height, strokeColor=colors.HexColor(WARN),
                   strokeWidth=0.6, strokeDashArray=[2, 2]))
        return d

    def case_type_chart(self):
        from reportlab.graphics.charts.legends import Legend
        from reportlab.graphics.charts.piecharts import Pie
        from reportlab.graphics.shapes import String
        from reportlab.lib import colors

        by = self.r.overview.cases_by_type
        total = sum(by.values())
        d = self.drawing(150)
        self._title(d, "办件类型构成（七类事项办理制）", 138)
        if not total:
            d.add(String(self.width / 2, 70, "本期无办件", fontName=self.font, fontSize=9, textAnchor="middle"))
            return d
        kinds = [(ct, by.get(ct.value, 0)) for ct in CASE_TYPES]
        shown = [(ct, n) for ct, n in kinds if n]
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = self.width / 2 - 150, 12, 112, 112
        pie.data = [n for _, n in shown]
        pie.labels = [f"{n / total * 100:.1f}%" if n / total >= 0.04 else "" for _, n in shown]
        pie.simpleLabels = 1
        pie.slices.fontName, pie.slices.fontSize = self.font, 7
        pie.slices.strokeColor = colors.white
        pie.slices.strokeWidth = 0.5
        pie.slices.labelRadius = 1.18
        for i, (ct, _) in enumerate(shown):
            pie.slices[i].fillColor = colors.HexColor(PIE_COLORS[CASE_TYPES.index(ct) % len(PIE_COLORS)])
        d.add(pie)
        legend = Legend()
        legend.fontName, legend.fontSize = self.font, 8
        legend.x, legend.y = self.width / 2 + 10, 110
        legend.dx = legend.dy = 8
        legend.deltay = 13
        legend.columnMaximum = 7
        legend.alignment = "right"
        legend.colorNamePairs = [(colors.HexColor(PIE_COLORS[i % len(PIE_COLORS)]), f"{ct.label}  {n} 件")
                                 for i, (ct, n) in enumerate(kinds)]
        d.add(legend)
        return d

    def warnings(self) -> list:
        r = self.r
        out: list = []
        if not r.warnings:
            out.append(self.p("本期未发现需督办的事项。", "item"))
            return out
        for kind, label in WARNING_LABELS.items():
            ws = r.warnings_of(kind)
            if not ws:
                continue
            out.append(self.p(f"{label}（{len(ws)} 项）", "h3"))
            for i, w in enumerate(ws[:MAX_WARNINGS_PER_KIND], start=1):
                out.append(self.p(f"{i}. {w.subject}：{w.detail}", "item"))
            if len(ws) > MAX_WARNINGS_PER_KIND:
                out.append(self.p(f"……另有 {len(ws) - MAX_WARNINGS_PER_KIND} 项，详见 Excel 报表“预警督办”表。",
                                  "item"))
        if not r.outside_loop_checked:
            out.append(self.p("注：体外循环按周、月统计（统计期不少于 7 天），本期未作判断。", "note"))
        return out

    def window_table(self):
        rows = []
        for w in self.r.windows:
            if not (w.staff or w.served or w.cases):
                continue
            short = []
            if w.missed:
                short.append(f"漏评{w.missed}")
            if w.satisfaction is not None and w.satisfaction < 1:
                short.append(f"满意率{fmt_pct(w.satisfaction)}")
            rows.append([f"{w.number}号 {w.department_short}", "、".join(w.staff) or "—", f"{w.hours_on_duty:.1f}",
                         _num(w.served, "int"), fmt_min(w.service_avg_min), _num(w.cases, "int"),
                         _num(w.immediate, "int"), (fmt_pct(w.rating_rate), bool(w.missed)),
                         (fmt_pct(w.satisfaction), w.satisfaction is not None and w.satisfaction < 1),
                         (_num(w.complaints, "int"), w.complaints > 0), ("；".join(short) or "—", bool(short))])
        if not rows:
            return self.p("本期各窗口均无签到和办件记录。", "item")
        return self.table(["窗口", "工作人员", "在岗(时)", "办结号", "平均办理(分)", "办件", "即办件", "评价率",
                           "满意率", "投诉", "须书面说明"], rows, [22, 24, 11, 11, 13, 10, 10, 13, 13, 8, 33],
                          right_from=2, left=(10,))

    def department_table(self):
        rows = []
        for dep in self.r.departments:
            if not (dep.cases or dep.windows or dep.items_in_hall):
                continue
            rows.append([dep.name, _num(dep.windows, "int"), (_num(dep.cases, "int"), dep.cases == 0),
                         _num(dep.by_type.get("immediate", 0), "int"), _num(dep.by_type.get("promised", 0), "int"),
                         fmt_pct(dep.immediate_share), _num(dep.finished, "int"),
                         (fmt_pct(dep.on_time_rate), dep.on_time_rate is not None and dep.on_time_rate < 1),
                         (_num(dep.overdue_open, "int"), dep.overdue_open > 0),
                         (fmt_pct(dep.satisfaction), dep.satisfaction is not None and dep.satisfaction < 1),
                         (_num(dep.complaints, "int"), dep.complaints > 0)])
        if not rows:
            return self.p("本期无办件。", "item")
        return self.table(["部门", "窗口", "办件", "即办件", "承诺件", "即办件占比", "办结", "按时办结率", "超期",
                           "满意率", "投诉"], rows, [46, 10, 12, 12, 12, 16, 12, 16, 10, 14, 10], right_from=1)

    def queue_table(self):
        rows = [[f"{q.prefix} {q.name}", _num(q.target_wait_minutes, "int"), _num(q.issued, "int"),
                 _num(q.served, "int"), fmt_pct(q.no_show_rate), fmt_min(q.wait_avg_min), fmt_min(q.wait_p90_min),
                 fmt_pct(q.service_level), fmt_min(q.service_avg_min)] for q in self.r.queues if q.issued]
        if not rows:
            return self.p("本期无取号。", "item")
        return self.table(["队列", "目标等候(分)", "取号", "办结", "过号率", "平均等候(分)", "等候P90(分)",
                           "服务达标率", "平均办理(分)"], rows, [34, 16, 12, 12, 14, 17, 17, 17, 17], right_from=1)

    def item_table(self):
        rows = [[str(i), r.name, r.department, _num(r.cases, "int"), _num(r.immediate, "int"),
                 _num(r.finished, "int"), fmt_pct(r.on_time_rate), _num(r.repeat_applicants, "int")]
                for i, r in enumerate(self.r.items, start=1)]
        if not rows:
            return self.p("本期无办件。", "item")
        return self.table(["序号", "事项", "部门", "办件量", "即办件", "办结", "按时办结率", "两头跑(人)"], rows,
                          [9, 58, 40, 13, 13, 12, 17, 16], right_from=3)

    # ----------------------------------------------------------------- document

    def build(self) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak, KeepTogether, SimpleDocTemplate, Spacer

        r = self.r
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm, bottomMargin=16 * mm,
            title=r.title, author=r.hall_name, subject=f"{r.period.label} {r.period.title_word}", creator="GovHall",
            initialFontName=self.font, initialFontSize=10,
        )
        self.width = doc.width - 12
        generated = clock.local(r.generated_at, r.timezone)
        p = r.period
        span = _cn(p.day_from) if p.days == 1 else f"{_cn(p.day_from)}—{_cn(p.day_to)}"
        story: list = [
            self.p(r.title, "title"),
            self.p(f"统计期：{span}　｜　统计截至：{fmt_as_of(r)}　｜　生成：{generated:%Y-%m-%d %H:%M}", "sub"),
            self.kpis(),
            Spacer(1, 3 * mm),
            *self.heading("总体情况"),
            self.p(headline(r)),
            *self.heading("主要指标"),
            self.overview_table(),
            KeepTogether([*self.heading("图表"), self.hourly_chart()]),
            *self.charts(),
            CondPageBreak(50 * mm),
            *self.heading("预警与督办事项"),
            *self.warnings(),
            CondPageBreak(60 * mm),
            *self.heading("窗口运行情况"),
            self.window_table(),
            CondPageBreak(60 * mm),
            *self.heading("部门办件情况"),
            self.department_table(),
            CondPageBreak(50 * mm),
            *self.heading("排队叫号情况"),
            self.queue_table(),
            CondPageBreak(50 * mm),
            *self.heading(f"高频事项（前 {len(r.items)} 项）" if r.items else "高频事项"),
            self.item_table(),
            CondPageBreak(40 * mm),
            *self.heading("统计口径"),
            *[self.p(f"{i}. {n}", "note") for i, n in enumerate(NOTES, start=1)],
        ]
        footer = f"{r.title}"
        font = self.font

        def on_page(canv, doc_) -> None:
            canv.saveState()
            canv.setFont(font, 7.5)
            canv.setFillColor(MUTED)
            canv.drawString(15 * mm, 9 * mm, footer)
            canv.drawRightString(A4[0] - 15 * mm, 9 * mm, f"第 {doc_.page} 页")
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.4)
            canv.line(15 * mm, 12 * mm, A4[0] - 15 * mm, 12 * mm)
            canv.restoreState()

        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
        return buf.getvalue()


def _cn(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _nice_step(top: float) -> int:
    """A whole, round axis step giving at most six steps up to `top` (counts are never fractional)."""
    magnitude = 10 ** max(0, int(math.floor(math.log10(max(1.0, top)))) - 1)
    for m in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        if top / (m * magnitude) <= 6:
            return int(m * magnitude)
    return int(100 * magnitude)


def pdf_bytes(report: HallReport) -> bytes:
    return _Doc(report).build()


def write_pdf(report: HallReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf_bytes(report))
    return path


__all__ = ["pdf_bytes", "write_pdf"]
