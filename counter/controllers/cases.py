"""Wires the 办件 screens to the case services for one signed-in clerk (or a back-office approver).

- 受理 (F12 on the workspace, or the 办件 tab): the intake dialog searches the in-memory catalog index as the
  clerk types, loads the item's material checklist, shows the deadline the decision gives (a worker job, debounced)
  and submits through `take_in`; the notice to hand over (受理通知书 / 一次性告知书 / 不予受理告知书) is printed on
  the window's receipt printer and saved as an A4 PDF, recorded with `record_print`, and shown with a preview;
  reprints are recorded as further copies.
- The 办件 tab: find a case, its detail (events, materials, tasks, clock stops) and the actions on it: 补交材料
  (a 补办件 becomes a 承诺件 and its 受理通知书 is printed), 暂停/恢复计时, 延期 (a chief rep signs), 通知领取,
  邮寄送达, 领取登记, 打印文书.
- 审批待办 (approvers and chief reps): the department's pending tasks, approve / deny with an opinion.

Every call runs on the shared worker; dialogs stay open with the clerk's input when a call fails.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from common.domain import Role
from counter import format as fmt
from counter.controllers.base import DialogHost, error_text, is_db_error
from counter.qt import QDesktopServices, QObject, QTimer, QUrl, QWidget, Signal
from counter.views import cases as cv
from counter.views import intake as iv
from counter.views.dialogs import FormDialog

log = logging.getLogger(__name__)

PREVIEW_DEBOUNCE_MS = 180
EVENT_DEBOUNCE_MS = 250
INBOX_REFRESH_MS = 60_000
DOCUMENT_LABELS = {"acceptance": "受理通知书", "correction": "一次性告知书", "rejection": "不予受理告知书",
                   "completion": "办结通知书"}
DECIDE_ROLES = (Role.APPROVER, Role.CHIEF_REP)


def documents_for(detail: Any) -> list[tuple[str, str]]:
    """The notices a case can have now (see `case_notice`)."""
    docs = []
    if detail.accepted_day is not None:
        docs.append("acceptance")
    if any(e.kind == "correction_requested" for e in detail.events):
        docs.append("correction")
    if detail.status == "rejected":
        docs.append("rejection")
    if detail.status in cv.DECIDED:
        docs.append("completion")
    return [(d, DOCUMENT_LABELS[d]) for d in docs]


class CaseController(QObject, DialogHost):
    busyChanged = Signal(bool)
    message = Signal(str, str)  # text, level: shown on the workspace banner too
    caseTaken = Signal(object)  # IntakeOutcome (tests, self-test)
    caseShown = Signal(object)  # CaseDetail shown in the desk
    inboxShown = Signal()
    dbFailed = Signal(object)
    dbOk = Signal()

    def __init__(self, services: Any, worker: Any, desk: cv.CaseDeskView, inbox: cv.InboxView, actor: Any, *,
                 window_id: int | None, dialog_parent: QWidget, output: Any, open_pdf: bool = True,
                 timezone: str | None = None, show_tab: Callable[[str], None] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.worker = worker
        self.desk = desk
        self.inbox_view = inbox
        self.actor = actor
        self.window_id = window_id
        self.dialog_parent = dialog_parent
        self.output = output
        self.open_pdf = open_pdf
        self.timezone = timezone
        self.show_tab = show_tab or (lambda _name: None)
        self.dialog: FormDialog | None = None
        self.busy = False
        self.index: Any = None
        self.departments: list[Any] = []
        self.detail: Any = None
        self.last_outcome: Any = None
        self._closed = False
        self._intake_ticket: Any = None
        self._last_query: str | None = None  # the desk's list: "" = today's cases, else a search
        self._want_case: str | None = None  # the case the desk shows (or is loading)
        self.can_decide = actor.has(*DECIDE_ROLES)

        desk.detail.timezone = timezone
        desk.detail.clear()
        desk.set_results([], "查询结果")
        desk.banner.clear_message()
        desk.today_button.setVisible(window_id is not None)
        inbox.banner.clear_message()
        inbox.set_rows([])
        self._connections = [
            (desk.searchRequested, self.search),
            (desk.todayRequested, self.today),
            (desk.caseActivated, self.load_case),
            (desk.detail.actionRequested, self.case_action),
            (inbox.decideRequested, self.decide),
            (inbox.openRequested, self.open_case),
            (inbox.refreshRequested, lambda: self.refresh_inbox(settle=True)),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self.preview_timer.timeout.connect(self._preview)
        self.event_timer = QTimer(self)
        self.event_timer.setSingleShot(True)
        self.event_timer.setInterval(EVENT_DEBOUNCE_MS)
        self.event_timer.timeout.connect(self._after_events)
        self.inbox_timer = QTimer(self)
        self.inbox_timer.setInterval(INBOX_REFRESH_MS)
        self.inbox_timer.timeout.connect(self.refresh_inbox)

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        if self.can_decide:
            self.inbox_timer.start()
            self.refresh_inbox()
        if self.window_id is not None:
            self.today()

    def stop(self) -> None:
        if self._closed:
            return
        self._closed = True
        for t in (self.preview_timer, self.event_timer, self.inbox_timer):
            t.stop()
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        self.close_dialog()

    # ------------------------------------------------------------------ running calls

    def run(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None, *, action: bool = False,
            dialog: FormDialog | None = None, on_error: Callable[[BaseException], None] | None = None,
            banner: Any = None) -> None:
        if self._closed:
            return
        if action:
            self._set_busy(True)
            if dialog is not None:
                dialog.set_busy(True)

        def done(result: Any) -> None:
            if action:
                self._set_busy(False)
                if dialog is not None:
                    dialog.set_busy(False)
            if self._closed:
                return
            self.dbOk.emit()
            if on_result is not None:
                on_result(result)

        def failed(exc: BaseException) -> None:
            if action:
                self._set_busy(False)
                if dialog is not None:
                    dialog.set_busy(False)
            if self._closed:
                return
            if is_db_error(exc):
                self.dbFailed.emit(exc)
            if on_error is not None:
                on_error(exc)
                return
            text = error_text(exc)
            if dialog is not None and dialog is self.dialog:
                dialog.show_error(text)
            else:
                (banner or self.desk.banner).show_message(text, "error")

        self.worker.submit(fn, done, failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.desk.detail.update_actions(busy)
        self.inbox_view.set_busy(busy)
        self.busyChanged.emit(busy)

    # ------------------------------------------------------------------ 受理 (intake)

    def open_intake(self, ticket: Any = None) -> iv.IntakeDialog | None:
        if self._closed or self.dialog is not None or self.window_id is None:
            return None
        self._intake_ticket = ticket
        text = f"{ticket.number} {ticket.queue_name}" if ticket is not None else ""
        d = iv.IntakeDialog(text, self.dialog_parent)
        d.searchChanged.connect(self._search_items)
        d.itemChosen.connect(lambda code: self._choose_item(d, code))
        d.bundleChosen.connect(lambda code: self._choose_bundle(d, code))
        d.previewRequested.connect(self.preview_timer.start)
        self.open_dialog(d, lambda v: self._submit_intake(d, v))
        d.set_results([], "正在载入事项目录…")

        def loaded(result: Any) -> None:
            self.index, bundles, self.departments = result
            if self.dialog is not d:
                return
            d.set_bundles(bundles)
            d.set_departments(self.departments)
            if d.search.text().strip():
                self._search_items(d.search.text().strip())
            else:
                d.set_results([])

        self.run(lambda: (self.services.search_index(), self.services.bundles(), self.services.departments()), loaded,
                 dialog=d)
        return d

    def _search_items(self, text: str) -> None:
        d = self.dialog
        if not isinstance(d, iv.IntakeDialog) or self.index is None:
            return
        if not text:
            d.set_results([])
            return
        d.set_results(self.index.search(text, limit=30))

    def _choose_item(self, d: iv.IntakeDialog, code: str) -> None:
        def done(cl: Any) -> None:
            if self.dialog is not d:
                return
            if cl.cancelled:
                d.show_error("该事项已取消，不能受理。")
                return
            d.error.clear_message()
            d.set_checklist(cl)

        self.run(lambda: self.services.intake_checklist(code), done, dialog=d)

    def _choose_bundle(self, d: iv.IntakeDialog, code: str) -> None:
        self.run(lambda: self.services.bundle_guide(code), lambda g: self.dialog is d and d.show_bundle(g), dialog=d)

    def _preview(self) -> None:
        d = self.dialog
        if not isinstance(d, iv.IntakeDialog):
            return
        args = d.preview_args()
        if args is None:
            return
        from common.services.cases import JointPart

        actor, window_id = self.actor, self.window_id
        parts = tuple(JointPart(code, days) for code, days in args["joint_parts"])

        def done(p: Any) -> None:
            if self.dialog is d:
                d.set_today(p.today)
                text = p.text
                if p.joint:
                    text += "\n联办：" + "；".join(f"{j.department} {j.days} 日（{fmt.cn_date(j.deadline)} 前）"
                                                  for j in p.joint)
                d.set_preview(text, "muted" if p.deadline is None else "info")

        def failed(exc: BaseException) -> None:
            if self.dialog is d:
                d.set_preview(error_text(exc), "error")

        self.run(lambda: self.services.intake_preview(actor, args["item_code"], args["case_type"],
                                                      urgent_days=args["urgent_days"], joint_parts=parts,
                                                      window_id=window_id),
                 done, on_error=failed)

    def _submit_intake(self, d: iv.IntakeDialog, v: dict) -> None:
        from common.services.cases import ApplicantInput, IntakeRequest, JointPart

        ticket = self._intake_ticket
        req = IntakeRequest(
            item_code=v["item_code"], applicant=ApplicantInput(**v["applicant"]),
            ticket_id=ticket.ticket_id if ticket is not None else None, window_id=self.window_id,
            provided_material_ids=frozenset(v["provided"]), deferred=dict(v["deferred"]), case_type=v["case_type"],
            reason=v["reason"], escalated_to=v["escalated_to"], urgent_days=v["urgent_days"],
            commitment_signed=v["commitment_signed"], delivery=v["delivery"], mail_address=v["mail_address"],
            joint_parts=tuple(JointPart(code, days) for code, days in v["joint_parts"]),
        )
        actor, output, signer = self.actor, self.output, v["signer"]

        def failed(exc: BaseException) -> None:
            if self.dialog is not d:
                return
            field = getattr(exc, "field", None)
            if field and d.show_field_error(field, error_text(exc)):
                d.show_error("请更正标红的内容后再提交。")
            elif signer is not None and ("首席代表" in error_text(exc) or "密码" in error_text(exc)
                                         or "工号" in error_text(exc)):
                d.field_errors["signer"].show_text(error_text(exc))
                d.signer_pw.clear()
                d.show_error(error_text(exc))
            else:
                d.show_error(error_text(exc))

        self.run(lambda: self.services.take_in(actor, req, signer=signer, output=output),
                 lambda outcome: self._intake_done(d, outcome), action=True, dialog=d, on_error=failed)

    def _intake_done(self, d: iv.IntakeDialog, outcome: Any) -> None:
        self.last_outcome = outcome
        if self.dialog is d:
            self.close_dialog(accepted=True)
        s = outcome.summary
        verb = {"rejected": "已出具不予受理告知书", "correction": "已出具一次性告知书"}.get(s.case_type, "已受理")
        self.message.emit(f"{verb}：{s.case_no} {s.item_name}（{s.case_type_label}）", "ok")
        self.show_notice(s, outcome.notice, outcome.notice_error)
        self.caseTaken.emit(outcome)
        if self.window_id is not None:
            self.today()
        if self.can_decide:
            self.refresh_inbox(settle=False)

    # ------------------------------------------------------------------ notices

    def show_notice(self, summary: Any, result: Any, error: str = "", documents: list[tuple[str, str]] | None = None,
                    document: str | None = None) -> cv.FormDialog:
        """The notice dialog: after an intake (result = what was printed) or from a case (result None)."""
        from counter.services import default_notice

        doc = document or (result.document if result is not None else default_notice(summary.case_type,
                                                                                       summary.status))
        docs = documents or [(doc, DOCUMENT_LABELS[doc])]
        if result is not None:
            title = f"{summary.case_type_label}：请将{result.title}交给申请人"
        else:
            title = f"打印文书：{summary.case_no}"
        d = iv.NoticeDialog(title, summary.case_no, docs, doc, self.dialog_parent)
        d.set_summary(self._summary_html(summary))
        d.printRequested.connect(lambda key: self._print(d, summary.case_no, key))
        d.openPdfRequested.connect(lambda: self._open_pdf(d))
        d.documentChosen.connect(lambda key: self._notice_preview(d, summary.case_no, key))
        self.open_dialog(d, lambda _v: self.close_dialog(accepted=True))
        if result is not None:
            d.set_preview(result.preview_png)
            self._show_result(d, result)
            if error:
                d.set_status(error, "error")
            if result.pdf_path is not None and not result.printed and self.open_pdf:
                self._open_pdf(d)
        else:
            if error:
                d.set_status(f"办件已保存，但告知书未能出具：{error}。请检查打印机后点“打印”。", "error")
            else:
                d.set_status("尚未打印：核对预览后点“打印”。", "info")
            self._notice_preview(d, summary.case_no, doc)
        d.ok_button.setFocus()
        return d

    def _summary_html(self, s: Any) -> str:
        lines = [f"<span style='font-size:22px;font-weight:800;color:#174A84'>{s.case_no}</span>",
                 f"查询码：<b>{s.check_code}</b>",
                 f"{s.item_name}（第{s.item_version}版）",
                 f"{s.case_type_label} · {s.status_label}"]
        missing = getattr(s, "missing_materials", None)
        if missing is None:  # a CaseDetail
            missing = [m.name for m in s.materials if m.required and not m.provided]
        if s.case_type == "correction" and s.status == "awaiting_materials":
            lines.append(f"需补正 {len(missing)} 项：" + "、".join(missing))
            lines.append("材料补齐之日起计算办理时限。")
        elif s.deadline is not None and s.days_limit:
            lines.append(f"办结期限：<b>{fmt.cn_date(s.deadline)}</b>（{s.days_limit} 个工作日）")
        elif s.deadline is not None:
            lines.append("当场办结")
        elif s.status == "rejected":
            lines.append("不予受理，不计办理时限")
        if missing and s.case_type != "correction" and s.status != "rejected":
            lines.append("容缺后补：" + "、".join(missing))
        return "<br>".join(lines)

    def _show_result(self, d: iv.NoticeDialog, r: Any) -> None:
        parts = []
        if r.printed:
            parts.append(f"已在小票打印机打印{r.title}（第 {r.copy_no} 份）")
        elif r.printer_error:
            parts.append(f"小票打印失败：{r.printer_error}")
        if r.pdf_path is not None:
            parts.append(f"A4 PDF 已保存：{r.pdf_path}")
        d.set_status("。\n".join(parts) + "。", "ok" if r.printed or not r.printer_error else "error")
        d.set_printed(r.copy_no)
        d.set_pdf(r.pdf_path)

    def _print(self, d: iv.NoticeDialog, case_no: str, document: str) -> None:
        actor, output = self.actor, self.output

        def done(r: Any) -> None:
            if self.dialog is d:
                d.set_preview(r.preview_png)
                self._show_result(d, r)
            self._reload_detail(case_no)

        self.run(lambda: self.services.print_notice(actor, case_no, document, output), done, action=True, dialog=d,
                 on_error=lambda exc: self.dialog is d and d.set_status(error_text(exc), "error"))

    def _notice_preview(self, d: iv.NoticeDialog, case_no: str, document: str) -> None:
        actor = self.actor

        def done(result: Any) -> None:
            _notice, png = result
            if self.dialog is d:
                d.set_preview(png)

        self.run(lambda: self.services.notice_preview(actor, case_no, document), done,
                 on_error=lambda exc: self.dialog is d and d.set_status(error_text(exc), "error"))

    def _open_pdf(self, d: iv.NoticeDialog) -> None:
        path = d.pdf_path
        if path is None:
            return
        if not self.open_pdf:
            d.set_status(f"A4 PDF 已保存：{path}", "ok")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            d.set_status(f"未找到 PDF 阅读器。文件已保存：{path}，请用其他电脑打开打印。", "error")

    # ------------------------------------------------------------------ the desk

    def refresh_list(self) -> None:
        """Re-run the list shown (a search or today's cases) after an action changed a case."""
        if self._last_query is None:
            return
        if self._last_query == "":
            self.today()
        else:
            self.search(self._last_query, load=False)

    def search(self, query: str, load: bool = True) -> None:
        actor = self.actor
        self._last_query = query

        def done(rows: list[Any]) -> None:
            if load:  # a new search, not a refresh after an action
                self.desk.banner.clear_message()
            self.desk.set_results(rows, f"查询结果（{len(rows)} 件）")
            if len(rows) == 1 and load:
                self.load_case(rows[0].case_no)

        self.run(lambda: self.services.find_cases(actor, query), done)

    def today(self) -> None:
        if self.window_id is None:
            return
        actor, window_id = self.actor, self.window_id
        self._last_query = ""
        self.run(lambda: self.services.find_cases(actor, "", window_id),
                 lambda rows: self.desk.set_results(rows, f"本窗口今日办件（{len(rows)} 件）"))

    def open_case(self, case_no: str) -> None:
        self.show_tab("cases")
        self.desk.search.setText(case_no)
        self.search(case_no, load=False)
        self.load_case(case_no)

    def load_case(self, case_no: str, keep_message: bool = False) -> None:
        actor = self.actor
        self._want_case = case_no  # a slower, older load never replaces the case asked for last

        def done(detail: Any) -> None:
            if detail.case_no != self._want_case:
                return
            self.detail = detail
            if not keep_message:
                self.desk.banner.clear_message()
            self.desk.detail.show_case(detail)
            self.desk.detail.update_actions(self.busy)
            self.caseShown.emit(detail)

        self.run(lambda: self.services.get_case(actor, case_no), done)

    def _reload_detail(self, case_no: str | None = None) -> None:
        want = self._want_case
        if want is not None and (case_no is None or want == case_no):
            self.load_case(want, keep_message=True)
            self.refresh_list()

    def _after_case_action(self, text: str) -> Callable[[Any], None]:
        def done(_result: Any) -> None:
            self.close_dialog(accepted=True)
            self.desk.banner.show_message(text, "ok")
            self.message.emit(text, "ok")
            self._reload_detail()
            if self.can_decide:
                self.refresh_inbox(settle=False)
        return done

    def case_action(self, key: str) -> None:
        d = self.desk.detail.detail
        if d is None or self.busy or self.dialog is not None:
            return
        getattr(self, f"do_{key}")(d)

    def do_supply(self, detail: Any) -> None:
        actor, window_id, output = self.actor, self.window_id, self.output
        dialog = cv.SupplyDialog(detail, self.dialog_parent)

        def done(outcome: Any) -> None:
            self.close_dialog(accepted=True)
            s = outcome.summary
            if s.case_type == "promised" and detail.case_type == "correction" and not s.missing_materials:
                text = f"{s.case_no} 材料已补齐，转为承诺件，办结期限 {fmt.cn_date(s.deadline)}。"
            else:
                text = f"{s.case_no} 已登记补交材料" + (f"，尚缺：{'、'.join(s.missing_materials)}"
                                                       if s.missing_materials else "。")
            self.desk.banner.show_message(text, "ok")
            self.message.emit(text, "ok")
            self._reload_detail()
            if outcome.notice is not None or outcome.notice_error:
                self.show_notice(s, outcome.notice, outcome.notice_error)
            self.caseTaken.emit(outcome)

        self.open_dialog(dialog, lambda v: self.run(
            lambda: self.services.supply_materials(actor, detail.case_no, v["material_ids"], window_id, output),
            done, action=True, dialog=dialog))

    def do_stop(self, detail: Any) -> None:
        actor, window_id = self.actor, self.window_id
        dialog = cv.StopClockDialog(detail.case_no, self.dialog_parent)
        self.open_dialog(dialog, lambda v: self.run(
            lambda: self.services.stop_clock(actor, detail.case_no, v["reason"], v["note"], window_id),
            self._after_case_action(f"{detail.case_no} 已暂停计时。"), action=True, dialog=dialog))

    def do_restart(self, detail: Any) -> None:
        actor, window_id = self.actor, self.window_id
        dialog = cv.RestartClockDialog(detail.case_no, self.dialog_parent)

        def done(s: Any) -> None:
            self._after_case_action(f"{s.case_no} 已恢复计时，办结期限 {fmt.cn_date(s.deadline)}。")(s)

        self.open_dialog(dialog, lambda v: self.run(
            lambda: self.services.restart_clock(actor, detail.case_no, v["note"], window_id), done, action=True,
            dialog=dialog))

    def do_extend(self, detail: Any) -> None:
        actor = self.actor
        dialog = cv.ExtendDialog(detail.case_no, actor.has(Role.CHIEF_REP, Role.MANAGER), self.dialog_parent)

        def done(s: Any) -> None:
            self._after_case_action(f"{s.case_no} 已延期，办结期限 {fmt.cn_date(s.deadline)}。")(s)

        self.open_dialog(dialog, lambda v: self.run(
            lambda: self.services.extend(actor, detail.case_no, v["days"], v["reason"], v["signer"]), done,
            action=True, dialog=dialog))

    def do_ready(self, detail: Any) -> None:
        actor, window_id = self.actor, self.window_id
        self.run(lambda: self.services.mark_ready(actor, detail.case_no, window_id),
                 self._after_case_action(f"{detail.case_no} 已通知领取（待领取）。"), action=True)

    def do_mail(self, detail: Any) -> None:
        actor, window_id = self.actor, self.window_id
        dialog = cv.MailDialog(detail.case_no, detail.mail_address, self.dialog_parent)
        self.open_dialog(dialog, lambda v: self.run(
            lambda: self.services.mail(actor, detail.case_no, v["tracking_no"], window_id),
            self._after_case_action(f"{detail.case_no} 已登记邮寄送达。"), action=True, dialog=dialog))

    def do_pickup(self, detail: Any) -> None:
        actor, window_id = self.actor, self.window_id
        dialog = cv.PickupDialog(detail.case_no, detail.applicant_name if detail.applicant_kind == "person" else "",
                                 detail.agent_name, self.dialog_parent)
        self.open_dialog(dialog, lambda v: self.run(
            lambda: self.services.record_pickup(actor, detail.case_no, v["picked_by"], window_id),
            self._after_case_action(f"{detail.case_no} 已领取，办件办结。"), action=True, dialog=dialog))

    def do_print(self, detail: Any) -> None:
        docs = documents_for(detail)
        if not docs:
            self.desk.banner.show_message("该办件暂无可打印的文书。", "info")
            return
        current = "completion" if detail.status in cv.DECIDED else docs[0][0]
        if detail.status == "awaiting_materials":
            current = "correction"
        self.show_notice(detail, None, documents=docs, document=current)

    # ------------------------------------------------------------------ the inbox

    def refresh_inbox(self, settle: bool = True) -> None:
        """Reload the inbox; `settle` first applies 超时默认 to joint departments past their deadline (the periodic
        refresh and the 刷新 button do; refreshes caused by hall events do not, so they never write)."""
        if not self.can_decide or self._closed:
            return
        actor = self.actor

        def done(rows: list[Any]) -> None:
            self.inbox_view.set_rows(rows)
            self.inboxShown.emit()

        self.run(lambda: self.services.inbox(actor, settle=settle), done, banner=self.inbox_view.banner)

    def decide(self, task_id: int, approve: bool, opinion: str) -> None:
        if self.busy:
            return
        actor = self.actor

        def done(r: Any) -> None:
            text = f"{r.case_no}：{'同意' if approve else '不同意'}。办件状态：{r.case_status_label}。"
            self.inbox_view.banner.show_message(text, "ok")
            self.inbox_view.opinion.clear()
            self.message.emit(text, "ok")
            self.refresh_inbox(settle=False)
            self._reload_detail(r.case_no)

        self.run(lambda: self.services.decide_task(actor, task_id, approve, opinion), done, action=True,
                 banner=self.inbox_view.banner)

    # ------------------------------------------------------------------ hall events

    def on_events(self, events: list[Any]) -> None:
        if self._closed:
            return
        if any(ev.kind == "case.changed" for ev in events):
            self.event_timer.start()

    def _after_events(self) -> None:
        if self.busy or self.dialog is not None:
            self.event_timer.start()
            return
        if self.can_decide:
            self.refresh_inbox(settle=False)
        self._reload_detail()
