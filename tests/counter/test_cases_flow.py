"""Cases after intake, at the counter through the real widgets: a 补办件 whose materials are supplied later (→ 承诺件),
a 承诺件 with 容缺 and 告知承诺 through a clock stop and restart, the back office's approval, 通知领取 and 领取登记,
and a 联办件 where one department times out (超时默认) and the result is mailed. The database is read back after
each step: case status, type, deadline, tasks, events, clock stops and the notices printed."""

from __future__ import annotations

import datetime as dt

from common import clock
from common.services.cases import resolve_timeouts
from counter.qt import Qt
from tests.counter.case_driver import (
    Clerk,
    case,
    clock_stops,
    deadline_after,
    event_data,
    events,
    notice_output,
    prints,
    tasks,
    today,
)
from tests.counter.conftest import issue, type_text

K = Qt.Key
USCC = "91350100M000100Y43"


def test_correction_then_materials_supplied_becomes_promised(hall, counters, qtbot, tmp_path):
    db = hall
    issue(db, "A", 1)
    c = counters(db, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    d = clerk.open_intake()
    clerk.pick_item(d, "qysldj", "SCJGJ-001")  # 企业设立登记, promised 1 working day
    clerk.applicant(d, "示例县鑫源餐饮有限公司", USCC, enterprise=True, agent=("李经办", "110101199003070011"))
    clerk.tick_all_but(d, "公司章程", "住所（经营场所）使用证明")
    clerk.choose_type(d, "correction", keyboard=True)  # Alt+3
    assert "公司章程" in d.correction_list.text() and "住所（经营场所）使用证明" in d.correction_list.text()
    assert clerk.wait_preview(d, "材料补齐之日起计时")
    n = clerk.submit(d)
    case_no = clerk.cases.last_outcome.summary.case_no
    row = case(db, case_no)
    assert (row["status"], row["type"], row["deadline"], row["accepted_day"]) == (
        "awaiting_materials", "correction", None, None)
    assert row["missing"] == ["公司章程", "住所（经营场所）使用证明"] and row["agent"] == "李经办"
    assert events(db, case_no) == ["correction_requested", "printed"]
    assert event_data(db, case_no, "correction_requested")["missing_names"] == row["missing"]
    assert prints(db, case_no) == [("correction", 1)]
    assert "一次性告知书" in n.title_label.text()
    clerk.finish_dialog(n)
    c.press(K.Key_F8)

    # days later: the applicant is back with the missing materials; the clerk scans the notice's QR code
    detail = clerk.find(f"GH1|C|{case_no}|{clerk.cases.last_outcome.summary.check_code}")
    assert detail.status_badge.text() == "待补正"
    assert detail.buttons["supply"].isEnabled() and not detail.buttons["stop"].isEnabled()
    clerk.action("supply")
    s = clerk.dialog("SupplyDialog")
    assert s.list.count() == 2
    for i in range(2):
        s.list.setCurrentRow(i)
        qtbot.keyClick(s.list, K.Key_Space)
    clerk.click(s.ok_button)
    n = clerk.dialog("NoticeDialog")  # the 受理通知书 of the 承诺件 is printed at once
    row = case(db, case_no)
    assert (row["status"], row["type"], row["missing"]) == ("accepted", "promised", [])
    assert row["accepted_day"] == today(db) and row["deadline"] == deadline_after(db, 1)
    assert events(db, case_no) == ["correction_requested", "printed", "materials_supplied", "accepted", "printed"]
    assert prints(db, case_no) == [("correction", 1), ("acceptance", 1)]
    assert [(code, st) for code, st, _lead, _dl in tasks(db, case_no)] == [("SCJGJ", "pending")]
    clerk.finish_dialog(n)
    detail = clerk.wait_status("accepted")
    assert detail.case_type == "promised"
    assert "转为承诺件" in c.w.cases.banner.text()


def test_promised_case_with_deferral_clock_stop_approval_and_pickup(hall, counters, qtbot, tmp_path):
    db = hall
    issue(db, "A", 1)
    c = counters(db, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    c.press(K.Key_F11)
    d = clerk.open_intake()
    clerk.pick_item(d, "spjyxkzhf", "SCJGJ-010")  # 食品经营许可证核发 by full initials, 10 working days
    assert d.case_type() == "promised" and d.commitment.isEnabled()
    clerk.applicant(d, "张晓明", "11010519491231002X", "13800138000")
    clerk.tick_all_but(d, "经营场所平面布局图")
    clerk.defer(d, "经营场所平面布局图")  # 容缺: handed in later, by the due date below
    due = d.defer_due.date().toPython()
    clerk.click(d.commitment)  # 告知承诺
    text = clerk.wait_preview(d, "办结期限")
    assert "10 个工作日" in text
    n = clerk.submit(d)
    case_no = clerk.cases.last_outcome.summary.case_no
    row = case(db, case_no)
    assert (row["status"], row["type"], row["days_limit"], row["commitment"]) == ("accepted", "promised", 10, True)
    assert row["deadline"] == deadline_after(db, 10)
    assert row["deferred"] == {"经营场所平面布局图": due}
    assert events(db, case_no) == ["accepted", "printed"]
    assert prints(db, case_no) == [("acceptance", 1)]
    assert "容缺后补：经营场所平面布局图" in n.summary.text()
    clerk.finish_dialog(n)
    c.press(K.Key_F8)

    # 现场勘验: the clock stops, then restarts
    detail = clerk.find(case_no)
    clerk.action("stop")
    s = clerk.dialog("StopClockDialog")
    assert s.radios["inspection"].isChecked()
    type_text(s.note, "现场勘验定于下周二上午")
    qtbot.keyClick(s.note, K.Key_Return)
    clerk.wait_status("clock_stopped")
    assert clock_stops(db, case_no) == [("inspection", False)]
    assert detail.buttons["restart"].isEnabled() and not detail.buttons["stop"].isEnabled()
    assert detail.stops.rowCount() == 1 and detail.stops.item(0, 3).text() == "暂停中"
    clerk.action("restart")
    r = clerk.dialog("RestartClockDialog")
    type_text(r.note, "勘验完成，场所符合要求")
    qtbot.keyClick(r.note, K.Key_Return)
    clerk.wait_status("accepted")
    assert clock_stops(db, case_no) == [("inspection", True)]
    assert case(db, case_no)["deadline"] == deadline_after(db, 10)  # restarted the same half day: 0 days stopped
    assert events(db, case_no)[-2:] == ["clock_stopped", "clock_restarted"]

    # the back office (田野, 市场监管 审批) approves from the inbox
    approver = counters(db, notice_output=notice_output(tmp_path))
    approver.login("1101", 0, back_office=True)
    assert approver.w.current_tab() == "inbox" and not approver.w.tabs.isTabVisible(0)
    inbox = approver.w.inbox
    approver.wait_until(lambda: inbox.select_case(case_no))
    type_text(inbox.opinion, "经现场勘验，符合许可条件，同意")
    qtbot.mouseClick(inbox.approve_button, Qt.MouseButton.LeftButton)
    approver.wait_until(lambda: case(db, case_no)["status"] == "approved")
    approver.wait_until(lambda: not inbox.select_case(case_no))
    qtbot.mouseClick(approver.w.desk_sign_out, Qt.MouseButton.LeftButton)
    approver.settle()
    assert approver.c.cases is None and approver.w.stack.currentWidget() is approver.w.login

    # 出件: the clerk sees the decision (hall event), tells the applicant, then hands over the licence
    detail_view = clerk.wait_status("approved")
    assert detail_view.result == "经现场勘验，符合许可条件，同意"
    clerk.action("ready")
    clerk.wait_status("ready")
    clerk.action("pickup")
    p = clerk.dialog("PickupDialog")
    assert p.picked_by.text() == "张晓明"
    qtbot.keyClick(p.picked_by, K.Key_Return)
    clerk.wait_status("completed")
    assert case(db, case_no)["status"] == "completed"
    assert events(db, case_no)[-5:] == ["clock_restarted", "task_decided", "approved", "ready", "picked_up"]
    assert event_data(db, case_no, "picked_up")["picked_by"] == "张晓明"
    assert c.w.cases.detail.warning.text() == "○ 按时办结"

    # the 办结通知书 from the case
    clerk.action("print")
    n = clerk.dialog("NoticeDialog")
    assert n.current_document() == "completion"
    clerk.click(n.print_button)
    c.wait_until(lambda: ("completion", 1) in prints(db, case_no))
    clerk.finish_dialog(n)
    assert prints(db, case_no) == [("acceptance", 1), ("completion", 1)]


def test_joint_case_with_one_department_timing_out_then_mailed(hall, counters, qtbot, tmp_path):
    db = hall
    issue(db, "A", 1)
    c = counters(db, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    d = clerk.open_intake()
    clerk.pick_item(d, "城镇污水排入", "ZJ-006", chinese=True)  # 住建局 leads; 10 working days
    clerk.applicant(d, "示例县鑫源餐饮有限公司", USCC, "13800138000", enterprise=True)
    clerk.tick_all_but(d)
    clerk.choose_type(d, "joint", keyboard=True)  # Alt+5
    table = d.joint_table
    assert table.isRowHidden(d.joint_row("ZJ"))  # the lead department is not a joint one
    for code, days in (("SH", 3), ("ZRZY", 5)):
        row = d.joint_row(code)
        table.setFocus()
        table.setCurrentCell(row, 0)
        qtbot.keyClick(table, K.Key_Space)
        assert table.item(row, 0).checkState() == Qt.CheckState.Checked
        spin = table.cellWidget(row, 1)
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, str(days))
        assert spin.value() == days
    clerk.click(d.mail)
    type_text(d.address, "示例县城关镇解放路18号 张会计 13900001111")
    text = clerk.wait_preview(d, "县自然资源局 5 日")
    assert "示例市生态环境局示例县分局 3 日" in text
    n = clerk.submit(d)
    case_no = clerk.cases.last_outcome.summary.case_no
    row = case(db, case_no)
    assert (row["status"], row["type"], row["delivery"]) == ("accepted", "joint", "mail")
    assert row["deadline"] == deadline_after(db, 10)
    assert tasks(db, case_no) == [("ZJ", "pending", True, deadline_after(db, 10)),
                                  ("SH", "pending", False, deadline_after(db, 3)),
                                  ("ZRZY", "pending", False, deadline_after(db, 5))]
    assert prints(db, case_no) == [("acceptance", 1)]
    clerk.finish_dialog(n)
    c.press(K.Key_F8)

    # 超时默认: the day after 生态环境's deadline it has not answered → deemed to agree
    site_tz = "Asia/Shanghai"
    later = dt.datetime.combine(deadline_after(db, 4), dt.time(10, 0), clock.zone(site_tz))
    assert resolve_timeouts(db, now=later) == [case_no]
    assert [st for _code, st, _lead, _dl in tasks(db, case_no)] == ["pending", "deemed_approved", "pending"]
    assert "task_deemed_approved" in events(db, case_no)
    assert case(db, case_no)["status"] == "in_review"

    # 自然资源 (许嘉怡) and the lead 住建 (邓雅琴) approve in their inboxes
    back = counters(db, notice_output=notice_output(tmp_path))
    for staff_no, opinion in (("1104", "符合用地规划，同意"), ("1103", "联合审批通过，准予许可")):
        back.login(staff_no, 0, back_office=True)
        inbox = back.w.inbox
        back.wait_until(lambda: inbox.select_case(case_no))
        assert inbox.selected().task_kind_label.startswith("联办")
        type_text(inbox.opinion, opinion)
        qtbot.mouseClick(inbox.approve_button, Qt.MouseButton.LeftButton)
        back.wait_until(lambda: not inbox.select_case(case_no))
        qtbot.mouseClick(back.w.desk_sign_out, Qt.MouseButton.LeftButton)
        back.settle()
    assert case(db, case_no)["status"] == "approved"
    assert [st for _code, st, _lead, _dl in tasks(db, case_no)] == ["approved", "deemed_approved", "approved"]

    # 邮寄送达 with the tracking number
    detail = clerk.find(case_no)
    clerk.wait_status("approved")
    assert detail.tasks.item(1, 2).text() == "超时默认同意"
    assert not detail.buttons["pickup"].isEnabled()
    clerk.action("mail")
    m = clerk.dialog("MailDialog")
    qtbot.keyClicks(m.tracking, "EMS1234567890CN")
    qtbot.keyClick(m.tracking, K.Key_Return)
    clerk.wait_status("mailed")
    row = case(db, case_no)
    assert (row["status"], row["tracking_no"]) == ("mailed", "EMS1234567890CN")
    assert events(db, case_no)[-2:] == ["approved", "mailed"]
