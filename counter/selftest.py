"""`hall-counter --self-test` and `--screenshots DIR`: every screen and dialog with real widgets and a real
database (a temporary SQLite file holding the demo hall unless --db is given).

The tour logs in as a demo clerk (first a wrong password, to show the error), calls and serves real tickets,
opens every dialog, takes a break, shows a lost database, finishes a ticket and rates it on the pad (idle,
serving, rating, reasons and thanks pages, in Chinese and English), then signs out.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from common.db import DatabaseUnavailable
from counter.controllers.main import CounterController, CounterOptions
from counter.qt import QApplication, QWidget
from counter.services import CounterServices

DEMO_CLERK = ("1004", "demo1234")  # 杨帆, 4号窗口 (综合窗口: A 企业开办 + F 税务办理)
DEMO_WINDOW = 4


@dataclass
class TourResult:
    shown: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def open_queues_all_day(db: Any) -> None:
    """Demo/test databases only: every queue takes walk-up tickets around the clock, so a tour at any hour works."""
    from sqlalchemy import update

    from common.db.models import Queue

    with db.write() as s:
        s.execute(update(Queue).values(opens_at=dt.time(0, 0), closes_at=dt.time(23, 59, 59), daily_cap=0))


def prepare_database(db_url: str | None) -> tuple[str, tempfile.TemporaryDirectory | None]:
    """The given database, or a temporary SQLite file holding the demo hall (queues open all day)."""
    if db_url:
        return db_url, None
    from common.db import open_database
    from common.services.demo import load_demo_hall

    tmp = tempfile.TemporaryDirectory(prefix="hall-counter-selftest-")
    url = f"sqlite:///{Path(tmp.name) / 'hall.db'}"
    db = open_database(url)
    try:
        load_demo_hall(db)
        open_queues_all_day(db)
    finally:
        db.dispose()
    return url, tmp


def issue_tickets(db: Any, window_number: int, count: int = 4) -> list[Any]:
    """Take `count` numbers in the queues the window serves (round robin), as the kiosk would."""
    from common.services.queue import issue_ticket, window_queues
    from counter.queries import window_by_number
    from common.services.sites import resolve_site

    site = resolve_site(db)
    win = window_by_number(db, site.id, window_number)
    queues = window_queues(db, win.id)
    return [issue_ticket(db, queues[i % len(queues)].queue_id, device="selftest") for i in range(count)]


def wait_until(cond: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if cond():
            return True
        time.sleep(0.01)
    QApplication.processEvents()
    return cond()


class Tour:
    def __init__(self, controller: CounterController, out_dir: Path | None):
        self.c = controller
        self.w = controller.window
        self.out_dir = out_dir
        self.result = TourResult()

    # -- helpers ------------------------------------------------------------------------------------

    def settle(self) -> None:
        if not self.c.wait_idle():
            raise RuntimeError("后台任务超时未完成")
        for _ in range(3):
            QApplication.processEvents()

    def capture(self, name: str, widget: QWidget | None = None) -> None:
        self.settle()
        widget = widget or self.w
        pixmap = widget.grab()
        if pixmap.isNull() or pixmap.width() < 100:
            raise AssertionError(f"{name}: 截图为空")
        self.result.shown.append(name)
        if self.out_dir is not None:
            path = self.out_dir / f"{name}.png"
            if not pixmap.save(str(path), "PNG"):
                raise OSError(f"无法保存 {path}")
            self.result.saved.append(path)

    def step(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - report every failed screen, then carry on
            self.result.failures.append(f"{name}: {exc!r}\n{traceback.format_exc()}")

    @property
    def ws(self):
        if self.c.workspace is None:
            raise RuntimeError("尚未进入工作台")
        return self.c.workspace

    def action(self, key: str) -> None:
        ws = self.ws
        if not ws.view.buttons[key].isEnabled():
            raise AssertionError(f"按钮“{ws.view.buttons[key].text()}”不可用")
        ws.view.buttons[key].click()
        self.settle()

    def dialog(self, key: str, name: str) -> Any:
        self.action(key)
        d = self.ws.dialog
        if d is None:
            raise AssertionError(f"{name}: 对话框未打开（{self.ws.view.banner.text()}）")
        self.capture(f"dialog_{name}", d)
        return d

    def expect_no_error(self) -> None:
        banner = self.ws.view.banner
        if banner.isVisible() and banner.level == "error":
            raise AssertionError(banner.text())

    # -- the tour -----------------------------------------------------------------------------------

    def run(self) -> TourResult:
        self.settle()
        if not wait_until(lambda: self.w.login.window_box.count() > 0, 15):
            raise RuntimeError(f"登录界面没有窗口可选：{self.w.login.banner.text()}")
        self.step("login", lambda: self.capture("login"))
        self.step("login_error", self._login_error)
        self.step("workspace_idle", self._login)
        if self.c.workspace is None:
            return self.result
        for name, fn in [
            ("pad_idle", self._pad_idle),
            ("workspace_called", self._call),
            ("pad_serving", self._pad_serving),
            ("dialog_no_show", lambda: self._cancel_dialog("no_show", "no_show")),
            ("workspace_serving", self._start),
            ("dialog_transfer", self._transfer_dialog),
            ("dialog_park", self._park),
            ("dialog_call_specific", self._call_specific),
            ("dialog_consult", self._consult),
            ("dialog_close", self._close_dialog),
            ("rating", self._finish_and_rate_low),
            ("rating_high", self._finish_and_rate_high),
            ("walk_direct", self._walk_direct),
            ("pause", self._pause),
            ("db_lost", self._db_lost),
            ("sign_out", self._sign_out),
        ]:
            self.step(name, fn)
        return self.result

    def _login_error(self) -> None:
        v = self.w.login
        v.staff_no.setText(DEMO_CLERK[0])
        v.password.setText("wrong-password-1")
        self._pick_window(DEMO_WINDOW)
        v.submit_button.click()
        self.settle()
        if not v.banner.isVisible():
            raise AssertionError("错误密码未显示提示")
        self.capture("login_error")

    def _pick_window(self, number: int) -> None:
        v = self.w.login
        for i in range(v.window_box.count()):
            if v.window_box.itemText(i).startswith(f"{number}号窗口"):
                v.window_box.setCurrentIndex(i)
                return
        raise AssertionError(f"没有 {number} 号窗口")

    def _login(self) -> None:
        v = self.w.login
        v.staff_no.setText(DEMO_CLERK[0])
        v.password.setText(DEMO_CLERK[1])
        self._pick_window(DEMO_WINDOW)
        v.submit_button.click()
        self.settle()
        if self.c.workspace is None:
            raise AssertionError(f"登录失败：{v.banner.text()}")
        wait_until(lambda: self.ws.session is not None and self.ws.figures is not None, 10)
        self.capture("workspace_idle")

    def _pad(self):
        if self.c.pad is None:
            raise RuntimeError("评价器未打开")
        return self.c.pad

    def _pad_wait(self, state: str, timeout: float = 10) -> None:
        pad = self._pad()
        if not wait_until(lambda: (pad.notify() or True) and pad.state == state, timeout):
            raise AssertionError(f"评价器应显示 {state}，实际为 {pad.state}")
        self.settle()

    def _pad_idle(self) -> None:
        self._pad_wait("idle")
        self.capture("pad_idle", self._pad().view)
        self._pad().view.set_english(True)
        self.capture("pad_idle_en", self._pad().view)
        self._pad().view.set_english(False)

    def _call(self) -> None:
        self.action("call_next")
        self.expect_no_error()
        if self.ws.current is None:
            raise AssertionError("叫号后没有当前号码")
        self.capture("workspace_called")

    def _pad_serving(self) -> None:
        self._pad_wait("serving")
        self.capture("pad_serving", self._pad().view)

    def _cancel_dialog(self, key: str, name: str) -> None:
        d = self.dialog(key, name)
        d.reject()
        self.settle()

    def _start(self) -> None:
        self.action("start")
        self.expect_no_error()
        self.ws.view.serving.tick(self.ws.current.started_at + dt.timedelta(minutes=3, seconds=25))
        self.capture("workspace_serving")

    def _transfer_dialog(self) -> None:
        d = self.dialog("transfer", "transfer")
        d.select(1, 0)
        d.note.setPlainText("已核对身份证，请协助办理税务登记")
        d.return_after.setChecked(True)
        self.capture("dialog_transfer_filled", d)
        d.reject()
        self.settle()

    def _park(self) -> None:
        d = self.dialog("park", "park")
        d.note.setEditText("等候补充材料")
        d.submit()
        self.settle()
        self.expect_no_error()
        if not self.ws.parked:
            raise AssertionError("挂起后列表为空")
        self.capture("workspace_parked")

    def _call_specific(self) -> None:
        d = self.dialog("call_specific", "call_specific")
        d.number.setText("Z999")
        d.submit()
        self.settle()
        if self.ws.dialog is not d or not d.error.isVisible():
            raise AssertionError("不存在的号码应在对话框中提示")
        self.capture("dialog_call_specific_error", d)
        d.reject()
        self.settle()
        self.action("park")  # 恢复挂起号
        self.expect_no_error()
        if self.ws.current is None:
            raise AssertionError("恢复挂起号后没有当前号码")

    def _consult(self) -> None:
        d = self.dialog("consult", "consult")
        d.topic.setPlainText("个体户营业执照变更经营范围需要哪些材料")
        d.directed_to.setEditText("1号窗口（A 企业开办）")
        d.submit()
        self.settle()
        self.expect_no_error()

    def _close_dialog(self) -> None:
        self.c.request_close()
        self.settle()
        d = self.c._close_dialog
        if d is None:
            raise AssertionError("办理中关闭程序应先询问")
        self.capture("dialog_close", d)
        d.reject()
        self.settle()

    def _finish_and_rate_low(self) -> None:
        self.action("finish")
        self.expect_no_error()
        self.capture("workspace_rating_wait")
        self._pad_wait("rating")
        pad = self._pad()
        pad.countdown_timer.stop()
        self.capture("pad_rating", pad.view)
        pad.view.set_english(True)
        self.capture("pad_rating_en", pad.view)
        pad.view.set_english(False)
        pad.view.face_buttons[2].click()
        self.settle()
        if pad.state != "reasons":
            raise AssertionError("选择“不满意”后应显示原因页")
        self.capture("pad_reasons", pad.view)
        pad.view.reason_buttons[1].click()
        pad.view.reason_buttons[4].click()
        self.capture("pad_reasons_chosen", pad.view)
        pad.view.set_english(True)
        self.capture("pad_reasons_en", pad.view)
        pad.view.set_english(False)
        pad.view.reasons_submit.click()
        self.settle()
        if pad.state != "thanks":
            raise AssertionError(f"提交后应显示感谢页，实际为 {pad.state}")
        pad.thanks_timer.stop()
        self.capture("pad_thanks", pad.view)
        pad._thanks_over()
        self.settle()

    def _finish_and_rate_high(self) -> None:
        self.action("call_next")
        self.expect_no_error()
        if self.ws.current is None:
            raise AssertionError("没有可叫的号")
        self.action("finish")
        self._pad_wait("rating")
        pad = self._pad()
        pad.view.face_buttons[4].click()
        self.settle()
        if pad.state != "thanks":
            raise AssertionError(f"选择“满意”后应直接显示感谢页，实际为 {pad.state}"
                                 f"（{pad.view.rating_error.text() if pad.view.rating_error.isVisible() else ''}）")
        pad._thanks_over()
        self.settle()

    def _walk_direct(self) -> None:
        d = self.dialog("walk_direct", "walk_direct")
        d.note.setText("绿色通道")
        d.submit()
        self.settle()
        self.expect_no_error()
        if self.ws.current is None or not self.ws.current.walk_direct:
            raise AssertionError("无号办理后应显示办理中的号码")
        self.capture("workspace_walk_direct")
        self.action("finish")
        self.expect_no_error()

    def _pause(self) -> None:
        d = self.dialog("pause", "pause")
        d.radios["就餐"].setChecked(True)
        d.submit()
        self.settle()
        self.expect_no_error()
        if not self.ws.on_break:
            raise AssertionError("暂停服务未生效")
        self.capture("workspace_break")
        self.action("pause")
        self.expect_no_error()
        if self.ws.on_break:
            raise AssertionError("恢复服务未生效")

    def _db_lost(self) -> None:
        services = self.c.services
        original = services._call

        def broken(*_a, **_k):
            raise DatabaseUnavailable("无法连接数据库（selftest），请检查网络或数据库服务。")

        services._call = broken
        try:
            d = self.dialog("consult", "consult")
            d.topic.setPlainText("咨询内容在断线时也不能丢")
            d.directed_to.setEditText("当场解答")
            d.submit()
            self.settle()
            if d.topic.toPlainText() != "咨询内容在断线时也不能丢" or not d.error.isVisible():
                raise AssertionError("断线时对话框应保留输入并提示")
            self.capture("dialog_consult_db_lost", d)
            d.reject()
            self.ws.refresh()
            self.settle()
            if self.c.db_ok:
                raise AssertionError("状态栏未显示数据库中断")
            self.capture("workspace_db_lost")
        finally:
            services._call = original
        self.c.reconnect_timer.start(1)
        if not wait_until(lambda: self.c.db_ok, 10):
            raise AssertionError("数据库恢复后状态栏未恢复")

    def _sign_out(self) -> None:
        self.ws.request_sign_out()
        self.settle()
        d = self.ws.dialog
        if d is None:
            raise AssertionError("签退应先确认")
        self.capture("dialog_sign_out", d)
        d.submit()
        self.settle()
        if self.c.workspace is not None:
            raise AssertionError(f"签退失败：{self.w.workspace.banner.text()}")
        self.capture("login_signed_out")


def run_tour(db_url: str | None, *, site: str | None = None, out_dir: Path | None = None) -> TourResult:
    """Run the tour; returns what was shown, saved and what failed."""
    url, tmp = prepare_database(db_url)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    services = CounterServices(db_url=url, site_code=site)
    controller = None
    from counter.worker import GarbageCollector

    gc_guard = GarbageCollector().install()
    try:
        db = services.db
        issue_tickets(db, DEMO_WINDOW, 4)
        options = CounterOptions(window_number=0, rating_pad=True, events=True, pad_poll_ms=300)
        controller = CounterController(services, options)
        controller.start(show=True)
        return Tour(controller, out_dir).run()
    finally:
        if controller is not None:
            controller.shutdown(sign_out=True)
            QApplication.processEvents()
        else:
            services.close()
        gc_guard.uninstall()
        gc_guard.deleteLater()
        if tmp is not None:
            tmp.cleanup()
