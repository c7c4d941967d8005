"""督办报表 in the counter app: managers and supervisors see the hall's figures and export them; clerks do not."""

from __future__ import annotations

import subprocess

from openpyxl import load_workbook

from common.services.permissions import Actor
from common.services.reports import hall_report
from counter.qt import Qt
from tests.counter.conftest import issue

K = Qt.Key


def test_a_clerk_gets_no_report_tab(hall, counters):
    c = counters(hall)
    c.login("1004", 4)
    assert c.c.supervision is None
    assert not c.w.tabs.isTabVisible(3)
    c.sign_out()


def test_supervisor_sees_todays_figures_switches_to_the_week_and_exports(hall, counters, qtbot, tmp_path):
    db = hall
    issue(db, "A", 2)
    clerk = counters(db)
    clerk.login("1004", 4)
    for _ in range(2):  # two citizens served at window 4 today
        clerk.press(K.Key_F1)
        clerk.press(K.Key_F8)
    clerk.sign_out()

    sup = counters(db, reports_dir=tmp_path / "reports")
    sup.login("1903", 0, back_office=True)  # 赵刚, 电子监察员
    assert sup.c.supervision is not None and sup.w.current_tab() == "supervision"
    assert sup.w.window_label.text() == "后台督办"
    view = sup.w.supervision
    sup.wait_until(lambda: view.report is not None and not sup.c.supervision.busy)
    report = view.report
    assert report.period.kind == "day"
    # what the screen shows is the service's report of the same day, figure for figure
    actor = sup.c.supervision.actor
    assert isinstance(actor, Actor)
    expected = hall_report(db, actor, report.site_id, report.period.day_from, report.period.day_to)
    assert report.overview.tickets_served == expected.overview.tickets_served == 2
    from common.services.reports import fmt_pct, key_figures

    assert {label: tile.value.text() for label, tile in view.tiles.items()} == {
        label: fmt_pct(value) for label, value in key_figures(expected)}
    assert "取号2个" in view.headline.text() and "办结2个" in view.headline.text()
    rows = {view.windows.item(r, 0).text(): view.windows.item(r, 2).text() for r in range(view.windows.rowCount())}
    assert rows.get("4号窗口") == "2"
    assert view.warnings.rowCount() == len(report.warnings)
    clerks = view.extra_tables["人员"]
    yang = next(r for r in range(clerks.rowCount()) if clerks.item(r, 0).text().startswith("杨帆"))
    assert clerks.item(yang, 4).text() == "2" and clerks.item(yang, 2).text() == "4号"
    queues = view.extra_tables["业务队列"]
    assert any(queues.item(r, 0).text().startswith("A ") and queues.item(r, 2).text() == "2"
               for r in range(queues.rowCount()))

    # the week's report, keyboard-free: choose 周报 and press 统计
    view.period.setCurrentIndex(1)
    qtbot.mouseClick(view.load_button, Qt.MouseButton.LeftButton)
    sup.wait_until(lambda: view.report.period.kind == "week" and not sup.c.supervision.busy)
    assert view.report.period.day_from.weekday() == 0 and "运行周报" in view.title.text()

    exported = []
    sup.c.supervision.exported.connect(exported.append)
    qtbot.mouseClick(view.xlsx_button, Qt.MouseButton.LeftButton)
    sup.wait_until(lambda: len(exported) == 1)
    qtbot.mouseClick(view.pdf_button, Qt.MouseButton.LeftButton)
    sup.wait_until(lambda: len(exported) == 2)
    xlsx, pdf = exported
    assert xlsx.parent == pdf.parent == tmp_path / "reports"
    assert str(pdf) in view.banner.text()
    assert load_workbook(xlsx).sheetnames
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "运行周报" in text and "按时办结率" in text


def test_a_lost_database_while_reporting_says_so_and_keeps_the_last_report(hall, counters):
    from common.db import DatabaseUnavailable

    sup = counters(hall, reports_dir=None)
    sup.login("1901", 0, back_office=True)  # 张建国, 中心主任
    view = sup.w.supervision
    sup.wait_until(lambda: view.report is not None and not sup.c.supervision.busy)
    shown = view.report

    def down(*_a, **_k):
        raise DatabaseUnavailable("数据库连接中断（测试）")

    sup.c.services.hall_report = down
    view.load_button.click()
    sup.wait_until(lambda: not sup.c.supervision.busy)
    assert view.banner.level == "error" and "数据库" in view.banner.text()
    assert view.report is shown and view.xlsx_button.isEnabled()
