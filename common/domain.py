"""Domain vocabulary shared by every layer: the hall's enums, with their Chinese labels.

Values are stable English strings (they are stored in the database); `label` is what people read.
"""

from __future__ import annotations

import enum


class LabeledEnum(str, enum.Enum):
    """A string enum whose members carry a Chinese label: `Member = ("value", "标签")`."""

    label: str

    def __new__(cls, value: str, label: str = ""):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        return obj

    def __str__(self) -> str:  # keeps f-strings and logs readable
        return self.value


class SiteLevel(LabeledEnum):
    CITY = ("city", "市级政务服务中心")
    COUNTY = ("county", "县级政务服务中心")
    TOWNSHIP = ("township", "乡镇便民服务中心")
    VILLAGE = ("village", "村（社区）代办点")


class ItemStatus(LabeledEnum):
    IN_FORCE = ("in_force", "在用")
    CANCELLED = ("cancelled", "已取消")  # 凡是取消的项目，一律不得录入办证软件 (000): kept for history, never offered


class ItemHandling(LabeledEnum):
    """How the catalog says an item is normally handled."""

    IMMEDIATE = ("immediate", "即办件")
    PROMISED = ("promised", "承诺件")


class ItemFlag(LabeledEnum):
    AT_MOST_ONCE = ("at_most_once", "最多跑一次")
    HIGH_FREQUENCY = ("high_frequency", "高频事项")
    NOTIFY_COMMIT = ("notify_commit", "告知承诺")
    UNDIFFERENTIATED = ("undifferentiated", "无差别受理")


class BundleKind(LabeledEnum):
    LIFE_EVENT = ("life_event", "个人一件事")
    BUSINESS_EVENT = ("business_event", "企业一件事")


class Role(LabeledEnum):
    CLERK = ("clerk", "窗口工作人员")
    CHIEF_REP = ("chief_rep", "首席代表")
    APPROVER = ("approver", "后台审批")
    MANAGER = ("manager", "中心管理")
    SUPERVISOR = ("supervisor", "电子监察")
    AGENT = ("agent", "代办员")
    ADMIN = ("admin", "系统管理员")


class Post(LabeledEnum):
    A = ("A", "A岗")
    B = ("B", "B岗")


class WindowKind(LabeledEnum):
    COMPREHENSIVE = ("comprehensive", "综合窗口")
    DEPARTMENT = ("department", "部门窗口")
    PICKUP = ("pickup", "出件窗口")


class Priority(LabeledEnum):
    """Priority categories (优先服务对象). NORMAL is the ordinary ticket."""

    NORMAL = ("normal", "普通")
    ELDERLY = ("elderly", "老年人")
    DISABLED = ("disabled", "残疾人")
    PREGNANT = ("pregnant", "孕妇")
    MILITARY = ("military", "军人/消防救援")
    GREEN_CHANNEL = ("green_channel", "绿色通道")


class TicketStatus(LabeledEnum):
    WAITING = ("waiting", "等候中")
    CALLED = ("called", "已叫号")
    SERVING = ("serving", "办理中")
    PARKED = ("parked", "挂起")
    DONE = ("done", "已办结")
    NO_SHOW = ("no_show", "过号")
    EXPIRED = ("expired", "已过期")  # unserved when the day closed
    CANCELLED = ("cancelled", "已取消")


class TicketEventKind(LabeledEnum):
    ISSUED = ("issued", "取号")
    CHECKED_IN = ("checked_in", "预约签到")
    CALLED = ("called", "叫号")
    RECALLED = ("recalled", "重呼")
    STARTED = ("started", "开始办理")
    NO_SHOW = ("no_show", "过号")
    REQUEUED = ("requeued", "过号重排")
    PARKED = ("parked", "挂起")
    RESUMED = ("resumed", "恢复")
    TRANSFERRED = ("transferred", "转移")
    RETURNED = ("returned", "转回原队列")
    FINISHED = ("finished", "办结")
    EXPIRED = ("expired", "日终过期")
    CANCELLED = ("cancelled", "取消")
    REPRINTED = ("reprinted", "补打")


class CaseType(LabeledEnum):
    """七类事项办理制 (000)."""

    IMMEDIATE = ("immediate", "即办件")
    REJECTED = ("rejected", "退办件")
    CORRECTION = ("correction", "补办件")
    PROMISED = ("promised", "承诺件")
    JOINT = ("joint", "联办件")
    ESCALATED = ("escalated", "上报件")
    URGENT = ("urgent", "特办件")


class CaseStatus(LabeledEnum):
    DRAFT = ("draft", "录入中")
    AWAITING_MATERIALS = ("awaiting_materials", "待补正")
    ACCEPTED = ("accepted", "已受理")
    IN_REVIEW = ("in_review", "审批中")
    CLOCK_STOPPED = ("clock_stopped", "暂停计时")
    ESCALATED = ("escalated", "已上报")
    APPROVED = ("approved", "已批准")
    DENIED = ("denied", "不予批准")
    READY = ("ready", "待领取")
    MAILED = ("mailed", "已邮寄")
    COMPLETED = ("completed", "已办结")
    REJECTED = ("rejected", "不予受理")
    WITHDRAWN = ("withdrawn", "撤回")


class ApplicantKind(LabeledEnum):
    PERSON = ("person", "个人")
    ENTERPRISE = ("enterprise", "企业")


class TaskStatus(LabeledEnum):
    PENDING = ("pending", "待审批")
    APPROVED = ("approved", "同意")
    DENIED = ("denied", "不同意")
    DEEMED_APPROVED = ("deemed_approved", "超时默认同意")


class ClockStopReason(LabeledEnum):
    CORRECTION = ("correction", "补正材料")
    INSPECTION = ("inspection", "现场勘验")
    EXPERT_REVIEW = ("expert_review", "专家评审")
    HEARING = ("hearing", "听证")
    TESTING = ("testing", "检验检测")
    OTHER = ("other", "其他法定事由")


class Delivery(LabeledEnum):
    PICKUP = ("pickup", "窗口领取")
    MAIL = ("mail", "邮寄送达")


class AppointmentStatus(LabeledEnum):
    BOOKED = ("booked", "已预约")
    CHECKED_IN = ("checked_in", "已签到")
    MISSED = ("missed", "爽约")
    CANCELLED = ("cancelled", "已取消")


class RatingLevel(int, enum.Enum):
    """好差评 five levels; the stored value is the score."""

    VERY_SATISFIED = 5
    SATISFIED = 4
    BASIC = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1

    @property
    def label(self) -> str:
        return {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}[self.value]


class ComplaintStatus(LabeledEnum):
    OPEN = ("open", "待处理")
    IN_PROGRESS = ("in_progress", "处理中")
    CLOSED = ("closed", "已办结")


class DeviceKind(LabeledEnum):
    KIOSK = ("kiosk", "自助取号机")
    COUNTER = ("counter", "窗口工作站")
    DISPLAY = ("display", "叫号屏")
    RATING_PAD = ("rating_pad", "评价器")
    ADMIN = ("admin", "管理机")


def window_title(number: int, name: str | None = "") -> str:
    """3号窗口, or 3号窗口 不动产登记 when the window has a name of its own (a name that only repeats
    the number is not said twice)."""
    own = (name or "").strip()
    base = f"{number}号窗口"
    return base if not own or own == base else f"{base} {own}"
