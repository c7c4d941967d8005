"""Drives the counter's 办件 screens like a clerk (keys and clicks on the real widgets), and reads the database
back for the checks. Used by tests/counter/test_cases_*.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from common.db.models import Case, CaseEvent, CaseTask, ClockStop, Department, DocumentPrint
from counter.qt import QApplication, Qt
from tests.counter.conftest import Counter, type_text

K = Qt.Key


def notice_output(tmp_path) -> Any:
    """The window's notice output in tests: the dummy receipt printer and a PDF folder under tmp_path."""
    from common.printing.backends import PrinterSettings, reset_dummy
    from counter.services import NoticeOutput

    reset_dummy()
    return NoticeOutput(PrinterSettings(kind="dummy"), tmp_path / "notices")


class Clerk:
    """The 办件 side of one counter app."""

    def __init__(self, counter: Counter):
        self.t = counter
        self.qtbot = counter.qtbot

    @property
    def cases(self):
        assert self.t.c.cases is not None, "no case controller (not signed in)"
        return self.t.c.cases

    def dialog(self, cls: str):
        self.t.wait_until(lambda: self.cases.dialog is not None and type(self.cases.dialog).__name__ == cls)
        d = self.cases.dialog
        self.qtbot.waitExposed(d)
        self.t.activate(d)
        return d

    def click(self, widget) -> None:
        assert widget.isEnabled(), f"{widget.objectName() or widget.text()} is disabled"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.t.settle()

    # -- 受理 ------------------------------------------------------------------------------------------

    def open_intake(self):
        self.t.press(K.Key_F12)
        d = self.dialog("IntakeDialog")
        self.t.wait_until(lambda: self.cases.index is not None)
        return d

    def pick_item(self, d, query: str, code: str, chinese: bool = False) -> None:
        """Type the query (Chinese through the input method, else pinyin keys), ↓ to the hit, Enter."""
        d.search.setFocus()
        d.search.clear()
        if chinese:
            type_text(d.search, query)
        else:
            self.qtbot.keyClicks(d.search, query)
        self.t.wait_until(lambda: any(h.code == code for h in d.hits))
        index = next(i for i, h in enumerate(d.hits) if h.code == code)
        self.qtbot.keyClick(d.search, K.Key_Down)  # into the result list, first row
        for _ in range(index):
            self.qtbot.keyClick(d.results, K.Key_Down)
        assert d.results.currentRow() == index
        self.qtbot.keyClick(d.results, K.Key_Return)
        self.t.wait_until(lambda: d.checklist is not None and d.checklist.item_code == code)

    def pick_bundle_item(self, d, bundle_name: str, code: str) -> None:
        """By 一件事: choose the bundle in the combo, then its item in the list, Enter."""
        box = d.bundle_box
        index = next(i for i in range(box.count()) if box.itemText(i).startswith(bundle_name))
        box.setCurrentIndex(index)
        box.activated.emit(index)  # what choosing it from the popup does
        self.t.wait_until(lambda: d._bundle_items is not None)
        row = next(i for i, it in enumerate(d._bundle_items) if it.code == code)
        d.results.setFocus()
        d.results.setCurrentRow(0)
        for _ in range(row):
            self.qtbot.keyClick(d.results, K.Key_Down)
        self.qtbot.keyClick(d.results, K.Key_Return)
        self.t.wait_until(lambda: d.checklist is not None and d.checklist.item_code == code)

    def applicant(self, d, name: str, id_no: str, phone: str = "", *, enterprise: bool = False,
                  agent: tuple[str, str] | None = None) -> None:
        self.click(d.enterprise if enterprise else d.person)
        for edit, text in ((d.name, name), (d.id_no, id_no), (d.phone, phone)):
            edit.clear()
            if text:
                type_text(edit, text)
        if agent:
            if not d.has_agent.isChecked():
                self.click(d.has_agent)
            type_text(d.agent_name, agent[0])
            self.qtbot.keyClicks(d.agent_id, agent[1])

    def tick_all_but(self, d, *names: str) -> None:
        """全部已收 (Alt+A), then Space on the rows of the materials not handed in."""
        self.click(d.all_button)
        for name in names:
            row = next(i for i, m in enumerate(d.checklist.materials) if m.name == name)
            d.materials.setFocus()
            d.materials.setCurrentCell(row, 0)
            self.qtbot.keyClick(d.materials, K.Key_Space)
            assert d.materials.item(row, 0).checkState() == Qt.CheckState.Unchecked

    def defer(self, d, name: str) -> None:
        """容缺后补: Space in the 容缺 column of that row."""
        row = next(i for i, m in enumerate(d.checklist.materials) if m.name == name)
        d.materials.setFocus()
        d.materials.setCurrentCell(row, 3)
        self.qtbot.keyClick(d.materials, K.Key_Space)
        assert d.materials.item(row, 3).checkState() == Qt.CheckState.Checked

    def choose_type(self, d, key: str, *, keyboard: bool = False) -> None:
        if keyboard:  # Alt+1 … Alt+7
            from counter.views.intake import CASE_TYPES

            n = [k for k, _l, _h in CASE_TYPES].index(key) + 1
            self.qtbot.keyClick(d, getattr(K, f"Key_{n}"), Qt.KeyboardModifier.AltModifier)
            self.t.settle()
        else:
            self.click(d.type_radios[key])
        assert d.case_type() == key

    def wait_preview(self, d, needle: str) -> str:
        self.t.wait_until(lambda: not self.cases.preview_timer.isActive() and needle in d.preview.text())
        return d.preview.text()

    def submit(self, d) -> Any:
        """Ctrl+Enter; returns the notice dialog that follows."""
        before = self.cases.last_outcome
        self.t.activate(d)
        self.qtbot.keyClick(d, K.Key_Return, Qt.KeyboardModifier.ControlModifier)
        self.t.settle()
        self.t.wait_until(lambda: self.cases.last_outcome is not before or d.error.isVisible())
        assert self.cases.last_outcome is not before, f"intake failed: {d.error.text()}"
        return self.dialog("NoticeDialog")

    def finish_dialog(self, d) -> None:
        self.click(d.ok_button)
        self.t.wait_until(lambda: self.cases.dialog is None)

    # -- the 办件 tab -----------------------------------------------------------------------------------

    def find(self, case_no: str) -> Any:
        """Ctrl+2, type the number (or a QR payload), Enter: the detail is shown."""
        self.t.activate()
        self.qtbot.keyClick(self.t.w.workspace if self.t.c.workspace else self.t.w.cases, K.Key_2,
                            Qt.KeyboardModifier.ControlModifier)
        assert self.t.w.current_tab() == "cases"
        desk = self.t.w.cases
        desk.search.clear()
        self.qtbot.keyClicks(desk.search, case_no)
        self.qtbot.keyClick(desk.search, K.Key_Return)
        self.t.wait_until(lambda: desk.detail.detail is not None and desk.detail.detail.case_no in case_no)
        return desk.detail

    def action(self, key: str) -> None:
        self.click(self.t.w.cases.detail.buttons[key])

    def shown(self) -> Any:
        return self.t.w.cases.detail.detail

    def wait_status(self, status: str) -> Any:
        self.t.wait_until(lambda: self.shown() is not None and self.shown().status == status)
        return self.shown()


# --------------------------------------------------------------------------------------------- the database


def today(db) -> dt.date:
    from common import clock
    from common.services.sites import resolve_site

    return clock.business_day(clock.utcnow(), resolve_site(db).timezone)


def deadline_after(db, days: int) -> dt.date:
    """THE deadline rule (`compute_deadline`) on the hall's working calendar, from today."""
    from common.services.calendar import load_working_calendar
    from common.services.cases import compute_deadline
    from common.services.sites import resolve_site

    return compute_deadline(load_working_calendar(db, resolve_site(db).id), today(db), days)


def case(db, case_no: str) -> dict:
    with db.read() as s:
        c = s.scalar(select(Case).where(Case.case_no == case_no))
        assert c is not None, case_no
        return {
            "id": c.id, "status": str(c.status.value), "type": str(c.case_type.value), "deadline": c.deadline,
            "days_limit": c.days_limit, "accepted_day": c.accepted_day, "ticket_id": c.ticket_id,
            "urgent": c.urgent, "window_id": c.accepting_window_id, "reject_reason": c.reject_reason,
            "escalated_to": c.escalated_to, "commitment": c.commitment_signed, "delivery": c.delivery.value,
            "tracking_no": c.tracking_no, "applicant": c.applicant_name, "agent": c.agent_name,
            "missing": [m.name for m in c.materials if m.required and not m.provided],
            "deferred": {m.name: m.deferred_until for m in c.materials if m.deferred_until},
        }


def events(db, case_no: str) -> list[str]:
    with db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.case_no == case_no))
        return list(s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == cid).order_by(CaseEvent.id)))


def event_data(db, case_no: str, kind: str) -> dict:
    with db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.case_no == case_no))
        return dict(s.scalar(select(CaseEvent.data).where(CaseEvent.case_id == cid, CaseEvent.kind == kind)
                             .order_by(CaseEvent.id.desc()).limit(1)) or {})


def prints(db, case_no: str) -> list[tuple[str, int]]:
    with db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.case_no == case_no))
        return [tuple(r) for r in s.execute(select(DocumentPrint.document, DocumentPrint.copy_no)
                                            .where(DocumentPrint.case_id == cid).order_by(DocumentPrint.id))]


def tasks(db, case_no: str) -> list[tuple[str, str, bool, dt.date | None]]:
    """(department code, status, lead, deadline) per task."""
    with db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.case_no == case_no))
        rows = s.execute(select(Department.code, CaseTask.status, CaseTask.lead, CaseTask.deadline)
                         .join(Department, Department.id == CaseTask.department_id)
                         .where(CaseTask.case_id == cid).order_by(CaseTask.id)).all()
        return [(code, st.value, lead, deadline) for code, st, lead, deadline in rows]


def clock_stops(db, case_no: str) -> list[tuple[str, bool]]:
    with db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.case_no == case_no))
        return [(r.value, ended is not None) for r, ended in s.execute(
            select(ClockStop.reason, ClockStop.ended_at).where(ClockStop.case_id == cid).order_by(ClockStop.id))]


def process() -> None:
    QApplication.processEvents()
