"""What the hall display (叫号屏) shows, and what it says: `display_snapshot` and `announcement_text`.

No Qt here. The display's worker thread calls `display_snapshot` after every batch of hall events; the GUI only
paints the dataclasses it gets back.

A public screen shows no personal data of citizens: tickets are shown by number only. Clerks are shown on their
window's card (亮牌) with a MASKED name ("王*": the first character and one star, whatever the length, so the
length of the name is not given away either) and their photo when one is set; the hall can turn both off with the
settings `display_show_names` / `display_show_photos` (default: on).

`announcement_text` is THE one place that builds the spoken text; every voice back end (system speech, recorded
clips) speaks exactly what it returns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from common.clock import business_day, utcnow
from common.db.engine import Database
from common.db.models import (
    Department,
    Setting,
    HallEvent,
    Queue,
    Site,
    Staff,
    Ticket,
    Window,
    WindowBreak,
    WindowQueue,
    WindowSession,
)
from common.domain import TicketStatus
from common.errors import NotFound
from common.services.settings import DEFAULTS as SETTING_DEFAULTS

__all__ = [
    "DisplaySnapshot",
    "QueueWaiting",
    "RecentCall",
    "WindowBoard",
    "announcement_text",
    "announcement_texts",
    "chinese_numeral",
    "display_snapshot",
    "mask_name",
    "spoken_number",
]

T = Ticket.__table__
Q = Queue.__table__
W = Window.__table__
WQ = WindowQueue.__table__
WS = WindowSession.__table__
WB = WindowBreak.__table__
ST = Staff.__table__
D = Department.__table__
HE = HallEvent.__table__

RECENT_CALLS = 8

# Window states, in the words the screen uses.
CALLING, SERVING, IDLE, PAUSED, CLOSED = "calling", "serving", "idle", "paused", "closed"
STATE_LABELS = {
    CALLING: "正在呼叫",
    SERVING: "正在办理",
    IDLE: "空闲",
    PAUSED: "暂停服务",
    CLOSED: "暂未开放",
}


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RecentCall:
    ticket_id: int
    number: str
    window_id: int
    window_number: int
    window_name: str
    called_at: dt.datetime
    status: str  # TicketStatus value: called / serving / done / no_show …


@dataclass(frozen=True)
class WindowBoard:
    window_id: int
    number: int
    name: str
    zone: str
    services: str  # what the window does: the department's short name, else the main queue it serves
    state: str  # calling / serving / idle / paused / closed
    current_number: str | None  # the ticket it is calling or serving
    clerk: str  # masked ("王*"), or "" when nobody is signed in or names are not shown
    photo_path: str  # the clerk's photo (亮牌), "" when none or photos are not shown

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, "")

    @property
    def is_open(self) -> bool:
        return self.state not in (PAUSED, CLOSED)


@dataclass(frozen=True)
class QueueWaiting:
    queue_id: int
    prefix: str
    name: str
    zone: str
    waiting: int


@dataclass(frozen=True)
class DisplaySnapshot:
    site_id: int
    hall_name: str
    zone: str  # "" = the whole hall
    notice: str
    taken_at: dt.datetime  # UTC
    business_day: dt.date
    timezone: str
    last_event_id: int
    calls: tuple[RecentCall, ...] = ()  # newest first
    windows: tuple[WindowBoard, ...] = ()  # by window number
    queues: tuple[QueueWaiting, ...] = ()  # display order
    window_ids: frozenset[int] = field(default_factory=frozenset)  # the windows this display covers

    @property
    def latest(self) -> RecentCall | None:
        return self.calls[0] if self.calls else None

    @property
    def paused_windows(self) -> tuple[WindowBoard, ...]:
        return tuple(w for w in self.windows if w.state == PAUSED)

    @property
    def closed_windows(self) -> tuple[WindowBoard, ...]:
        return tuple(w for w in self.windows if w.state == CLOSED)

    @property
    def waiting_total(self) -> int:
        return sum(q.waiting for q in self.queues)

    def window(self, window_id: int) -> WindowBoard | None:
        return next((w for w in self.windows if w.window_id == window_id), None)


# --------------------------------------------------------------------------------------------- names


def mask_name(name: str | None) -> str:
    """王小明 → 王*; an empty name stays empty. Latin names keep their first letter: Alice → A*."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*"


def _flag(value, default: bool = True) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "否", "")
    return bool(value)


# --------------------------------------------------------------------------------------------- snapshot


def _settings(s, site_id: int, keys: tuple[str, ...]) -> dict[str, object]:
    """Several settings in one query, resolved like `get_setting`: the site's value, else global, else default."""
    rows = s.execute(
        select(Setting.key, Setting.site_id, Setting.value)
        .where(Setting.key.in_(keys), (Setting.site_id == site_id) | Setting.site_id.is_(None))
    ).all()
    found: dict[tuple[str, int | None], object] = {(k, sid): v for k, sid, v in rows}
    return {
        k: found[(k, site_id)] if (k, site_id) in found else found.get((k, None), SETTING_DEFAULTS.get(k))
        for k in keys
    }


def display_snapshot(
    db: Database,
    site_id: int,
    zone: str | None = None,
    *,
    now: dt.datetime | None = None,
    recent: int = RECENT_CALLS,
) -> DisplaySnapshot:
    """Everything the display shows, in one read transaction (a handful of small indexed queries)."""
    now = (now or utcnow()).astimezone(dt.timezone.utc)
    zone = (zone or "").strip()
    with db.read() as s:
        site = s.execute(select(Site.__table__.c.timezone, Site.__table__.c.name).where(Site.__table__.c.id == site_id)).first()
        if site is None:
            raise NotFound(f"找不到站点（编号 {site_id}）。")
        tz = site.timezone
        day = business_day(now, tz)
        conf = _settings(s, site_id, ("hall_name", "display_notice", "display_show_names", "display_show_photos"))
        hall_name = conf["hall_name"] or site.name
        notice = str(conf["display_notice"] or "")
        show_names = _flag(conf["display_show_names"])
        show_photos = show_names and _flag(conf["display_show_photos"])
        last_event_id = int(s.scalar(select(func.max(HE.c.id))) or 0)

        # windows of the site (and zone)
        wstmt = (
            select(W.c.id, W.c.number, W.c.name, W.c.zone, D.c.short_name, D.c.name.label("dept"))
            .select_from(W.outerjoin(D, D.c.id == W.c.department_id))
            .where(W.c.site_id == site_id, W.c.active.is_(True))
            .order_by(W.c.number, W.c.id)
        )
        if zone:
            wstmt = wstmt.where(W.c.zone == zone)
        windows = s.execute(wstmt).all()
        wids = [w.id for w in windows]

        # open sessions of today (clerk, photo) and open breaks
        sessions: dict[int, tuple[str, str, bool]] = {}
        if wids:
            open_break = (
                select(WB.c.id).where(WB.c.session_id == WS.c.id, WB.c.ended_at.is_(None)).limit(1)
                .correlate(WS).scalar_subquery()
            )
            for wid, name, photo, brk in s.execute(
                select(WS.c.window_id, ST.c.name, ST.c.photo_path, open_break)
                .join(ST, ST.c.id == WS.c.staff_id)
                .where(WS.c.window_id.in_(wids), WS.c.ended_at.is_(None), WS.c.business_day == day)
                .order_by(WS.c.started_at)
            ).all():
                sessions[wid] = (name or "", photo or "", brk is not None)

        # the ticket each window is calling / serving
        held: dict[int, tuple[str, str]] = {}
        if wids:
            for wid, number, status in s.execute(
                select(T.c.window_id, T.c.number, T.c.status)
                .where(T.c.window_id.in_(wids), T.c.business_day == day,
                       T.c.status.in_((TicketStatus.CALLED, TicketStatus.SERVING)))
                .order_by(T.c.called_at.asc().nulls_first(), T.c.id)
            ).all():
                held[wid] = (number, TicketStatus(status).value)

        # queues (and which queues each window serves, for its label)
        qstmt = (
            select(Q.c.id, Q.c.prefix, Q.c.name, Q.c.zone)
            .where(Q.c.site_id == site_id, Q.c.active.is_(True))
            .order_by(Q.c.position, Q.c.prefix, Q.c.id)
        )
        if zone:
            qstmt = qstmt.where(Q.c.zone == zone)
        queues = s.execute(qstmt).all()
        served: dict[int, list[str]] = {}
        if wids:
            for wid, qname in s.execute(
                select(WQ.c.window_id, Q.c.name).join(Q, Q.c.id == WQ.c.queue_id)
                .where(WQ.c.window_id.in_(wids), Q.c.active.is_(True))
                .order_by(WQ.c.window_id, WQ.c.weight.desc(), Q.c.position)
            ).all():
                served.setdefault(wid, []).append(qname)
        waiting: dict[int, int] = {}
        qids = [q.id for q in queues]
        if qids:
            waiting = {
                qid: int(n)
                for qid, n in s.execute(
                    select(T.c.queue_id, func.count())
                    .where(T.c.queue_id.in_(qids), T.c.business_day == day, T.c.status == TicketStatus.WAITING)
                    .group_by(T.c.queue_id)
                ).all()
            }

        # the latest calls at these windows
        calls: list[RecentCall] = []
        if wids and recent > 0:
            rows = s.execute(
                select(T.c.id, T.c.number, T.c.window_id, W.c.number.label("wnum"), W.c.name.label("wname"),
                       T.c.called_at, T.c.status)
                .join(W, W.c.id == T.c.window_id)
                .where(T.c.site_id == site_id, T.c.business_day == day, T.c.called_at.is_not(None),
                       T.c.window_id.in_(wids), T.c.walk_direct.is_(False))
                .order_by(T.c.called_at.desc(), T.c.id.desc())
                .limit(recent)
            ).all()
            calls = [
                RecentCall(r.id, r.number, r.window_id, r.wnum, r.wname, _aware(r.called_at), TicketStatus(r.status).value)
                for r in rows
            ]

    boards = []
    for w in windows:
        sess = sessions.get(w.id)
        ticket = held.get(w.id)
        if sess is None:
            state = CLOSED
        elif sess[2]:
            state = PAUSED
        elif ticket is not None:
            state = CALLING if ticket[1] == TicketStatus.CALLED.value else SERVING
        else:
            state = IDLE
        services = w.short_name or w.dept or (served.get(w.id) or [""])[0]  # a comprehensive window: its main queue
        boards.append(
            WindowBoard(
                window_id=w.id,
                number=w.number,
                name=w.name,
                zone=w.zone or "",
                services=services or "",
                state=state,
                current_number=ticket[0] if ticket and state in (CALLING, SERVING) else None,
                clerk=mask_name(sess[0]) if sess and show_names else "",
                photo_path=sess[1] if sess and show_photos else "",
            )
        )
    return DisplaySnapshot(
        site_id=site_id,
        hall_name=str(hall_name),
        zone=zone,
        notice=notice,
        taken_at=now,
        business_day=day,
        timezone=tz,
        last_event_id=last_event_id,
        calls=tuple(calls),
        windows=tuple(boards),
        queues=tuple(QueueWaiting(q.id, q.prefix, q.name, q.zone or "", waiting.get(q.id, 0)) for q in queues),
        window_ids=frozenset(wids),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------------------------- spoken text

ZH_DIGITS = "零一二三四五六七八九"
_NUMBER_RE = re.compile(r"^([^\d]*)(\d*)(.*)$")


def chinese_numeral(n: int) -> str:
    """0 → 零, 12 → 十二, 105 → 一百零五, 110 → 一百一十, 2010 → 二千零一十 (natural reading, up to 9999)."""
    if n < 0:
        raise ValueError("negative numbers are not spoken")
    if n == 0:
        return ZH_DIGITS[0]
    if n >= 10000:
        return "".join(ZH_DIGITS[int(c)] for c in str(n))
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    out: list[str] = []
    pending_zero = False
    for value, unit in units:
        digit = (n // value) % 10
        if digit == 0:
            if out:
                pending_zero = True
            continue
        if pending_zero:
            out.append(ZH_DIGITS[0])
            pending_zero = False
        if not (value == 10 and digit == 1 and not out):  # 十二, not 一十二 (but 一百一十)
            out.append(ZH_DIGITS[digit])
        out.append(unit)
    return "".join(out)


def _split(number: str) -> tuple[str, str, str]:
    m = _NUMBER_RE.match((number or "").strip().upper())
    assert m is not None  # the pattern matches every string
    return m.group(1), m.group(2), m.group(3)


def spoken_number(number: str, number_reading: str = "digits", *, english: bool = False) -> str:
    """A012 → "A零一二" (digits) / "A十二" (natural); English: "A 0 1 2" / "A 12". Letters stay letters."""
    letters, digits, rest = _split(number)
    if number_reading not in ("digits", "natural"):
        raise ValueError(f"number_reading must be 'digits' or 'natural', not {number_reading!r}")
    if english:
        parts = [c for c in letters if not c.isspace()]
        if digits:
            parts += list(digits) if number_reading == "digits" else [str(int(digits))]
        parts += [c for c in rest if not c.isspace()]
        return " ".join(parts)
    spoken = letters.replace(" ", "")
    if digits:
        if number_reading == "digits":
            spoken += "".join(ZH_DIGITS[int(c)] for c in digits)
        else:
            spoken += chinese_numeral(int(digits))
    return spoken + "".join(ZH_DIGITS[int(c)] if c.isdigit() else c for c in rest)


def announcement_text(
    number: str,
    window_number: int | None,
    window_name: str = "",
    *,
    number_reading: str = "digits",
    english: bool = False,
) -> str:
    """The words spoken for one call.

    Chinese: "请A零一二号到五号窗口办理" (digits) / "请A十二号到五号窗口办理" (natural): the letter is spoken as a
    letter, the window number naturally. English (`english=True`): "Number A 0 1 2, please go to window 5".
    A window without a number is named instead: "请A零一二号到不动产登记窗口办理".
    """
    num = spoken_number(number, number_reading, english=english)
    if english:
        where = f"window {window_number}" if window_number else (window_name or "the counter")
        return f"Number {num}, please go to {where}"
    where = f"{chinese_numeral(int(window_number))}号窗口" if window_number else (window_name or "窗口")
    return f"请{num}号到{where}办理"


def announcement_texts(
    number: str,
    window_number: int | None,
    window_name: str = "",
    *,
    number_reading: str = "digits",
    english: bool = False,
) -> list[tuple[str, str]]:
    """[("zh", Chinese text)] and, when `english`, then [("en", English text)]: one round of an announcement."""
    out = [("zh", announcement_text(number, window_number, window_name, number_reading=number_reading))]
    if english:
        out.append(("en", announcement_text(number, window_number, window_name, number_reading=number_reading,
                                            english=True)))
    return out

