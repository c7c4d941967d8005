"""督办报表 for hall managers and supervisors: runs the hall report on the worker (a month of events takes a moment),
shows it, and exports the shown report to Excel or PDF in `<data dir>/reports` (opened with the desktop's viewer
unless told not to)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.services.reports import REPORT_ROLES, fmt_min, fmt_pct, headline, key_figures
from counter.controllers.base import TabController
from counter.qt import QDesktopServices, QObject, QUrl, Signal
from counter.views.supervision import SupervisionView, WindowLine

EXPORT_NAMES = {"xlsx": "Excel", "pdf": "PDF"}


def can_supervise(actor: Any) -> bool:
    return actor.has(*REPORT_ROLES)


class SupervisionController(TabController):
    reportShown = Signal(object)  # HallReport (tests, self-test)
    exported = Signal(object)  # Path

    def __init__(self, services: Any, worker: Any, view: SupervisionView, actor: Any, *, reports_dir: Path,
                 open_files: bool = True, parent: QObject | None = None):
        super().__init__(services, worker, view, actor, parent)
        self.reports_dir = Path(reports_dir)
        self.open_files = open_files
        view.report = None
        view.set_busy(False)
        self.wire((view.loadRequested, self.load), (view.exportRequested, self.export))

    def first_load(self) -> None:
        """Today's 日报 (the hall's date, read on the worker)."""
        self.run(self.services.today, lambda day: (self.view.set_day(day), self.view.request_load()),
                 "正在读取大厅日期…")

    def load(self, kind: str, day: Any) -> None:
        self.run(lambda: self.services.hall_report(self.actor, kind, day), self._shown, "正在统计，请稍候…")

    def _shown(self, report: Any) -> None:
        # Windows nobody worked at in the period would fill the table with zeros; the view counts them instead.
        active = [w for w in report.windows if w.staff or w.served or w.cases]
        lines = [WindowLine([w.name, "、".join(w.staff) or "—", str(w.served), str(w.cases), str(w.immediate),
                             fmt_pct(w.rating_rate), fmt_pct(w.satisfaction), str(w.complaints),
                             "是" if w.owes_explanation else ""],
                            "；".join(w.explanation_reasons) if w.owes_explanation else "")
                 for w in active]
        self.view.show_report(report, [(label, fmt_pct(v)) for label, v in key_figures(report)], headline(report),
                              lines, len(report.windows) - len(active), detail_tables(report))
        self.view.banner.clear_message()
        self.reportShown.emit(report)

    def export(self, kind: str) -> None:
        report = self.view.report
        if report is None:
            return

        def done(path: Path) -> None:
            self.view.banner.show_message(f"已导出 {EXPORT_NAMES[kind]}：{path}", "ok")
            if self.open_files:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            self.exported.emit(path)

        self.run(lambda: self.services.export_report(report, self.reports_dir, kind), done,
                 f"正在导出 {EXPORT_NAMES[kind]}…")


def detail_tables(report: Any) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's other breakdowns as (tab title, columns, rows of text): clerks, departments, queues."""
    clerks = [[f"{c.name}（{c.staff_no}）", c.department or "—", "、".join(f"{n}号" for n in c.windows) or "—",
               f"{c.hours_on_duty:.1f} 小时", str(c.served), fmt_min(c.service_avg_min), str(c.cases), str(c.immediate),
               fmt_pct(c.rating_rate), fmt_pct(c.satisfaction), str(c.complaints)]
              for c in report.clerks]
    departments = [[d.name, str(d.windows), str(d.items_in_hall), str(d.cases), fmt_pct(d.immediate_share),
                    str(d.finished), fmt_pct(d.on_time_rate), str(d.overdue_open), fmt_pct(d.satisfaction),
                    str(d.complaints)]
                   for d in report.departments if d.cases or d.windows]
    queues = [[f"{q.prefix} {q.name}", str(q.issued), str(q.served), fmt_pct(q.no_show_rate), fmt_min(q.wait_avg_min),
               fmt_min(q.wait_p90_min), fmt_pct(q.service_level), fmt_min(q.service_avg_min)]
              for q in report.queues]
    return [
        ("人员", ["工作人员", "部门", "窗口", "在岗", "办结号", "平均办理(分)", "办件", "即办件", "评价率", "满意率", "投诉"],
         clerks),
        ("部门", ["部门", "窗口", "进驻事项", "办件", "即办件占比", "办结", "按时办结率", "超期未办结", "满意率", "投诉"],
         departments),
        ("业务队列", ["业务", "取号", "办结", "过号率", "平均等候(分)", "等候P90(分)", "服务达标率", "平均办理(分)"], queues),
    ]
