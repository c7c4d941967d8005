"""`hall-counter --self-test` and `--screenshots DIR`: every screen and dialog with real widgets and a real
database (a temporary SQLite file holding the demo hall unless --db is given).

The tour logs in as a demo clerk (first a wrong password, to show the error), calls and serves real tickets,
opens every dialog, takes a break, shows a lost database, finishes a ticket and rates it on the pad (idle,
serving, rating, reasons and thanks pages, in Chinese and English), then signs out.

The 办件 part: the 受理 dialog (F12) with the item search, each of the seven handling types selected, an inline
validation error, a major project's rejection with the chief rep's signature; real intakes with their notice
(preview, printed on the dummy receipt printer, A4 PDF); the case desk with a 补办件 completed (→ 承诺件), a clock
stop, the extension dialog; then a back-office approver's inbox with 特办 / red / yellow rows (cases seeded with
past acceptance days), an approval, 通知领取, 领取登记, 邮寄送达 and the 办结通知书.

督办报表: an 电子监察员 logs in to the back office and gets today's 日报 (the tour's own tickets and cases), the
week's 周报 with its hourly chart, and exports both Excel and PDF; then 投诉处理 with two kiosk complaints, one
followed up and closed.
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
from counter.services import CounterServices, NoticeOutput

DEMO_CLERK = ("1004", "demo1234")  # 杨帆, 4号窗口 (综合窗口: A 企业开办 + F 税务办理)
DEMO_WINDOW = 4
DEMO_APPROVER = ("1101", "demo1234")  # 田野, 市场监管局 后台审批
DEMO_SUPERVISOR = ("1903", "demo1234")  # 赵刚, 电子监察员
PERSON = ("张晓明", "11010519491231002X", "13800138000")
ENTERPRISE = ("示例县鑫源餐饮有限公司", "91350100M000100Y43")


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


def seed_complaints(db: Any) -> None:
    """Two complaints filed at the kiosk today: one about 4号窗口 with a call-back number, one suggestion."""
    from common.services.complaints import submit_complaint
    from common.services.sites import resolve_site

    site_id = resolve_site(db, None).id
    submit_complaint(db, site_id, category="服务态度", phrases=["工作人员态度生硬", "请回电话联系我"],
                     window_number=DEMO_WINDOW, phone="13912345678", device="selftest")
    submit_complaint(db, site_id, category="意见建议", phrases=["希望增加周末服务"], device="selftest")


def seed_cases(db: Any) -> list[str]:
    """Cases accepted on earlier working days at 1号窗口 (市场监管), so the approvers' inbox has a red (overdue),
    a yellow (due within 2 working days) and an urgent row, like any Monday morning. Returns the case numbers."""
    from common import clock
    from common.services import cases
    from common.services.auth import login
    from common.services.calendar import load_working_calendar
    from common.services.sites import resolve_site
    from counter.queries import window_by_number

    site = resolve_site(db)
    win = window_by_number(db, site.id, 1)
    clerk = login(db, "1001", "demo1234")
    cal = load_working_calendar(db, site.id)
    today = clock.business_day(clock.utcnow(), site.timezone)

    def at(days_back: int) -> dt.datetime:
        day = cal.add_working_days(today, -days_back) if days_back else today
        return dt.datetime.combine(day, dt.time(10, 0), clock.zone(site.timezone))

    def req(code: str, name: str, id_no: str, kind: str = "person", **kw: Any) -> Any:
        cl = cases.intake_checklist(db, code)
        return cases.IntakeRequest(item_code=code, applicant=cases.ApplicantInput(kind, name, id_no, "13912345678"),
                                   window_id=win.id, provided_material_ids=frozenset(m.material_id
                                                                                      for m in cl.materials), **kw)

    made = [
        cases.accept_promised(db, clerk, req("SCJGJ-011", "李红梅", "110101199003070011"), now=at(9)),
        cases.accept_promised(db, clerk, req("SCJGJ-012", "王建军", "110101198506150019"), now=at(4)),
        cases.accept_promised(db, clerk, req("SCJGJ-016", "示例县宏达机械厂", "91350100MA2Y0A0B15", "enterprise"),
                              now=at(0)),
        cases.accept_urgent(db, clerk, req("SCJGJ-014", "周敏", "110101197712080029", reason="县重点民生项目，须在月底前开业",
                                           urgent_days=2), now=at(0)),
        cases.accept_promised(db, clerk, req("SCJGJ-002", "示例县百味食品有限公司", "91350100M000100Y43", "enterprise",
                                             delivery="mail", mail_address="示例县城关镇解放路18号 张会计 13900001111"),
                              now=at(1)),
    ]
    return [c.case_no for c in made]


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
            ("intake_dialog", self._intake_dialog),
            ("intake_types", self._intake_types),
            ("intake_error", self._intake_error),
            ("intake_major_reject", self._intake_major_reject),
            ("intake_promised", self._intake_promised),
            ("intake_correction", self._intake_correction),
            ("cases_desk", self._cases_desk),
            ("cases_supply", self._cases_supply),
            ("cases_clock", self._cases_clock),
            ("appointment", self._appointment),
            ("pause", self._pause),
            ("db_lost", self._db_lost),
            ("sign_out", self._sign_out),
            ("backoffice", self._backoffice),
            ("inbox_decide", self._inbox_decide),
            ("pickup", self._pickup),
            ("mail", self._mail),
            ("supervision", self._supervision),
            ("supervision_export", self._supervision_export),
            ("complaints", self._complaints),
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

    # -- 办件 --------------------------------------------------------------------------------------------

    @property
    def cases(self):
        if self.c.cases is None:
            raise RuntimeError("办件功能未启动")
        return self.c.cases

    def case_dialog(self, cls: str | None = None) -> Any:
        d = self.cases.dialog
        if d is None or (cls and type(d).__name__ != cls):
            raise AssertionError(f"应打开 {cls or '对话框'}，实际为 {type(d).__name__ if d else None}")
        return d

    def wait_preview(self, d: Any, needle: str = "") -> None:
        def ready() -> bool:
            self.c.wait_idle()
            return (not self.cases.preview_timer.isActive() and needle in d.preview.text()
                    and d.preview.text() != "请先选择事项")

        if not wait_until(ready, 10):
            raise AssertionError(f"办结期限未显示（{d.preview.text()}）")
        self.settle()

    def wait_status(self, status: str) -> Any:
        if not wait_until(lambda: (self.c.wait_idle() or True) and self.cases.detail is not None
                          and self.w.cases.detail.detail is not None
                          and self.w.cases.detail.detail.status == status, 10):
            shown = self.w.cases.detail.detail
            raise AssertionError(f"办件应为 {status}，实际为 {shown.status if shown else None}")
        self.settle()
        return self.w.cases.detail.detail

    def _open_intake(self) -> Any:
        self.action("intake")
        return self.case_dialog("IntakeDialog")

    def _pick_item(self, d: Any, query: str, code: str) -> None:
        d.search.setText(query)
        self.settle()
        for i, hit in enumerate(d.hits):
            if hit.code == code:
                d.results.setCurrentRow(i)
                break
        else:
            raise AssertionError(f"搜索“{query}”没有找到 {code}")
        d.pick_current()
        if not wait_until(lambda: d.checklist is not None and d.checklist.item_code == code, 10):
            raise AssertionError(f"未载入 {code} 的材料清单：{d.error.text()}")
        self.settle()

    def _fill_person(self, d: Any) -> None:
        d.person.setChecked(True)
        d.name.setText(PERSON[0])
        d.id_no.setText(PERSON[1])
        d.phone.setText(PERSON[2])

    def _intake_dialog(self) -> None:
        self.action("call_next")
        self.action("start")
        d = self._open_intake()
        if not wait_until(lambda: self.cases.index is not None, 10):
            raise AssertionError("事项目录未载入")
        self.capture("dialog_intake_empty", d)
        d.search.setText("spjy")
        self.settle()
        if not d.hits:
            raise AssertionError("拼音首字母搜索没有结果")
        self.capture("dialog_intake_search", d)

    def _intake_types(self) -> None:
        d = self.case_dialog("IntakeDialog")
        self._pick_item(d, "spjy", "SCJGJ-010")
        self._fill_person(d)
        d.tick_all()
        d.set_provided(3, False)
        d.set_provided(5, False)
        self.settle()
        shots = {
            "immediate": lambda: None,
            "rejected": lambda: d.reject_reason.setPlainText("经营场所位于居民住宅楼内，不符合食品经营场所设置要求。"),
            "correction": lambda: None,
            "promised": lambda: None,
            "joint": lambda: self._tick_joint(d, {"WJ": 5, "XF": 3}),
            "escalated": lambda: d.authority.setText("示例市市场监督管理局"),
            "urgent": lambda: (d.urgent_reason.setText("县重点招商项目，须在开业前取得许可"), d.urgent_days.setValue(3)),
        }
        for key, fill in shots.items():
            d.select_type(key)
            fill()
            self.wait_preview(d)
            self.capture(f"dialog_intake_{key}", d)

    def _tick_joint(self, d: Any, parts: dict[str, int]) -> None:
        from counter.qt import Qt

        for code, days in parts.items():
            row = d.joint_row(code)
            d.joint_table.item(row, 0).setCheckState(Qt.CheckState.Checked)
            d.joint_table.cellWidget(row, 1).setValue(days)
            d.joint_table.scrollToItem(d.joint_table.item(row, 0))

    def _intake_error(self) -> None:
        d = self.case_dialog("IntakeDialog")
        d.select_type("promised")
        d.id_no.setText("110105194912310021")
        d.phone.setText("1380013")
        d.submit()
        self.settle()
        if not d.field_errors["id_no"].isVisible() or not d.error.isVisible():
            raise AssertionError("身份证号码错误应在字段下方提示")
        self.capture("dialog_intake_error", d)
        d.id_no.setText(PERSON[1])
        d.phone.setText(PERSON[2])
        d.check_field("id_no")
        d.check_field("phone")

    def _intake_major_reject(self) -> None:
        d = self.case_dialog("IntakeDialog")
        self._pick_item(d, "建筑工程施工许可", "ZJ-001")
        d.enterprise.setChecked(True)
        d.name.setText(ENTERPRISE[0])
        d.id_no.setText(ENTERPRISE[1])
        d.select_type("rejected")
        d.reject_reason.setPlainText("项目未取得建设用地规划许可证，不符合受理条件。")
        d.signer_no.setText("1103")
        self.wait_preview(d)
        if not d.signer_box.isVisible():
            raise AssertionError("重大项目退办应要求首席代表确认")
        self.capture("dialog_intake_major_reject", d)
        d.reject()
        self.settle()

    def _intake_promised(self) -> None:
        d = self._open_intake()
        wait_until(lambda: self.cases.index is not None, 10)
        self._pick_item(d, "食品经营许可证核发", "SCJGJ-010")
        self._fill_person(d)
        d.tick_all()
        for row, m in enumerate(d.checklist.materials):
            if m.may_be_missing:
                from counter.qt import Qt

                d.materials.item(row, 3).setCheckState(Qt.CheckState.Checked)
                break
        d.commitment.setChecked(True)
        d.select_type("promised")
        self.wait_preview(d, "办结期限")
        d.submit()
        self.settle()
        n = self.case_dialog("NoticeDialog")
        self.settle()
        self.capture("dialog_notice_acceptance", n)
        n.submit()
        self.settle()

    def _intake_correction(self) -> None:
        d = self._open_intake()
        wait_until(lambda: self.cases.index is not None, 10)
        self._pick_item(d, "qysldj", "SCJGJ-001")
        d.enterprise.setChecked(True)
        d.name.setText(ENTERPRISE[0])
        d.id_no.setText(ENTERPRISE[1])
        d.has_agent.setChecked(True)
        d.agent_name.setText("李经办")
        d.agent_id.setText("110101199003070011")
        d.tick_all()
        d.set_provided(1, False)
        d.set_provided(5, False)
        d.select_type("correction")
        self.wait_preview(d)
        self.capture("dialog_intake_correction_filled", d)
        d.submit()
        self.settle()
        n = self.case_dialog("NoticeDialog")
        self.capture("dialog_notice_correction", n)
        self.correction_case = n.case_no
        n.submit()
        self.settle()
        self.action("finish")

    def _cases_desk(self) -> None:
        self.w.show_tab("cases")
        self.w.cases.today_button.click()
        self.settle()
        if len(self.w.cases.rows) < 2:
            raise AssertionError("本窗口今日办件列表为空")
        self.cases.load_case(self.correction_case)
        self.wait_status("awaiting_materials")
        self.capture("cases_detail_correction")

    def _cases_supply(self) -> None:
        self.w.cases.detail.buttons["supply"].click()
        self.settle()
        d = self.case_dialog("SupplyDialog")
        d.check_all()
        self.capture("dialog_supply", d)
        d.submit()
        self.settle()
        n = self.case_dialog("NoticeDialog")
        self.capture("dialog_notice_supplied", n)
        n.submit()
        self.settle()
        if self.wait_status("accepted").case_type != "promised":
            raise AssertionError("补齐材料后应转为承诺件")
        self.capture("cases_detail_promised")

    def _cases_clock(self) -> None:
        panel = self.w.cases.detail
        panel.buttons["stop"].click()
        self.settle()
        d = self.case_dialog("StopClockDialog")
        d.note.setText("现场勘验定于下周二上午，勘验经营场所")
        self.capture("dialog_stop_clock", d)
        d.submit()
        self.settle()
        self.wait_status("clock_stopped")
        panel.tabs.setCurrentIndex(3)
        self.capture("cases_detail_clock_stopped")
        panel.buttons["extend"].click()
        self.settle()
        e = self.case_dialog("ExtendDialog")
        e.reason.setText("需补充专家评审意见")
        e.signer_no.setText("1003")
        self.capture("dialog_extend", e)
        e.reject()
        self.settle()
        panel.buttons["restart"].click()
        self.settle()
        r = self.case_dialog("RestartClockDialog")
        r.note.setText("现场勘验已完成")
        self.capture("dialog_restart_clock", r)
        r.submit()
        self.wait_status("accepted")
        panel.tabs.setCurrentIndex(0)
        self.w.show_tab("workspace")
        self.settle()

    def _appointment(self) -> None:
        """预约登记 from the 办件 tab: a later visit booked for the citizen, the slip printed."""
        self.w.show_tab("cases")
        self.w.cases.book_button.click()
        if not wait_until(lambda: self.c.appointments.dialog is not None, 10):
            raise AssertionError(f"预约登记没有打开：{self.w.cases.banner.text()}")
        d = self.c.appointments.dialog
        if not wait_until(lambda: d.slot_list.count() > 0, 10):
            raise AssertionError(f"没有可预约的时段：{d.error.text()}")
        d.name_edit.setText(PERSON[0])
        d.id_edit.setText(PERSON[1])
        d.phone_edit.setText(PERSON[2])
        self.settle()
        self.capture("dialog_appointment", d)
        d.submit()
        if not wait_until(lambda: self.c.appointments.dialog is None, 10):
            raise AssertionError(f"预约失败：{d.error.text()}")
        self.settle()
        self.capture("cases_appointment_booked")

    def _backoffice(self) -> None:
        v = self.w.login
        v.staff_no.setText(DEMO_APPROVER[0])
        v.password.setText(DEMO_APPROVER[1])
        v.back_office.setChecked(True)
        self.capture("login_back_office")
        v.submit_button.click()
        self.settle()
        if self.c.cases is None:
            raise AssertionError(f"后台审批登录失败：{v.banner.text()}")
        wait_until(lambda: len(self.w.inbox.rows) >= 4, 10)
        levels = {r.warning for r in self.w.inbox.rows}
        if not {"red", "yellow"} <= levels:
            raise AssertionError(f"待办应有红牌和黄灯：{levels}")
        self.capture("inbox")

    def _inbox_decide(self) -> None:
        inbox = self.w.inbox
        row = next(i for i, r in enumerate(inbox.rows) if r.warning == "red")
        inbox.table.selectRow(row)
        case_no = inbox.rows[row].case_no
        inbox.opinion.setText("材料齐全，符合条件，同意")
        self.capture("inbox_selected")
        inbox.approve_button.click()
        self.settle()
        self.ready_case = case_no
        mail_row = next((r for r in inbox.rows if r.item_name.startswith("企业变更")), None)
        if mail_row is not None:
            inbox.select_case(mail_row.case_no)
            inbox.opinion.setText("同意变更登记")
            inbox.approve_button.click()
            self.settle()
            self.mail_case = mail_row.case_no
        inbox.open_button.click()
        self.settle()

    def _pickup(self) -> None:
        self.cases.open_case(self.ready_case)
        self.settle()
        panel = self.w.cases.detail
        if self.wait_status("approved").case_no != self.ready_case:
            raise AssertionError("办件详情不是所选办件")
        panel.buttons["ready"].click()
        self.wait_status("ready")
        panel.buttons["pickup"].click()
        self.settle()
        d = self.case_dialog("PickupDialog")
        self.capture("dialog_pickup", d)
        d.submit()
        self.settle()
        self.wait_status("completed")
        self.capture("cases_detail_completed")
        panel.buttons["print"].click()
        self.settle()
        n = self.case_dialog("NoticeDialog")
        self.settle()
        self.capture("dialog_notice_completion", n)
        n.print_button.click()
        self.settle()
        n.submit()
        self.settle()

    def _mail(self) -> None:
        case_no = getattr(self, "mail_case", None)
        if case_no is None:
            raise AssertionError("没有邮寄送达的办件")
        self.cases.open_case(case_no)
        self.settle()
        if self.wait_status("approved").case_no != case_no:
            raise AssertionError("办件详情不是所选办件")
        self.w.cases.detail.buttons["mail"].click()
        self.settle()
        d = self.case_dialog("MailDialog")
        d.tracking.setText("EMS1234567890CN")
        self.capture("dialog_mail", d)
        d.submit()
        self.settle()
        self.wait_status("mailed")

    def _supervision(self) -> None:
        """An 电子监察员 logs in to the back office: 督办报表 opens on today's 日报; then the week's, and its chart."""
        self.w.desk_sign_out.click()
        self.settle()
        v = self.w.login
        v.staff_no.setText(DEMO_SUPERVISOR[0])
        v.password.setText(DEMO_SUPERVISOR[1])
        v.back_office.setChecked(True)
        v.submit_button.click()
        self.settle()
        view = self.w.supervision
        if self.c.supervision is None or self.w.current_tab() != "supervision":
            raise AssertionError(f"电子监察员应看到督办报表：{v.banner.text()}")
        if not wait_until(lambda: view.report is not None and not self.c.supervision.busy, 20):
            raise AssertionError(f"日报没有统计出来：{view.banner.text()}")
        if view.report.overview.tickets_served < 1:
            raise AssertionError("日报应包含本次走查办结的号")
        self.capture("supervision_day")
        view.period.setCurrentIndex(1)
        view.load_button.click()
        wait_until(lambda: view.report.period.kind == "week" and not self.c.supervision.busy, 20)
        self.capture("supervision_week")
        view.detail_tabs.setCurrentIndex(1)
        self.settle()
        self.capture("supervision_chart")
        for title, name in (("人员", "supervision_clerks"), ("业务队列", "supervision_queues")):
            view.detail_tabs.setCurrentWidget(view.extra_tables[title])
            self.settle()
            self.capture(name)
        view.detail_tabs.setCurrentIndex(0)

    def _supervision_export(self) -> None:
        view = self.w.supervision
        for button, suffix in ((view.xlsx_button, ".xlsx"), (view.pdf_button, ".pdf")):
            button.click()
            if not wait_until(lambda: view.banner.level == "ok" and view.banner.text().endswith(suffix), 20):
                raise AssertionError(f"导出失败：{view.banner.text()}")
        self.capture("supervision_exported")

    def _complaints(self) -> None:
        """投诉处理: the open complaints, a 处理意见 added, then the complaint closed after the call back."""
        view = self.w.complaints
        self.w.show_tab("complaints")
        if not wait_until(lambda: len(view.rows) >= 2 and not self.c.complaints.busy, 15):
            raise AssertionError(f"投诉处理应列出待处理的投诉：{view.banner.text()}")
        row = next(i for i, c in enumerate(view.rows) if c.window_number == DEMO_WINDOW)
        view.table.selectRow(row)
        self.capture("complaints")
        ref = view.rows[row].ref_no
        view.note.setPlainText("已电话联系群众，说明情况并致歉；已提醒4号窗口注意服务用语。")
        view.add_button.click()
        wait_until(lambda: not self.c.complaints.busy and view.selected() is not None
                   and view.selected().status == "in_progress", 15)
        view.note.setPlainText("群众表示满意，办结。")
        view.close_button.click()
        if not wait_until(lambda: not self.c.complaints.busy and any(
                c.ref_no == ref and c.status == "closed" for c in view.rows), 15):
            raise AssertionError(f"投诉没有办结：{view.banner.text()}")
        view.select(ref)
        self.capture("complaints_closed")

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
    notice_dir: Path | None = None
    from counter.worker import GarbageCollector

    gc_guard = GarbageCollector().install()
    try:
        db = services.db
        issue_tickets(db, DEMO_WINDOW, 6)
        seed_cases(db)
        seed_complaints(db)
        from common.printing.backends import PrinterSettings

        notice_dir = (out_dir / "notices") if out_dir is not None else Path(tempfile.mkdtemp(prefix="hall-notices-"))
        output = NoticeOutput(PrinterSettings(kind="dummy"), notice_dir)
        options = CounterOptions(window_number=0, rating_pad=True, events=True, pad_poll_ms=300,
                                 notice_output=output, open_pdf=False, reports_dir=notice_dir.parent / "reports"
                                 if out_dir is not None else notice_dir / "reports")
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
        if notice_dir is not None and out_dir is None:
            import shutil

            shutil.rmtree(notice_dir, ignore_errors=True)
