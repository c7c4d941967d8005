"""督办报表 for hall managers and supervisors: runs the hall report on the worker (a month of events takes a moment),
shows it, and exports the shown report to Excel or PDF in `<data dir>/reports` (opened with the desktop's viewer
unless told not to)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.services.reports import REPORT_ROLES, fmt_pct, headline, key_figures
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
                              lines, len(report.windows) - len(active))
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
