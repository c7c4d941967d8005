"""Cases (办件): intake of the seven handling types, deadlines in working days, the back-office inbox, delivery,
the kiosk's progress lookup and the 即办即录 report.

Conventions: every function takes `db` and (except the kiosk lookup) the acting `Actor`; permissions are checked
here; one transaction per call; results are frozen dataclasses, never ORM objects; `now` is injectable (default:
the database clock). Every change appends a CaseEvent (its time from the database clock), an audit row and a
`case.changed` hall event.
"""

from common.services.cases._core import CaseSummary, case_qr_payload
from common.services.cases.deadlines import (
    MAX_EXTENSION_DAYS,
    STATUTORY_DEFAULT_DAYS,
    WARNING_LABELS,
    case_warning,
    compute_deadline,
    extend,
    remaining_working_days,
    restart_clock,
    stop_clock,
    stopped_working_days,
    urgent_limit,
    warning_level,
)
from common.services.cases.inbox import (
    CaseDetail,
    CaseMaterialInfo,
    EventInfo,
    InboxRow,
    StopInfo,
    TaskInfo,
    get_case,
    inbox,
)
from common.services.cases.intake import (
    CANCELLED_MESSAGE,
    ApplicantInput,
    ChecklistMaterial,
    IntakeChecklist,
    IntakeRequest,
    JointPart,
    accept_immediate,
    accept_joint,
    accept_promised,
    accept_urgent,
    escalate,
    intake_checklist,
    reject,
    request_correction,
    supply_materials,
    take_in,
)
from common.services.cases.lookup import (
    WRONG_CODE,
    BatchEntryRow,
    MissingMaterial,
    ProgressStep,
    PublicProgress,
    batch_entry_report,
    case_notice,
    mask_name,
    parse_case_qr,
    public_progress,
)
from common.services.cases.workflow import (
    PrintRecord,
    TaskDecision,
    decide_task,
    mail,
    mark_ready,
    record_commitment_check,
    record_pickup,
    record_print,
    resolve_timeouts,
)

__all__ = [
    "ApplicantInput", "BatchEntryRow", "CANCELLED_MESSAGE", "CaseDetail", "CaseMaterialInfo", "CaseSummary",
    "ChecklistMaterial", "EventInfo", "InboxRow", "IntakeChecklist", "IntakeRequest", "JointPart",
    "MAX_EXTENSION_DAYS", "MissingMaterial", "PrintRecord", "ProgressStep", "PublicProgress", "STATUTORY_DEFAULT_DAYS",
    "StopInfo", "TaskDecision", "TaskInfo", "WARNING_LABELS", "WRONG_CODE", "accept_immediate", "accept_joint",
    "accept_promised", "accept_urgent", "batch_entry_report", "case_notice", "case_qr_payload", "case_warning",
    "compute_deadline", "decide_task", "escalate", "extend", "get_case", "inbox", "intake_checklist", "mail",
    "mark_ready", "mask_name", "parse_case_qr", "public_progress", "record_commitment_check", "record_pickup",
    "record_print", "reject", "remaining_working_days", "request_correction", "resolve_timeouts", "restart_clock",
    "stop_clock", "stopped_working_days", "supply_materials", "take_in", "urgent_limit", "warning_level",
]
