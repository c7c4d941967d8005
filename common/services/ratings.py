"""好差评 through the rating pad (满意度评价器) at each window.

- The pad polls `pending_rating(window)`: the ticket just finished there that has no rating yet. It then shows the
  clerk (name, number, photo) and the five levels; a level of 不满意 or 非常不满意 needs at least one reason.
- One rating per ticket (and per case when rated without a ticket). The ticket (or case) row is locked while
  checking, so two pads cannot both rate it. A citizen who walks away is recorded by `record_skipped`
  (rated False, level NULL): it counts against the window's rating rate; a later real rating replaces it.
- `rating_stats`: served (finished tickets), rated, skipped, rating rate, satisfaction rate
  ((非常满意+满意+基本满意)/rated, as halls report it, 001: 群众满意率 99.49%), the share of 非常满意, low
  ratings, and whether the window or clerk owes a written explanation: "对出现漏评以及群众满意率低于100%的窗口
  必须作出书面说明" (001).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.clock import business_day
from common.db.engine import Database
from common.db.models import Case, Rating, Staff, Ticket, TicketEvent, Window
from common.domain import RatingLevel, Role, TicketEventKind, TicketStatus
from common.errors import Conflict, InvalidInput, NotFound
from common.services.attendance import _now, _site_tz, publish_event, window_label
from common.services.permissions import Actor, require

LOW_RATING_REASONS: list[str] = ["服务态度差", "办事效率低", "材料要求反复", "一次性告知不清", "等候时间长", "其他"]

# (score, label), best first, as the pad shows them.
LEVELS: list[tuple[int, str]] = [(lv.value, lv.label) for lv in sorted(RatingLevel, key=lambda x: -x.value)]
LEVEL_LABELS: dict[int, str] = dict(LEVELS)

DIMENSIONS: dict[str, str] = {
    "attitude": "服务态度",
    "efficiency": "办事效率",
    "quality": "服务质量",
    "integrity": "廉洁自律",
}

# How long after a ticket is finished the pad still asks for its rating.
PENDING_WINDOW = dt.timedelta(minutes=10)
COMMENT_MAX = 500

_RATEABLE = (TicketStatus.DONE, TicketStatus.SERVING)
REPORT_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.CHIEF_REP)


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RatingInfo:
    id: int
    ticket_id: int | None
    case_id: int | None
    window_id: int | None
    staff_id: int | None
    rated: bool
    level: int | None
    level_label: str | None
    dimensions: dict[str, int]
    reasons: list[str]
    comment: str
    created_at: dt.datetime
    business_day: dt.date


@dataclass(frozen=True)
class PendingRating:
    ticket_id: int
    ticket_number: str
    case_id: int | None
    window_id: int
    window_number: int
    window_name: str
    staff_id: int | None
    staff_name: str
    staff_no: str
    staff_photo_path: str
    finished_at: dt.datetime


@dataclass(frozen=True)
class RatingStat:
    key: int
    name: str
    served: int  # finished tickets
    rated: int
    skipped: int  # the citizen walked away from the pad
    missed: int  # served but never rated (skipped or the pad never asked)
    rating_rate: float | None  # rated / max(served, ratings recorded)
    satisfaction: float | None  # (非常满意+满意+基本满意) / rated
    very_satisfied: float | None  # 非常满意 / rated
    average: float | None
    low_count: int  # 不满意 + 非常不满意
    owes_explanation: bool  # 漏评 or satisfaction under 100% (001)
    explanation_reasons: list[str] = field(default_factory=list)
    by_level: dict[int, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- helpers


def _score(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(f"{what}的评分应为 1–5 的整数。")
    return int(value)


def _to_info(r: Rating) -> RatingInfo:
    dims = {k: getattr(r, k) for k in DIMENSIONS if getattr(r, k) is not None}
    return RatingInfo(
        id=r.id,
        ticket_id=r.ticket_id,
        case_id=r.case_id,
        window_id=r.window_id,
        staff_id=r.staff_id,
        rated=r.rated,
        level=r.level,
        level_label=LEVEL_LABELS.get(r.level) if r.level is not None else None,
        dimensions=dims,
        reasons=list(r.reasons or []),
        comment=r.comment or "",
        created_at=r.created_at,
        business_day=r.business_day,
    )


def _load_targets(
    s: Session, ticket_id: int | None, case_id: int | None, window_id: int, staff_id: int
) -> tuple[Window, Ticket | None, Case | None]:
    """Validate the ticket/case/window/clerk and lock the ticket (or case) row; returns them."""
    if ticket_id is None and case_id is None:
        raise InvalidInput("评价需关联排队号或办件。")
    win = s.get(Window, window_id)
    if win is None:
        raise NotFound(f"找不到窗口（编号 {window_id}）。")
    if s.get(Staff, staff_id) is None:
        raise NotFound(f"找不到工作人员（编号 {staff_id}）。")
    ticket = case = None
    if ticket_id is not None:
        ticket = s.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
        if ticket is None:
            raise NotFound(f"找不到排队号（编号 {ticket_id}）。")
        if ticket.site_id != win.site_id:
            raise InvalidInput("该排队号不属于本窗口所在的大厅。")
        if ticket.status not in _RATEABLE:
            raise Conflict(f"{ticket.number} 号尚未办理（{ticket.status.label}），不能评价。")
    if case_id is not None:
        q = select(Case).where(Case.id == case_id)
        if ticket is None:
            q = q.with_for_update()
        case = s.scalar(q)
        if case is None:
            raise NotFound(f"找不到办件（编号 {case_id}）。")
    return win, ticket, case


def _existing(s: Session, ticket: Ticket | None, case: Case | None) -> Rating | None:
    if ticket is not None:
        q = select(Rating).where(Rating.ticket_id == ticket.id)
    else:
        q = select(Rating).where(Rating.case_id == case.id, Rating.ticket_id.is_(None))
    return s.scalar(q.order_by(Rating.id).limit(1))


# --------------------------------------------------------------------------------------------- writing


def submit_rating(
    db: Database,
    *,
    ticket_id: int | None = None,
    case_id: int | None = None,
    window_id: int,
    staff_id: int,
    level: int,
    dimensions: dict[str, int] | None = None,
    reasons: list[str] | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> RatingInfo:
    """A citizen's rating from the pad. Refused (Conflict) if the ticket (or case) was already rated."""
    now = _now(now)
    level = _score(level, "总体评价")
    dims: dict[str, int] = {}
    for key, value in (dimensions or {}).items():
        if key not in DIMENSIONS:
            raise InvalidInput(f"未知的评价维度：{str(key)[:20]}")
        if value is not None:
            dims[key] = _score(value, DIMENSIONS[key])
    clean_reasons: list[str] = []
    for r in reasons or []:
        r = str(r).strip()
        if r not in LOW_RATING_REASONS:
            raise InvalidInput(f"未知的不满意原因：{r[:20]}")
        if r not in clean_reasons:
            clean_reasons.append(r)
    if level <= RatingLevel.DISSATISFIED and not clean_reasons:
        raise InvalidInput("请选择不满意的原因。")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(f"留言不能超过 {COMMENT_MAX} 个字。")
    with db.write() as s:
        win, ticket, case = _load_targets(s, ticket_id, case_id, window_id, staff_id)
        day = business_day(now, _site_tz(s, win.site_id))
        row = _existing(s, ticket, case)
        if row is not None and row.rated:
            what = f"{ticket.number} 号" if ticket is not None else f"办件 {case.case_no}"
            raise Conflict(f"{what}已评价，不能重复评价。")
        if row is None:
            row = Rating(ticket_id=ticket_id)
            s.add(row)
        # A skipped record (the citizen had walked away, then came back) becomes the rating.
        row.case_id = case_id if case_id is not None else row.case_id
        row.window_id = win.id
        row.staff_id = staff_id
        row.rated = True
        row.level = level
        for key in DIMENSIONS:
            setattr(row, key, dims.get(key))
        row.reasons = clean_reasons
        row.comment = comment
        row.created_at = now
        row.business_day = day
        s.flush()
        publish_event(
            s, "rating.submitted",
            {"rating_id": row.id, "ticket_id": ticket_id, "case_id": row.case_id, "window_id": win.id,
             "staff_id": staff_id, "level": level},
            win.site_id, now,
        )
        return _to_info(row)


def record_skipped(
    db: Database,
    *,
    ticket_id: int,
    case_id: int | None = None,
    window_id: int,
    staff_id: int,
    now: dt.datetime | None = None,
) -> RatingInfo:
    """The citizen walked away without rating (the pad timed out). Counts against the rating rate."""
    now = _now(now)
    with db.write() as s:
        win, ticket, case = _load_targets(s, ticket_id, case_id, window_id, staff_id)
        row = _existing(s, ticket, case)
        if row is not None:
            if row.rated:
                raise Conflict(f"{ticket.number} 号已评价。")
            return _to_info(row)  # already recorded as skipped
        row = Rating(
            ticket_id=ticket_id,
            case_id=case_id,
            window_id=win.id,
            staff_id=staff_id,
            rated=False,
            level=None,
            reasons=[],
            comment="",
            created_at=now,
            business_day=business_day(now, _site_tz(s, win.site_id)),
        )
        s.add(row)
        s.flush()
        publish_event(
            s, "rating.skipped",
            {"rating_id": row.id, "ticket_id": ticket_id, "window_id": win.id, "staff_id": staff_id},
            win.site_id, now,
        )
        return _to_info(row)


# --------------------------------------------------------------------------------------------- the pad


def pending_rating(db: Database, window_id: int, now: dt.datetime | None = None) -> PendingRating | None:
    """The ticket most recently finished at this window (within PENDING_WINDOW), if it has no rating yet."""
    now = _now(now)
    cutoff = now - PENDING_WINDOW
    with db.read() as s:
        win = s.get(Window, window_id)
        if win is None:
            raise NotFound(f"找不到窗口（编号 {window_id}）。")
        # The ticket's own window, or (if the queue engine clears it on finish) the window of its 'finished' event.
        by_ticket = s.execute(
            select(Ticket.id, Ticket.finished_at, Ticket.staff_id)
            .where(
                Ticket.window_id == window_id,
                Ticket.status == TicketStatus.DONE,
                Ticket.finished_at >= cutoff,
                Ticket.finished_at <= now,
            )
            .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
            .limit(1)
        ).first()
        by_event = s.execute(
            select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.staff_id)
            .where(
                TicketEvent.window_id == window_id,
                TicketEvent.kind == TicketEventKind.FINISHED,
                TicketEvent.at >= cutoff,
                TicketEvent.at <= now,
            )
            .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
            .limit(1)
        ).first()
        candidates = [c for c in (by_ticket, by_event) if c is not None]
        if not candidates:
            return None
        ticket_id, finished_at, staff_id = max(candidates, key=lambda c: (c[1], c[0]))
        if s.scalar(select(Rating.id).where(Rating.ticket_id == ticket_id).limit(1)) is not None:
            return None
        ticket = s.get(Ticket, ticket_id)
        if ticket is None or ticket.status != TicketStatus.DONE:
            return None
        staff_id = staff_id or ticket.staff_id
        staff = s.get(Staff, staff_id) if staff_id else None
        case_id = s.scalar(select(Case.id).where(Case.ticket_id == ticket_id).order_by(Case.id).limit(1))
        return PendingRating(
            ticket_id=ticket.id,
            ticket_number=ticket.number,
            case_id=case_id,
            window_id=win.id,
            window_number=win.number,
            window_name=win.name,
            staff_id=staff.id if staff else None,
            staff_name=staff.name if staff else "",
            staff_no=staff.staff_no if staff else "",
            staff_photo_path=staff.photo_path if staff else "",
            finished_at=finished_at,
        )


# --------------------------------------------------------------------------------------------- statistics


def rating_stats(
    db: Database,
    site_id: int,
    day_from: dt.date,
    day_to: dt.date,
    by: str = "window",
    *,
    actor: Actor | None = None,
) -> list[RatingStat]:
    """Rating rate and satisfaction per window or per clerk over business days [day_from, day_to]."""
    if actor is not None:
        require(actor, *REPORT_ROLES, action="查看评价统计")
    if by not in ("window", "staff"):
        raise InvalidInput("统计维度应为 window（按窗口）或 staff（按工作人员）。")
    if day_to < day_from:
        raise InvalidInput("统计的结束日期不能早于开始日期。")
    with db.read() as s:
        finished = (
            select(
                TicketEvent.ticket_id.label("ticket_id"),
                func.max(TicketEvent.window_id).label("window_id"),
                func.max(TicketEvent.staff_id).label("staff_id"),
            )
            .where(TicketEvent.kind == TicketEventKind.FINISHED)
            .group_by(TicketEvent.ticket_id)
            .subquery()
        )
        if by == "window":
            t_key = func.coalesce(finished.c.window_id, Ticket.window_id)
            r_key = Rating.window_id
        else:
            t_key = func.coalesce(finished.c.staff_id, Ticket.staff_id)
            r_key = Rating.staff_id
        served_rows = s.execute(
            select(t_key, func.count(func.distinct(Ticket.id)))
            .select_from(Ticket)
            .outerjoin(finished, finished.c.ticket_id == Ticket.id)
            .where(
                Ticket.site_id == site_id,
                Ticket.status == TicketStatus.DONE,
                Ticket.business_day >= day_from,
                Ticket.business_day <= day_to,
            )
            .group_by(t_key)
        ).all()
        served = {k: int(n) for k, n in served_rows if k is not None}
        rating_rows = s.execute(
            select(r_key, Rating.rated, Rating.level, func.count(Rating.id))
            .join(Window, Window.id == Rating.window_id)
            .where(Window.site_id == site_id, Rating.business_day >= day_from, Rating.business_day <= day_to)
            .group_by(r_key, Rating.rated, Rating.level)
        ).all()
        acc: dict[int, dict[str, Any]] = {}

        def slot(k: int) -> dict[str, Any]:
            return acc.setdefault(k, {"rated": 0, "skipped": 0, "levels": {}})

        for k in served:
            slot(k)
        for k, rated, level, n in rating_rows:
            if k is None:
                continue
            a = slot(k)
            if rated and level is not None:
                a["rated"] += int(n)
                a["levels"][int(level)] = a["levels"].get(int(level), 0) + int(n)
            else:
                a["skipped"] += int(n)
        if not acc:
            return []
        if by == "window":
            names = {w.id: (window_label(w), w.number) for w in s.scalars(select(Window).where(Window.id.in_(list(acc))))}
        else:
            names = {
                st.id: (f"{st.name}（{st.staff_no}）", st.staff_no)
                for st in s.scalars(select(Staff).where(Staff.id.in_(list(acc))))
            }
    out: list[RatingStat] = []
    for k, a in acc.items():
        n_served = served.get(k, 0)
        rated, skipped, levels = a["rated"], a["skipped"], a["levels"]
        denominator = max(n_served, rated + skipped)
        missed = max(0, denominator - rated)
        satisfied = sum(n for lv, n in levels.items() if lv >= RatingLevel.BASIC)
        low = sum(n for lv, n in levels.items() if lv <= RatingLevel.DISSATISFIED)
        satisfaction = satisfied / rated if rated else None
        reasons = []
        if missed:
            reasons.append(f"漏评 {missed} 次")
        if satisfaction is not None and satisfaction < 1:
            reasons.append(f"群众满意率 {satisfaction * 100:.2f}%，低于100%")
        out.append(
            RatingStat(
                key=k,
                name=names.get(k, (str(k), ""))[0],
                served=n_served,
                rated=rated,
                skipped=skipped,
                missed=missed,
                rating_rate=rated / denominator if denominator else None,
                satisfaction=satisfaction,
                very_satisfied=levels.get(int(RatingLevel.VERY_SATISFIED), 0) / rated if rated else None,
                average=sum(lv * n for lv, n in levels.items()) / rated if rated else None,
                low_count=low,
                owes_explanation=bool(reasons),
                explanation_reasons=reasons,
                by_level={lv: levels.get(lv, 0) for lv, _ in LEVELS},
            )
        )
    out.sort(key=lambda r: names.get(r.key, ("", r.key))[1] if by == "window" else r.name)
    return out
