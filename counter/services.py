"""What the counter asks of the hall's services. Every method runs on a worker thread, never the GUI thread.

A thin adapter over `common.services` (auth, attendance, queue engine, ratings, consultations) and the read-only
look-ups in `counter.queries`. It opens the database lazily (a database that is down at start-up shows a message
instead of stopping the app, and the next call retries) and turns connection failures into `DatabaseUnavailable`
with a Chinese message. No Qt here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from common.db import Database, DatabaseUnavailable, open_database
from common.db.engine import describe_url
from common.services.permissions import Actor
from counter import queries


def _unavailable(url: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"无法连接数据库（{describe_url(url)}），请检查网络或数据库服务。")


@dataclass(frozen=True)
class WorkspaceSnapshot:
    """Everything the workspace shows, read in one worker job."""

    current: Any  # ServingTicket | None
    queues: list[Any]  # QueueStatus of the queues this window serves
    parked: list[queries.ParkedTicket]
    figures: queries.TodayFigures
    session: Any  # WindowSessionInfo | None (None: the session was closed elsewhere)


@dataclass(frozen=True)
class PadState:
    """What the rating pad shows: the clerk's card, the number being served, a rating to ask for."""

    card: queries.ClerkCard
    serving_number: str | None
    pending: Any  # PendingRating | None
    hall_name: str = ""


@dataclass(frozen=True)
class TransferTargets:
    queues: list[Any] = field(default_factory=list)  # QueueStatus of the site's queues
    windows: list[queries.WindowChoice] = field(default_factory=list)
    clerks: list[queries.ClerkChoice] = field(default_factory=list)


@dataclass(frozen=True)
class NoticeOutput:
    """Where this window's case notices go: the receipt printer of the machine config (kind "none": no receipt
    printer) and a folder for the A4 PDFs (None: no PDF)."""

    printer: Any = None  # common.printing.backends.PrinterSettings | None
    pdf_dir: Path | None = None

    @property
    def has_printer(self) -> bool:
        return self.printer is not None and getattr(self.printer, "kind", "none") not in ("", "none")


@dataclass(frozen=True)
class NoticeResult:
    """One notice handed over: printed on the receipt printer and/or saved as an A4 PDF, and recorded."""

    case_no: str
    document: str  # acceptance / correction / rejection / completion
    title: str  # 受理通知书 …
    copy_no: int  # 1 = first print, 2+ = 补打
    printed: bool  # on the receipt printer
    printer_error: str  # why the receipt printer failed ("" if it did not)
    pdf_path: Path | None
    preview_png: bytes  # what the receipt looks like (the same layout as the PDF)


@dataclass(frozen=True)
class IntakeOutcome:
    summary: Any  # CaseSummary
    notice: NoticeResult | None
    notice_error: str = ""  # the case is saved; only the notice failed (reprint from the case)


def default_notice(case_type: str, status: str) -> str:
    """The notice handed over right after intake."""
    if status == "rejected" or case_type == "rejected":
        return "rejection"
    if status == "awaiting_materials" or case_type == "correction":
        return "correction"
    return "acceptance"


class CounterServices:
    def __init__(self, db: Database | None = None, *, db_url: str | None = None, site_code: str | None = None):
        if db is None and not db_url:
            raise ValueError("either db or db_url is required")
        self._db = db
        self._owns_db = db is None
        self.db_url = db.url if db is not None else str(db_url)
        self.site_code = site_code or None
        self._site = None
        self._lock = threading.Lock()

    # -- plumbing -------------------------------------------------------------------------------

    @property
    def db(self) -> Database:
        with self._lock:
            if self._db is None:
                try:
                    self._db = open_database(self.db_url)
                except DatabaseUnavailable:
                    raise
                except (OperationalError, DBAPIError, OSError) as exc:
                    raise _unavailable(self.db_url) from exc
            return self._db

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(self.db, *args, **kwargs)
        except OperationalError as exc:
            raise _unavailable(self.db_url) from exc

    def close(self) -> None:
        if self._db is not None and self._owns_db:
            self._db.dispose()

    def ping(self) -> bool:
        """A cheap read: raises DatabaseUnavailable while the database is down."""
        from sqlalchemy import text

        def probe(db: Database) -> bool:
            with db.read() as s:
                s.execute(text("SELECT 1"))
            return True

        return self._call(probe)

    # -- hall -----------------------------------------------------------------------------------

    def site(self) -> Any:
        if self._site is None:
            from common.services.sites import resolve_site

            self._site = self._call(resolve_site, self.site_code)
        return self._site

    def windows(self) -> list[queries.WindowChoice]:
        return self._call(queries.list_windows, self.site().id)

    def window_by_number(self, number: int) -> queries.WindowChoice:
        return self._call(queries.window_by_number, self.site().id, number)

    # -- sign in / attendance --------------------------------------------------------------------

    def login(self, staff_no: str, password: str) -> Actor:
        from common.services.auth import login

        return self._call(login, staff_no, password)

    def sign_in(self, actor: Actor, window_id: int, stand_in_for: str | None = None) -> Any:
        from common.services.attendance import sign_in

        return self._call(sign_in, actor, window_id, stand_in_for_staff_no=stand_in_for or None)

    def heartbeat(self, session_id: int) -> Any:
        from common.services.attendance import heartbeat

        return self._call(heartbeat, session_id)

    def sign_out(self, actor: Actor, session_id: int, reason: str = "signed_out") -> Any:
        from common.services.attendance import sign_out

        return self._call(sign_out, actor, session_id, reason)

    def start_break(self, actor: Actor, session_id: int, reason: str) -> Any:
        from common.services.attendance import start_break

        return self._call(start_break, actor, session_id, reason)

    def end_break(self, actor: Actor, session_id: int) -> Any:
        from common.services.attendance import end_break

        return self._call(end_break, actor, session_id)

    def break_reasons(self) -> list[str]:
        from common.services.attendance import BREAK_REASONS

        return list(BREAK_REASONS)

    # -- the workspace -----------------------------------------------------------------------------

    def snapshot(self, actor: Actor, window_id: int, session_id: int | None) -> WorkspaceSnapshot:
        from common.services import queue
        from common.services.attendance import open_session

        current = self._call(queue.current_ticket, window_id)
        statuses = self._call(queue.window_queues, window_id)
        parked = self.parked(window_id)
        figures = self._call(queries.today_figures, window_id, actor.staff_id)
        session = self._call(open_session, window_id)
        if session is not None and session_id is not None and session.id != session_id:
            session = None
        return WorkspaceSnapshot(current, list(statuses), parked, figures, session)

    def parked(self, window_id: int) -> list[queries.ParkedTicket]:
        from common.services import queue

        fn = getattr(queue, "parked_tickets", None)
        if fn is not None:
            return [
                queries.ParkedTicket(
                    p.ticket_id, p.number, getattr(p, "queue_name", ""),
                    getattr(p, "parked_at", None), getattr(p, "note", "") or "",
                )
                for p in self._call(fn, window_id)
            ]
        return self._call(queries.parked_tickets, window_id)

    def transfer_targets(self, window_id: int) -> TransferTargets:
        from common.services import queue

        site_id = self.site().id
        statuses = self._call(queue.list_queue_status, site_id) if hasattr(queue, "list_queue_status") else []
        windows = [w for w in self._call(queries.list_windows, site_id) if w.id != window_id]
        clerks = self._call(queries.transfer_clerks, site_id, window_id)
        return TransferTargets(list(statuses), windows, clerks)

    def window_queues(self, window_id: int) -> list[Any]:
        from common.services import queue

        return list(self._call(queue.window_queues, window_id))

    # -- queue actions (each one transaction in the queue engine) ----------------------------------

    def call_next(self, actor: Actor, window_id: int) -> Any:
        from common.services import queue

        return self._call(queue.call_next, actor, window_id)

    def call_specific(self, actor: Actor, window_id: int, number: str) -> Any:
        from common.services import queue

        return self._call(queue.call_specific, actor, window_id, number)

    def recall(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.recall, actor, window_id, ticket_id)

    def start_service(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.start_service, actor, window_id, ticket_id)

    def no_show(self, actor: Actor, window_id: int, ticket_id: int, requeue: bool = False) -> Any:
        from common.services import queue

        return self._call(queue.mark_no_show, actor, window_id, ticket_id, requeue=requeue)

    def park(self, actor: Actor, window_id: int, ticket_id: int, note: str = "") -> Any:
        from common.services import queue

        return self._call(queue.park, actor, window_id, ticket_id, note=note)

    def resume(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.resume, actor, window_id, ticket_id)

    def transfer(self, actor: Actor, window_id: int, ticket_id: int, *, to_queue_id: int | None = None,
                 to_window_id: int | None = None, to_staff_id: int | None = None, note: str = "",
                 return_after: bool = False) -> Any:
        from common.services import queue

        return self._call(queue.transfer, actor, window_id, ticket_id, to_queue_id=to_queue_id,
                          to_window_id=to_window_id, to_staff_id=to_staff_id, note=note, return_after=return_after)

    def walk_direct(self, actor: Actor, window_id: int, queue_id: int, note: str = "") -> Any:
        from common.services import queue

        return self._call(queue.walk_direct, actor, window_id, queue_id, note=note)

    def finish(self, actor: Actor, window_id: int, ticket_id: int) -> Any:
        from common.services import queue

        return self._call(queue.finish, actor, window_id, ticket_id)

    def record_consultation(self, actor: Actor, window_id: int, topic: str, directed_to: str,
                            item_code: str | None = None, ticket_id: int | None = None) -> Any:
        from common.services.consultations import record_consultation

        return self._call(record_consultation, actor, window_id, topic, directed_to, item_code=item_code or None,
                          ticket_id=ticket_id)

    # -- the rating pad ----------------------------------------------------------------------------

    def pad_state(self, window_id: int) -> PadState:
        from common.services import queue
        from common.services.ratings import pending_rating

        card = self._call(queries.clerk_card, window_id)
        current = self._call(queue.current_ticket, window_id)
        pending = self._call(pending_rating, window_id)
        hall = ""
        try:
            hall = self.site().hall_name
        except Exception:  # noqa: BLE001 - the hall name is decoration
            hall = ""
        return PadState(card, current.number if current is not None else None, pending, hall)

    def submit_rating(self, pending: Any, level: int, reasons: list[str] | None = None) -> Any:
        from common.services.ratings import submit_rating

        return self._call(submit_rating, ticket_id=pending.ticket_id, case_id=pending.case_id,
                          window_id=pending.window_id, staff_id=pending.staff_id, level=level,
                          reasons=list(reasons or []))

    def record_skipped(self, pending: Any) -> Any:
        from common.services.ratings import record_skipped

        return self._call(record_skipped, ticket_id=pending.ticket_id, case_id=getattr(pending, "case_id", None),
                          window_id=pending.window_id, staff_id=pending.staff_id)

    def low_rating_reasons(self) -> list[str]:
        from common.services.ratings import LOW_RATING_REASONS

        return list(LOW_RATING_REASONS)

    # -- event channel -------------------------------------------------------------------------------

    def event_cursor(self) -> Any:
        from common.services.events import EventCursor

        return self._call(EventCursor, self.site().id)

    # -- cases (办件) ------------------------------------------------------------------------------------

    def search_index(self) -> Any:
        """The catalog search index (in memory; reloaded when the catalog changed). Searching it needs no
        database, so the intake screen searches on every keystroke on the GUI thread."""
        from common.services.search import SearchIndex

        index = getattr(self, "_search_index", None)
        if index is None or self._call(index.is_stale):
            index = self._call(SearchIndex.load)
            self._search_index = index
        return index

    def bundles(self) -> list[Any]:
        from common.services.catalog import list_bundles

        return self._call(list_bundles)

    def bundle_guide(self, code: str) -> Any:
        from common.services.catalog import get_bundle_guide

        return self._call(get_bundle_guide, code)

    def departments(self) -> list[Any]:
        from common.services.catalog import list_departments

        return [d for d in self._call(list_departments) if d.active]

    def intake_checklist(self, item_code: str) -> Any:
        from common.services.cases import intake_checklist

        return self._call(intake_checklist, item_code)

    def intake_preview(self, actor: Actor, item_code: str, case_type: str, *, urgent_days: int | None = None,
                       joint_parts: tuple = (), window_id: int | None = None) -> Any:
        from common.services.cases.counter_support import intake_preview

        return self._call(intake_preview, actor, item_code, case_type, urgent_days=urgent_days,
                          joint_parts=joint_parts, window_id=window_id)

    def verify_signature(self, staff_no: str, password: str) -> Actor:
        """A second person confirms at the window (首席代表 approving a rejection or an extension)."""
        from common.errors import InvalidInput

        if not (staff_no or "").strip() or not password:
            raise InvalidInput("请首席代表输入工号和密码确认。")
        return self.login(staff_no.strip(), password)

    def take_in(self, actor: Actor, req: Any, *, signer: tuple[str, str] | None = None,
                output: NoticeOutput | None = None) -> IntakeOutcome:
        """受理 (dispatching on req.case_type); then the notice to hand over is printed and recorded. A failed
        notice never undoes the intake: the outcome says so and the clerk reprints from the case."""
        from common.services.cases import take_in

        approved_by = self.verify_signature(*signer) if signer else None
        summary = self._call(take_in, actor, req, approved_by=approved_by)
        notice, error = None, ""
        if output is not None:
            try:
                notice = self.print_notice(actor, summary.case_no, default_notice(summary.case_type, summary.status),
                                           output)
            except Exception as exc:  # noqa: BLE001 - the case IS saved (never retry the intake): report the notice
                error = getattr(exc, "message", None) or str(exc)
        return IntakeOutcome(summary, notice, error)

    def notice_preview(self, actor: Actor, case_no: str, document: str) -> tuple[Any, bytes]:
        """(CaseNotice, PNG bytes of its receipt rendering) without printing."""
        from common.services.cases import case_notice

        notice = self._call(case_notice, actor, case_no, document)
        return notice, _notice_png(notice)

    def print_notice(self, actor: Actor, case_no: str, document: str, output: NoticeOutput, *,
                     receipt: bool = True, pdf: bool = True) -> NoticeResult:
        """Print a notice on the receipt printer and/or save its A4 PDF, then `record_print` (one row per copy)."""
        from common.errors import InvalidInput
        from common.printing.backends import PrinterError
        from common.printing.case_documents import notice_pdf
        from common.printing.case_documents import print_notice as send_notice
        from common.services.cases import case_notice, record_print

        notice = self._call(case_notice, actor, case_no, document)
        printed, printer_error, pdf_path = False, "", None
        if receipt and output.has_printer:
            try:
                send_notice(output.printer, notice)
                printed = True
            except PrinterError as exc:
                printer_error = exc.message_zh
        if pdf and output.pdf_dir is not None:
            folder = Path(output.pdf_dir)
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{notice.case_no}-{notice.title}-{notice.copy_no}.pdf"
                path.write_bytes(notice_pdf(notice))
                pdf_path = path
            except OSError as exc:
                printer_error = (printer_error + "；" if printer_error else "") + f"A4 PDF 无法保存到 {folder}：{exc}"
        if not printed and pdf_path is None:
            raise InvalidInput(printer_error or "未配置小票打印机，也未设置 PDF 保存目录，无法出具告知书。")
        targets = []
        if printed:
            targets.append(f"小票：{output.printer.describe()}")
        if pdf_path is not None:
            targets.append(f"A4 PDF：{pdf_path.name}")
        record = self._call(record_print, actor, notice.case_no, document, "；".join(targets)[:200])
        return NoticeResult(notice.case_no, document, notice.title, record.copy_no, printed, printer_error, pdf_path,
                            _notice_png(notice))

    def find_cases(self, actor: Actor, query: str = "", window_id: int | None = None) -> list[Any]:
        from common.services.cases.counter_support import find_cases

        return self._call(find_cases, actor, query, window_id=window_id)

    def get_case(self, actor: Actor, case_no: str) -> Any:
        from common.services.cases import get_case

        return self._call(get_case, actor, case_no)

    def inbox(self, actor: Actor, settle: bool = True) -> list[Any]:
        """The actor's pending tasks; with `settle`, joint departments past their deadline are deemed to agree
        first (超时默认, `resolve_timeouts`), so the inbox never shows a task the rules already decided."""
        from common.services.cases import inbox, resolve_timeouts

        if settle:
            self._call(resolve_timeouts)
        return self._call(inbox, actor)

    def decide_task(self, actor: Actor, task_id: int, approve: bool, opinion: str = "") -> Any:
        from common.services.cases import decide_task

        return self._call(decide_task, actor, task_id, approve, opinion)

    def supply_materials(self, actor: Actor, case_no: str, material_ids: set[int], window_id: int | None = None,
                         output: NoticeOutput | None = None) -> IntakeOutcome:
        """补交材料; a 补办件 that becomes a 承诺件 gets its 受理通知书 printed at once."""
        from common.services.cases import supply_materials

        summary = self._call(supply_materials, actor, case_no, set(material_ids), window_id=window_id)
        notice, error = None, ""
        if output is not None and summary.status == "accepted" and summary.case_type == "promised" \
                and not summary.missing_materials:
            try:
                notice = self.print_notice(actor, summary.case_no, "acceptance", output)
            except Exception as exc:  # noqa: BLE001 - the materials ARE recorded: report the notice problem
                error = getattr(exc, "message", None) or str(exc)
        return IntakeOutcome(summary, notice, error)

    def stop_clock(self, actor: Actor, case_no: str, reason: str, note: str, window_id: int | None = None) -> Any:
        from common.services.cases import stop_clock

        return self._call(stop_clock, actor, case_no, reason, note, window_id=window_id)

    def restart_clock(self, actor: Actor, case_no: str, note: str = "", window_id: int | None = None) -> Any:
        from common.services.cases import restart_clock

        return self._call(restart_clock, actor, case_no, note=note, window_id=window_id)

    def extend(self, actor: Actor, case_no: str, days: int, reason: str, signer: tuple[str, str] | None) -> Any:
        """延期, approved by the chief rep / manager who signs at the window (or the actor, when signer is None
        and the actor may approve)."""
        from common.services.cases import extend

        approver = self.verify_signature(*signer) if signer else actor
        return self._call(extend, actor, case_no, days, approver, reason)

    def mark_ready(self, actor: Actor, case_no: str, window_id: int | None = None) -> Any:
        from common.services.cases import mark_ready

        return self._call(mark_ready, actor, case_no, window_id=window_id)

    def mail(self, actor: Actor, case_no: str, tracking_no: str, window_id: int | None = None) -> Any:
        from common.services.cases import mail

        return self._call(mail, actor, case_no, tracking_no, window_id=window_id)

    def record_pickup(self, actor: Actor, case_no: str, picked_by: str, window_id: int | None = None) -> Any:
        from common.services.cases import record_pickup

        return self._call(record_pickup, actor, case_no, picked_by, window_id=window_id)

    # -- 督办报表 (hall managers, supervisors) ---------------------------------------------------------

    def today(self) -> Any:
        """The hall's business day now (its time zone, not this PC's)."""
        from common import clock

        return clock.business_day(clock.utcnow(), self.site().timezone)

    def hall_report(self, actor: Actor, kind: str, day: Any) -> Any:
        """运行日报/周报/月报 of the period (`day` / `week` / `month`) that contains `day`."""
        from common.services import reports

        make = {"day": reports.day_period, "week": reports.week_period, "month": reports.month_period}[kind]
        period = make(day)
        return self._call(reports.hall_report, actor, self.site().id, period.day_from, period.day_to)

    def export_report(self, report: Any, folder: Path, kind: str) -> Path:
        """Save a report as Excel (`xlsx`) or PDF (`pdf`) under `folder`, named after its title."""
        import re

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (re.sub(r'[\\/:*?"<>|\s]+', "_", report.title) + "." + kind)
        if kind == "xlsx":
            from common.services.reports_xlsx import write_xlsx

            return write_xlsx(report, path)
        from common.printing.report_pdf import write_pdf

        return write_pdf(report, path)

    def complaints(self, actor: Actor, status: str | None = None) -> list[Any]:
        """投诉与建议 of this hall, newest first (supervisors and managers)."""
        from common.services.complaints import list_complaints

        return self._call(list_complaints, actor, self.site().id, status=status)

    def follow_up_complaint(self, actor: Actor, ref_no: str, note: str, close: bool = False) -> Any:
        from common.services.complaints import follow_up

        return self._call(follow_up, actor, ref_no, note, close=close)

    # -- 预约登记 -----------------------------------------------------------------------------------

    def appointment_queues(self) -> list[Any]:
        from common.services.appointments import bookable_queues

        return self._call(bookable_queues, self.site().id)

    def appointment_days(self, queue_id: int) -> list[Any]:
        from common.services.appointments import open_days

        return self._call(open_days, queue_id)

    def appointment_slots(self, queue_id: int, day: Any) -> list[Any]:
        from common.services.appointments import slots

        return self._call(slots, queue_id, day)

    def book_appointment(self, actor: Actor, queue_id: int, day: Any, slot_start: Any, *, name: str, id_number: str,
                         phone: str, printer: Any = None) -> tuple[Any, str]:
        """Book, then print the 预约凭条 on the receipt printer if there is one. Returns (info, what happened to the
        slip): the booking stands even when the printer fails — the clerk reads the code out instead."""
        from common.printing.backends import PrinterError
        from common.printing.jobs import print_blocks
        from common.services.appointments import appointment_slip_layout, book

        info = self._call(book, actor, queue_id, day, slot_start, name=name, id_number=id_number, phone=phone)
        if printer is None or getattr(printer, "kind", "none") in ("", "none"):
            return info, "未配置小票打印机，请将预约码告知群众。"
        try:
            print_blocks(printer, appointment_slip_layout(info, self.site().hall_name))
        except PrinterError as exc:
            return info, f"预约凭条打印失败（{exc.message_zh}），请将预约码告知群众。"
        return info, "已打印预约凭条。"


def _notice_png(notice: Any) -> bytes:
    """The receipt rendering of a notice (80 mm), as PNG bytes for the on-screen preview."""
    import io

    from common.printing.case_documents import notice_layout
    from common.printing.raster import render_png

    buf = io.BytesIO()
    render_png(notice_layout(notice), 80).save(buf, format="PNG")
    return buf.getvalue()
