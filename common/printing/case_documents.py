"""Case notices (办件文书): ONE layout per document, rendered as an A4 PDF and as a thermal receipt.

Documents:
- 受理通知书 (`acceptance`), with the 承诺书 wording for cases with a promised deadline (承诺件, 特办件, 联办件);
- 一次性告知书 (`correction`): every missing material at once (行政许可法 第三十二条);
- 不予受理告知书 (`rejection`): the reason and how to appeal (行政复议 60 days, 行政诉讼 6 months);
- 办结通知书 (`completion`): the result, on time or not, and where to pick it up / the mail tracking number.

Every document carries the hall name, case number, item name + guide version, the applicant with a masked ID,
the accepting window and clerk, the date, the limit in working days with its date where one applies, and a QR
code `GH1|C|<case_no>|<check_code>` that opens the progress lookup on the kiosk.

Plain values in (`CaseNotice`), blocks / bytes out; no database here (the case services build the notice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from common.qrcodes import case_payload
from common.domain import LabeledEnum
from common.printing.layout import Block, Columns, QrBlock, Rule, Spacer, Text


class NoticeKind(LabeledEnum):
    ACCEPTANCE = ("acceptance", "受理通知书")
    CORRECTION = ("correction", "一次性告知书")
    REJECTION = ("rejection", "不予受理告知书")
    COMPLETION = ("completion", "办结通知书")


@dataclass(frozen=True)
class NoticeMaterial:
    name: str
    originals: int = 1
    copies: int = 0
    notes: str = ""
    due: Optional[dt.date] = None  # 容缺: hand in by this date


@dataclass(frozen=True)
class CaseNotice:
    kind: NoticeKind
    hall_name: str
    case_no: str
    check_code: str
    item_name: str
    item_version: int
    department: str
    case_type: str  # CaseType value
    case_type_label: str
    applicant_name: str
    applicant_is_enterprise: bool
    applicant_id_masked: str
    window_label: str  # "3号窗口 综合受理" (common.domain.window_title)
    clerk_name: str
    issued_on: dt.date  # the date of the notice
    received_on: Optional[dt.date] = None  # the day the application was received / accepted
    days_limit: int = 0  # working days
    deadline: Optional[dt.date] = None
    agent_name: str = ""
    urgent: bool = False
    missing: tuple[NoticeMaterial, ...] = ()  # correction: every missing material; acceptance: 容缺 materials
    reason: str = ""  # rejection reason
    commitment_signed: bool = False  # 告知承诺
    escalated_to: str = ""
    joint_departments: tuple[tuple[str, Optional[dt.date]], ...] = ()  # (department, its deadline)
    approved: Optional[bool] = None  # completion: True 准予 / False 不予
    result: str = ""
    finished_on: Optional[dt.date] = None
    delivery: str = "pickup"  # pickup / mail
    pickup_place: str = ""
    tracking_no: str = ""
    picked_up_on: Optional[dt.date] = None
    hotline: str = "12345"
    copy_no: int = 1  # >1: a reprint (补打)
    extra_lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def qr_data(self) -> str:
        return case_payload(self.case_no, self.check_code)

    @property
    def title(self) -> str:
        return NoticeKind(self.kind).label


def cn_date(day: Optional[dt.date]) -> str:
    """2026年10月13日"""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def _header(n: CaseNotice) -> list[Block]:
    blocks: list[Block] = [
        Text(n.hall_name, size="large", align="center", bold=True),
        Text(n.title, size="large", align="center", bold=True),
        Text(f"编号：{n.case_no}", align="center"),
    ]
    if n.copy_no > 1:
        blocks.append(Text(f"（补打 · 第 {n.copy_no} 份）", align="center"))
    blocks.append(Rule())
    return blocks


def _party(n: CaseNotice, date_label: str, date: Optional[dt.date]) -> list[Block]:
    item_type = n.case_type_label + ("（特办）" if n.urgent and "特办" not in n.case_type_label else "")
    rows: list[Block] = [
        Columns("申请事项", f"{n.item_name}（办事指南第{n.item_version}版）"),
        Columns("承办部门", n.department),
        Columns("申请人", n.applicant_name),
        Columns("统一社会信用代码" if n.applicant_is_enterprise else "身份证件号码", n.applicant_id_masked),
    ]
    if n.agent_name:
        rows.append(Columns("代理人", n.agent_name))
    rows += [
        Columns("办件类型", item_type),
        Columns("受理窗口", n.window_label or "—"),
        Columns("经办人", n.clerk_name or "—"),
    ]
    if date is not None:
        rows.append(Columns(date_label, cn_date(date)))
    return rows


def _limit_rows(n: CaseNotice) -> list[Block]:
    if n.deadline is None:
        return []
    if n.days_limit == 0:
        return [Columns("办理时限", "当场办结")]
    return [Columns("承诺时限", f"{n.days_limit}个工作日"), Columns("办结期限", f"{cn_date(n.deadline)}前")]


def _materials(items: tuple[NoticeMaterial, ...], with_due: bool) -> list[Block]:
    blocks: list[Block] = []
    for i, m in enumerate(items, 1):
        counts = [f"原件{m.originals}份"] if m.originals else []
        if m.copies:
            counts.append(f"复印件{m.copies}份")
        line = f"{i}. {m.name}" + (f"（{'，'.join(counts)}）" if counts else "")
        if with_due and m.due is not None:
            line += f"，请于{cn_date(m.due)}前补交"
        blocks.append(Text(line))
        if m.notes:
            blocks.append(Text(f"    说明：{m.notes}"))
    return blocks


def _footer(n: CaseNotice, *, stamp: bool = True) -> list[Block]:
    blocks: list[Block] = [Rule(), QrBlock(n.qr_data, size_mm=24),
                           Text("扫描二维码或在自助服务终端输入编号和查询码，可查询办理进度", align="center"),
                           Columns("查询码", n.check_code, bold=True)]
    if stamp:
        blocks += [Spacer(1), Text(f"{n.hall_name}（盖章）", align="right"), Text(cn_date(n.issued_on), align="right")]
    blocks.append(Text(f"监督投诉电话：{n.hotline}", align="center"))
    return blocks


# --------------------------------------------------------------------------------------------- the four layouts


def acceptance_layout(n: CaseNotice) -> list[Block]:
    """受理通知书 (with the 承诺书 for promised deadlines)."""
    blocks = _header(n) + [Text(f"{n.applicant_name}：", bold=True)]
    received = cn_date(n.received_on or n.issued_on)
    if n.days_limit == 0:
        blocks.append(Text(f"    你（单位）于{received}提出的“{n.item_name}”申请，申请材料齐全、符合法定形式，"
                           "本中心予以受理，并已当场办结。"))
    else:
        blocks.append(Text(f"    你（单位）于{received}提出的“{n.item_name}”申请，申请材料齐全、符合法定形式"
                           f"{'（部分材料容缺后补）' if n.missing else ''}，根据《中华人民共和国行政许可法》第三十二条"
                           "的规定，决定予以受理。"))
    blocks += _party(n, "受理日期", n.received_on or n.issued_on) + _limit_rows(n)
    if n.commitment_signed:
        blocks.append(Text("    申请人已签署告知承诺书，本事项按告知承诺制办理。申请人应当履行承诺，"
                           "有关部门将依法进行核查，发现承诺不实的，依法撤销相关决定并追究责任。"))
    if n.missing:
        blocks += [Text("容缺受理材料（请按期补交）：", bold=True)] + _materials(n.missing, with_due=True)
    if n.joint_departments:
        blocks.append(Text("联合审批：", bold=True))
        blocks += [Columns(name, f"{cn_date(due)}前" if due else "—") for name, due in n.joint_departments]
        blocks.append(Text("    联办部门逾期未提出意见的，视为同意（超时默认）。"))
    if n.escalated_to:
        blocks.append(Text(f"    本事项经窗口初审，已报送{n.escalated_to}审批。本中心负责督促承办部门与上级机关"
                           f"联系，在{cn_date(n.deadline)}前办理落实并告知结果。" if n.deadline else
                           f"    本事项经窗口初审，已报送{n.escalated_to}审批。"))
    if n.days_limit > 0 and n.deadline is not None and not n.escalated_to:
        blocks += [
            Text("承 诺 书", size="large", align="center", bold=True),
            Text(f"    本中心承诺：自受理之日起{n.days_limit}个工作日内，即{cn_date(n.deadline)}前，"
                 f"对你（单位）申请的“{n.item_name}”作出决定并办结。"
                 + ("本件按特别程序紧急办理。" if n.urgent else "")),
            Text("    依法需要现场勘验、听证、检验检测、专家评审的，所需时间不计入承诺时限，届时将书面告知；"
                 "办结期限因此顺延。逾期未办结的，你（单位）可拨打监督投诉电话反映。"),
        ]
    blocks.append(Text("    请妥善保管本通知书，凭本通知书及有效身份证件领取办理结果。"
                       if n.delivery != "mail" else "    办理结果将邮寄送达，请保持电话畅通。"))
    return blocks + _footer(n)


def correction_layout(n: CaseNotice) -> list[Block]:
    """一次性告知书: every missing material, all at once."""
    blocks = _header(n) + [Text(f"{n.applicant_name}：", bold=True)]
    blocks.append(Text(f"    你（单位）于{cn_date(n.received_on or n.issued_on)}提出的“{n.item_name}”申请，"
                       "申请材料不齐全。根据《中华人民共和国行政许可法》第三十二条的规定，现一次性告知你（单位）"
                       f"需要补正的全部材料（共{len(n.missing)}项）："))
    blocks += _materials(n.missing, with_due=False)
    blocks += _party(n, "告知日期", n.issued_on)
    if n.days_limit:
        blocks.append(Columns("承诺时限", f"{n.days_limit}个工作日（自材料补齐受理之日起计算）"))
    blocks += [
        Text(f"    请补齐上述全部材料后，携带本告知书到{n.window_label or '受理窗口'}办理。"
             "补齐材料之日即为受理之日，办理时限自该日起计算。"),
        Text("    本告知书所列为需补正的全部材料。窗口工作人员不得要求补正本告知书以外的材料；"
             "如有，可拨打监督投诉电话反映。"),
    ]
    return blocks + _footer(n)


def rejection_layout(n: CaseNotice) -> list[Block]:
    """不予受理告知书: the reason, and how to appeal (行政复议 / 行政诉讼 with their time limits)."""
    blocks = _header(n) + [Text(f"{n.applicant_name}：", bold=True)]
    blocks.append(Text(f"    你（单位）于{cn_date(n.received_on or n.issued_on)}提出的“{n.item_name}”申请，"
                       "经审查，决定不予受理。理由如下："))
    blocks.append(Text(f"    {n.reason}"))
    blocks += _party(n, "告知日期", n.issued_on)
    blocks += [
        Text("权利告知：", bold=True),
        Text("    如对本决定不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
             "也可以自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。"),
        Text("    符合条件后，你（单位）可以重新提出申请。"),
    ]
    return blocks + _footer(n)


def completion_layout(n: CaseNotice) -> list[Block]:
    """办结通知书: result, finished date (on time or not), pickup place or mail tracking number."""
    blocks = _header(n) + [Text(f"{n.applicant_name}：", bold=True)]
    verdict = "准予办理" if n.approved else "不予批准"
    blocks.append(Text(f"    你（单位）于{cn_date(n.received_on or n.issued_on)}申请的“{n.item_name}”"
                       f"已于{cn_date(n.finished_on or n.issued_on)}办结，结果为：{verdict}。"))
    if n.result and n.result not in ("准予办理", "准予许可"):
        blocks.append(Text(f"    {'审批意见' if n.approved else '理由'}：{n.result}"))
    blocks += _party(n, "受理日期", n.received_on) + _limit_rows(n)
    if n.finished_on is not None:
        on_time = n.deadline is None or n.finished_on <= n.deadline
        blocks.append(Columns("办结日期", f"{cn_date(n.finished_on)}（{'按时办结' if on_time else '超期办结'}）"))
    if n.delivery == "mail":
        blocks.append(Columns("送达方式", "邮寄送达"))
        if n.tracking_no:
            blocks.append(Columns("邮件单号", n.tracking_no))
    elif n.picked_up_on is not None:
        blocks.append(Columns("领取情况", f"已于{cn_date(n.picked_up_on)}领取"))
    else:
        blocks.append(Columns("领取地点", n.pickup_place or n.window_label or "出件窗口"))
        blocks.append(Text("    请申请人本人携带有效身份证件及本通知书领取；委托他人领取的，"
                           "还需提供授权委托书及受托人身份证件。"))
    if not n.approved:
        blocks.append(Text("    如对本决定不服，可以自收到决定之日起六十日内依法申请行政复议，"
                           "也可以自收到决定之日起六个月内依法向人民法院提起行政诉讼。"))
    return blocks + _footer(n)


_LAYOUTS = {
    NoticeKind.ACCEPTANCE: acceptance_layout,
    NoticeKind.CORRECTION: correction_layout,
    NoticeKind.REJECTION: rejection_layout,
    NoticeKind.COMPLETION: completion_layout,
}


def notice_layout(notice: CaseNotice) -> list[Block]:
    """THE layout of a notice: the same blocks go to the thermal printer and to the A4 PDF."""
    return _LAYOUTS[NoticeKind(notice.kind)](notice)


def notice_pdf(notice: CaseNotice) -> bytes:
    from common.printing.pdf import render_pdf

    return render_pdf(notice_layout(notice), title=f"{notice.title} {notice.case_no}", author=notice.hall_name,
                      subject=notice.item_name, footer=f"{notice.title}  {notice.case_no}")


def notice_escpos(notice: CaseNotice, paper: int = 80, mode: str = "raster", cut: str = "full") -> bytes:
    from common.printing.escpos_out import render_escpos

    return render_escpos(notice_layout(notice), paper=paper, mode=mode, cut=cut)  # type: ignore[arg-type]


def print_notice(settings, notice: CaseNotice, check_paper: bool = False) -> None:
    """Send the thermal version to a configured receipt printer (PrinterError in Chinese on failure)."""
    from common.printing.jobs import print_blocks

    print_blocks(settings, notice_layout(notice), check_paper=check_paper)
