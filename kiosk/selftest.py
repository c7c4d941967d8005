"""`hall-kiosk --self-test` and `--screenshots DIR`: visit every screen with real widgets and a real database.

The tour drives the controller the way a citizen would (取号 → queue → priority → phone → ticket),
issues one real ticket, then shows a printer failure and the admin PIN screen; then the service guide (search by
initials and by words, departments, 一件事, an item and a bundle page, the printed 一次性告知单), the progress
lookup (keypad, a wrong code, a real case's progress), the complaint form and the appointment check-in.
Each screen can be grabbed in Chinese, English and elderly mode (QWidget.grab → PNG).

With the temporary demo hall the tour also creates a case (as a clerk would at the counter), an appointment and a
complaint; with a given database it only reads (and issues the one ticket).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from common.db import DatabaseUnavailable
from kiosk import i18n
from kiosk.controller import KioskController, KioskOptions
from kiosk.printing import PrintFailed
from kiosk.qt import QApplication
from kiosk.services import KioskServices
from kiosk.views.home import COMING_SOON, FEATURES
from kiosk.window import LANDSCAPE, PORTRAIT

MODES = ("zh", "en", "elderly")
SAMPLE_PHONE = "13812345678"


class TourPrinter:
    """Records slips instead of printing (a self-test must not feed paper); can be told to fail."""

    enabled = True

    def __init__(self) -> None:
        self.slips: list[Any] = []
        self.documents: list[list[Any]] = []  # layout blocks of other documents (告知单, 投诉回执)
        self.fail_with: str | None = None

    def print_slip(self, slip: Any) -> None:
        if self.fail_with:
            raise PrintFailed(self.fail_with)
        self.slips.append(slip)

    def print_blocks(self, blocks: list[Any]) -> None:
        if self.fail_with:
            raise PrintFailed(self.fail_with)
        self.documents.append(list(blocks))


@dataclass(frozen=True)
class DemoExtras:
    """Records the tour creates in the temporary demo hall (never in a given database)."""

    case_no: str = ""
    check_code: str = ""
    appointment_code: str = ""


def prepare_demo_extras(url: str, at: dt.datetime) -> DemoExtras:
    """A 承诺件 with one 容缺 material (accepted by clerk 1001 through the case services) and an appointment today."""
    from common.db import open_database
    from common.db.models import Appointment, Queue
    from common.services import cases
    from common.services.auth import login
    from common.services.demo import DEMO_PASSWORD
    from common.services.sites import resolve_site
    from common.clock import business_day
    from common.validation import id_check_char

    db = open_database(url)
    try:
        clerk = login(db, "1001", DEMO_PASSWORD, now=at)
        checklist = cases.intake_checklist(db, "SCJGJ-010")
        later = {m.material_id for m in checklist.materials if m.name == "从业人员健康证明"}
        provided = {m.material_id for m in checklist.materials if m.required and m.material_id not in later}
        day = business_day(at, resolve_site(db).timezone)
        first17 = "11010519491231002"
        request = cases.IntakeRequest(
            item_code="SCJGJ-010", applicant=cases.ApplicantInput("person", "张小三", first17 + id_check_char(first17),
                                                                  "13812345678"),
            provided_material_ids=frozenset(provided), deferred={mid: day + dt.timedelta(days=14) for mid in later})
        case = cases.accept_promised(db, clerk, request, now=at)
        site = resolve_site(db)
        with db.write() as s:
            from sqlalchemy import select

            queue_id = s.scalar(select(Queue.id).where(Queue.site_id == site.id, Queue.prefix == "Y"))
            s.add(Appointment(site_id=site.id, queue_id=queue_id, code="YY2468AB", day=day, slot_start=dt.time(10, 30),
                              slot_end=dt.time(11, 0), applicant_name="李四", phone="13900001111"))
        return DemoExtras(case.case_no, case.check_code, "YY2468AB")
    finally:
        db.dispose()


@dataclass
class TourResult:
    shown: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    ticket: Any = None

    @property
    def ok(self) -> bool:
        return not self.failures


def prepare_database(db_url: str | None, site: str | None = None
                     ) -> tuple[str, tempfile.TemporaryDirectory | None, Callable[[], dt.datetime] | None]:
    """The given database (real time), or a temporary SQLite file holding the demo hall.

    For the demo hall the tour's clock is pinned to a moment when the hall takes numbers (10:00 local on
    the first day from today with an open queue), so the self-test passes at night and on Sundays too.
    """
    if db_url:
        return db_url, None, None
    from common.db import open_database

    tmp = tempfile.TemporaryDirectory(prefix="hall-kiosk-selftest-")
    url = f"sqlite:///{Path(tmp.name) / 'hall.db'}"
    db = open_database(url)
    try:
        load_demo(db)
        at = opening_moment(db, site)
    finally:
        db.dispose()
    return url, tmp, (lambda: at)


def opening_moment(db: Any, site: str | None = None, *, days: int = 14) -> dt.datetime:
    """10:00 local on the first day (from today) when the hall has a queue open for walk-up tickets."""
    from common.clock import utcnow, zone
    from common.services.queue import list_queue_status
    from common.services.sites import resolve_site

    info = resolve_site(db, site)
    today = utcnow().astimezone(zone(info.timezone)).date()
    for offset in range(days):
        at = dt.datetime.combine(today + dt.timedelta(days=offset), dt.time(10, 0), zone(info.timezone))
        if any(q.is_open and not q.appointment_only for q in list_queue_status(db, info.id, now=at)):
            return at.astimezone(dt.timezone.utc)
    return utcnow()


def load_demo(db: Any) -> None:
    from common.services.demo import load_demo_hall

    load_demo_hall(db)


class Tour:
    def __init__(self, controller: KioskController, printer: TourPrinter, out_dir: Path | None = None,
                 modes: tuple[str, ...] = ("zh",), extras: DemoExtras | None = None):
        self.c = controller
        self.w = controller.window
        self.printer = printer
        self.out_dir = out_dir
        self.modes = modes
        self.extras = extras  # None: a given database, read only
        self.result = TourResult()

    # -- helpers --------------------------------------------------------------------------------

    def _settle(self) -> None:
        if not self.c.wait_idle():
            raise RuntimeError("后台任务超时未完成")
        for _ in range(3):
            QApplication.processEvents()

    def _set_mode(self, mode: str) -> None:
        i18n.set_language(i18n.EN if mode == "en" else i18n.ZH)
        self.c.set_elderly(mode == "elderly")  # also retranslates
        self._settle()

    def capture(self, name: str, expected_view: Any = None, modes: tuple[str, ...] | None = None) -> None:
        """Check the expected screen is up, then grab it in each mode."""
        if expected_view is not None and self.w.current_view() is not expected_view:
            raise AssertionError(f"应显示 {expected_view.name}，实际为 {self.w.current_view().name}")
        self.result.shown.append(name)
        for mode in modes or self.modes:
            self._set_mode(mode)
            pixmap = self.w.grab()
            if pixmap.isNull() or pixmap.width() < 100:
                raise AssertionError(f"{name}_{mode}: 截图为空")
            if self.out_dir is not None:
                path = self.out_dir / f"{name}_{mode}.png"
                if not pixmap.save(str(path), "PNG"):
                    raise OSError(f"无法保存 {path}")
                self.result.saved.append(path)
        self._set_mode("zh")

    def step(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - report every failed screen, then carry on
            self.result.failures.append(f"{name}: {exc!r}\n{traceback.format_exc()}")

    # -- the tour -------------------------------------------------------------------------------

    def run(self) -> TourResult:
        c, w = self.c, self.w
        self._settle()  # the hall name
        self.step("home", lambda: self.capture("home", w.home))
        for key, _title, _sub in FEATURES:
            if key in COMING_SOON:
                self.step(f"placeholder_{key}", lambda key=key: self._feature(key))
        self.step("queues", self._queues)
        self.step("priority", self._priority)
        self.step("phone", self._phone)
        self.step("ticket", self._ticket)
        self.step("error_printer", self._printer_error)
        self.step("error_db", self._db_error)
        self.step("admin", self._admin)
        self.step("guide", self._guide)
        self.step("guide_browse", self._guide_browse)
        self.step("item_guide", self._item_guide)
        self.step("bundle_guide", self._bundle_guide)
        self.step("lookup", self._lookup)
        self.step("progress", self._progress)
        self.step("complaint", self._complaint)
        self.step("checkin", self._checkin)
        self.step("portrait", self._portrait)
        c.go_home()
        return self.result

    def _feature(self, key: str) -> None:
        self.c.go_home()
        self.w.home.featureRequested.emit(key)
        self.capture(f"placeholder_{key}", self.w.placeholder, modes=self.modes[:1] if key != "lookup" else None)

    def _queues(self) -> None:
        self.c.go_home()
        self.w.home.take_tile.click()
        self._settle()
        if self.w.message_bar.level == "error":
            raise RuntimeError(self.w.message_bar.text())
        if not self.w.queues.tiles:
            raise RuntimeError("没有任何业务队列")
        self.capture("queues", self.w.queues)

    def _priority(self) -> None:
        tile = next((t for t in self.w.queues.tiles if t.isEnabled()), None)
        if tile is None:
            raise RuntimeError("没有可取号的业务队列")
        tile.click()
        self.capture("priority", self.w.priority)

    def _phone(self) -> None:
        self.w.priority.buttons[next(iter(self.w.priority.buttons))].click()
        for digit in SAMPLE_PHONE:
            self.w.phone.keypad.digit_buttons[digit].click()
        self.capture("phone", self.w.phone)

    def _ticket(self) -> None:
        self.w.phone.confirm_button.click()
        self._settle()
        if self.w.current_view() is not self.w.ticket:
            raise RuntimeError(f"未能取号：{self.w.message_bar.text()}")
        self.result.ticket = self.c.ticket
        self.c.countdown_timer.stop()
        self.capture("ticket", self.w.ticket)

    def _printer_error(self) -> None:
        if self.c.ticket is None:
            raise RuntimeError("没有号票，无法演示打印故障")
        self.printer.fail_with = "打印机缺纸，请联系工作人员更换纸卷"
        try:
            self.c.reprint()
            self._settle()
            self.c.countdown_timer.stop()
            if self.w.ticket.status_label.property("level") != "error":
                raise AssertionError("打印故障未显示")
            self.capture("error_printer", self.w.ticket)
        finally:
            self.printer.fail_with = None

    def _db_error(self) -> None:
        self.c.go_home()
        self.c.show_error(DatabaseUnavailable(
            "无法连接数据库（postgresql+psycopg://hall@10.0.0.5/hall），请检查网络或数据库服务，或联系工作人员。"))
        self.capture("error_db", self.w.home, modes=("zh",))
        self.w.message_bar.clear_message()

    def _admin(self) -> None:
        self.c.go_home()
        self.w.header.adminRequested.emit()
        for digit in "1234":
            self.w.admin.keypad.digit_buttons[digit].click()
        self.capture("admin", self.w.admin, modes=("zh",))

    # -- 事项查询

    def _open(self, key: str, view: Any) -> None:
        self.c.go_home()
        self.w.home.feature_tiles[key].click()
        self._settle()
        if self.w.current_view() is not view:
            raise RuntimeError(f"未能打开{view.name}：{self.w.message_bar.text()}")

    def _guide(self) -> None:
        g = self.w.guide
        self._open("lookup", g)
        self.capture("guide", g)
        for letter in "SFZ":
            g.keypad.key_buttons[letter].click()
        self.capture("guide_search", g)
        g.chips["生孩子"].click()
        self.capture("guide_words", g)

    def _guide_browse(self) -> None:
        self._open("lookup", self.w.guide)
        self.w.guide.browse_buttons["departments"].click()
        self._settle()
        self.capture("guide_departments", self.w.guide_list)
        tiles = self.w.guide_list.list.visible_tiles()
        if tiles:
            tiles[0].click()
            self._settle()
            self.capture("guide_department_items", self.w.guide_list)
        self.w.guide_list.back_button.click()
        self.w.guide_list.back_button.click()
        self._settle()
        self.w.guide.browse_buttons["bundles"].click()
        self._settle()
        self.capture("guide_bundles", self.w.guide_list)

    def _item_guide(self) -> None:
        self._open("lookup", self.w.guide)
        tiles = self.w.guide.results.visible_tiles()  # the high-frequency items
        if not tiles:
            self.result.shown.append("item_guide（事项目录为空，跳过）")
            return
        tiles[0].click()
        self._settle()
        view = self.w.item_guide
        self.capture("item_guide", view)
        bar = view.scroll.verticalScrollBar()
        bar.setValue(bar.maximum() // 2)
        self.capture("item_guide_scrolled", view, modes=self.modes[:1])
        bar.setValue(0)
        view.print_button.click()
        self._settle()
        if view.status_label.property("level") != "ok":
            raise AssertionError(f"告知单未打印：{view.status_label.text()}")
        self.capture("item_guide_printed", view)

    def _bundle_guide(self) -> None:
        self._open("lookup", self.w.guide)
        self.w.guide.browse_buttons["bundles"].click()
        self._settle()
        tiles = self.w.guide_list.list.visible_tiles()
        if not tiles:
            self.result.shown.append("bundle_guide（没有一件事，跳过）")
            return
        tiles[0].click()
        self._settle()
        self.capture("bundle_guide", self.w.bundle_guide)
        bar = self.w.bundle_guide.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.capture("bundle_guide_materials", self.w.bundle_guide, modes=self.modes[:1])

    # -- 进度查询

    def _lookup(self) -> None:
        view = self.w.lookup
        self._open("progress", view)
        self.capture("lookup", view)
        for ch in "2026010100001":
            view.keypad.key_buttons[ch].click()
        view.code_field.click()
        for ch in "ABC234":
            view.keypad.key_buttons[ch].click()
        self.capture("lookup_keypad", view)
        view.submit_button.click()
        self._settle()
        if not view.error_label.text():
            raise AssertionError("错误的查询码未提示")
        self.capture("lookup_error", view)

    def _progress(self) -> None:
        if self.extras is None or not self.extras.case_no:
            self.result.shown.append("progress（给定数据库不创建办件，跳过）")
            return
        self._open("progress", self.w.lookup)
        self.c.on_scanned(f"GH1|C|{self.extras.case_no}|{self.extras.check_code}")
        self._settle()
        self.capture("progress", self.w.progress)

    # -- 投诉与建议

    def _complaint(self) -> None:
        view = self.w.complaint
        self._open("feedback", view)
        self.capture("complaint_category", view)
        next(iter(view.category_buttons.values())).click()
        self._settle()
        self.capture("complaint_window", view)
        chips = list(view.window_chips.values())
        (chips[0] if chips else view.hall_button).click()
        list(view.phrase_chips.values())[0].click()
        list(view.phrase_chips.values())[-1].click()
        self.capture("complaint_phrases", view)
        view.next_button.click()
        for digit in SAMPLE_PHONE:
            view.keypad.digit_buttons[digit].click()
        self.capture("complaint_phone", view)
        if self.extras is None:
            self.result.shown.append("complaint_done（给定数据库不提交投诉，跳过）")
            return
        view.submit_button.click()
        self._settle()
        if self.w.current_view() is not self.w.complaint_done:
            raise RuntimeError(f"投诉未提交：{view.error_label.text() or self.w.message_bar.text()}")
        self.capture("complaint_done", self.w.complaint_done)

    # -- 预约签到

    def _checkin(self) -> None:
        view = self.w.checkin
        self._open("checkin", view)
        code = self.extras.appointment_code if self.extras is not None else "YY000000"
        for ch in code:
            view.keypad.key_buttons[ch].click()
        self.capture("checkin", view)
        if self.extras is None:
            return
        view.submit_button.click()
        self._settle()
        if self.w.current_view() is not self.w.ticket:
            raise RuntimeError(f"预约签到失败：{view.error_label.text() or self.w.message_bar.text()}")
        self.c.countdown_timer.stop()
        self.capture("checkin_ticket", self.w.ticket, modes=self.modes[:1])

    def _portrait(self) -> None:
        self.c.go_home()
        self.w.resize_to(*PORTRAIT)
        pair = ("zh", "elderly") if len(self.modes) > 1 else None
        try:
            self._settle()
            self.capture("home_portrait", self.w.home, modes=pair)
            self.w.home.take_tile.click()
            self._settle()
            self.capture("queues_portrait", self.w.queues, modes=pair)
            self._open("lookup", self.w.guide)
            for letter in "SB":
                self.w.guide.keypad.key_buttons[letter].click()
            self.capture("guide_portrait", self.w.guide, modes=pair)
            tiles = self.w.guide.results.visible_tiles()
            if tiles:
                tiles[0].click()
                self._settle()
                self.capture("item_guide_portrait", self.w.item_guide, modes=pair)
            self._open("progress", self.w.lookup)
            self.capture("lookup_portrait", self.w.lookup, modes=pair)
        finally:
            self.w.resize_to(*LANDSCAPE)
            self.c.go_home()
            self._settle()


def run_tour(db_url: str | None, *, site: str | None = None, out_dir: Path | None = None,
             modes: tuple[str, ...] = ("zh",)) -> TourResult:
    """Set up a database if needed, run the tour on an offscreen window, tear everything down."""
    hook_errors: list[str] = []
    old_hook = sys.excepthook

    def hook(exc_type, exc, tb):  # exceptions raised inside Qt slots end up here
        hook_errors.append("".join(traceback.format_exception(exc_type, exc, tb)))

    url, tmp, clock = prepare_database(db_url, site)
    extras = prepare_demo_extras(url, clock()) if tmp is not None and clock is not None else None
    sys.excepthook = hook
    printer = TourPrinter()
    controller = KioskController(
        KioskServices(db_url=url, site_code=site, device="kiosk:self-test", clock=clock), printer,
        KioskOptions(fullscreen=False, admin_pin="0000", idle_timeout_ms=600_000, ticket_return_s=30),
    )
    try:
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
        controller.start(show=True, size=LANDSCAPE)
        result = Tour(controller, printer, out_dir, modes, extras).run()
    finally:
        controller.shutdown()
        QApplication.processEvents()
        sys.excepthook = old_hook
        i18n.set_language(i18n.ZH)
        if tmp is not None:
            tmp.cleanup()
    result.failures.extend(f"未捕获的异常：{e}" for e in hook_errors)
    return result
