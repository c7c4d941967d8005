"""受理 at the counter, through the real widgets: 即办件 (with the rating of the case), 退办件 of a major project
(the chief rep signs), 上报件 chosen through a 一件事 bundle, 特办件 on top of the chief rep's inbox, and the
inline validation messages. Each test reads the database back: case status, type, deadline, events, prints."""

from __future__ import annotations

from sqlalchemy import func, select

from common.db.models import Case, Rating
from common.printing.backends import dummy_jobs
from counter.qt import QColor, Qt
from tests.counter.case_driver import (
    Clerk,
    case,
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
PERSON_ID = "11010519491231002X"
USCC = "91350100M000100Y43"


def test_immediate_case_is_finished_on_the_spot_and_rated_with_its_case(hall, counters, qtbot, tmp_path):
    db = hall
    tickets = issue(db, "A", 1)
    c = counters(db, rating_pad=True, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    c.press(K.Key_F11)
    assert c.ws.current.ticket_id == tickets[0].ticket_id

    d = clerk.open_intake()
    assert "A001" in d.title_label.text()
    clerk.pick_item(d, "个体工商户设立", "SCJGJ-005", chinese=True)  # Chinese through the input method
    assert d.case_type() == "immediate"  # the item's own handling type is preselected
    clerk.applicant(d, "张晓明", PERSON_ID, "13800138000")
    clerk.tick_all_but(d, "经办人身份证", "授权委托书")  # the optional ones were not needed
    assert clerk.wait_preview(d, "当场办结")
    n = clerk.submit(d)

    outcome = clerk.cases.last_outcome
    case_no = outcome.summary.case_no
    row = case(db, case_no)
    assert (row["status"], row["type"], row["days_limit"]) == ("completed", "immediate", 0)
    assert row["deadline"] == row["accepted_day"] == today(db)
    assert row["ticket_id"] == tickets[0].ticket_id
    assert events(db, case_no) == ["accepted", "completed", "printed"]
    assert prints(db, case_no) == [("acceptance", 1)]
    assert len(dummy_jobs()) == 1  # the receipt printer got the notice
    assert outcome.notice.pdf_path is not None and outcome.notice.pdf_path.read_bytes().startswith(b"%PDF")
    assert "受理通知书" in n.title_label.text() and case_no in n.summary.text()
    assert not n.preview_label.pixmap().isNull()

    # reprint (补打) is recorded as copy 2
    clerk.click(n.print_button)
    c.wait_until(lambda: prints(db, case_no) == [("acceptance", 1), ("acceptance", 2)])
    assert "第 2 份" in n.status.text()
    clerk.finish_dialog(n)
    assert "已受理" in c.ws.view.banner.text()

    # end of the visit: F8; the pad asks; the rating carries the case
    c.press(K.Key_F8)
    c.pad_wait("rating")
    qtbot.mouseClick(c.pad.view.face_buttons[5], Qt.MouseButton.LeftButton)
    c.pad_wait("thanks")
    with db.read() as s:
        rating = s.execute(select(Rating.ticket_id, Rating.case_id, Rating.level)).one()
    assert tuple(rating) == (tickets[0].ticket_id, row["id"], 5)


def test_validation_messages_inline_and_a_major_project_rejection_needs_the_chief_rep(hall, counters, qtbot,
                                                                                      tmp_path):
    db = hall
    issue(db, "A", 1)
    c = counters(db, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    d = clerk.open_intake()
    clerk.pick_item(d, "jzgcsgxk", "ZJ-001")  # 建筑工程施工许可证核发 by pinyin initials: a 重大项目
    assert "重大项目" in d.item_card.text()

    # a wrong USCC and an agent without ID: the messages stand under the fields, nothing is saved
    clerk.applicant(d, "示例县鑫源建设有限公司", "91350100M000100Y44", enterprise=True)
    qtbot.keyClick(d.id_no, K.Key_Return)  # Enter (or leaving the field) checks it and moves on
    assert "校验位" in d.field_errors["id_no"].text() and d.field_errors["id_no"].isVisible()
    clerk.click(d.has_agent)
    type_text(d.agent_name, "李经办")
    clerk.choose_type(d, "rejected", keyboard=True)  # Alt+2
    clerk.click(d.ok_button)
    assert d.error.isVisible()
    assert "请输入身份证号码" in d.field_errors["agent_id"].text()
    assert d.field_errors["reason"].text() == "请填写不予受理的理由"
    assert d.field_errors["signer"].isVisible()  # the chief rep has not signed
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0

    d.id_no.clear()
    qtbot.keyClicks(d.id_no, USCC)
    qtbot.keyClicks(d.agent_id, "110101199003070011")
    type_text(d.reject_reason, "项目未取得建设用地规划许可证，不符合受理条件。")
    assert clerk.wait_preview(d, "不予受理")

    # a chief rep of another department cannot approve; a wrong password neither
    qtbot.keyClicks(d.signer_no, "1003")
    qtbot.keyClicks(d.signer_pw, "demo1234")
    clerk.click(d.ok_button)
    c.wait_until(lambda: d.error.isVisible())
    assert "所属部门的首席代表" in d.error.text()
    d.signer_no.clear()
    qtbot.keyClicks(d.signer_no, "1103")
    qtbot.keyClicks(d.signer_pw, "wrong-pass")
    clerk.click(d.ok_button)
    c.wait_until(lambda: d.error.isVisible() and "密码" in d.error.text())
    assert d.signer_pw.text() == ""  # cleared for the next try
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0

    qtbot.keyClicks(d.signer_pw, "demo1234")  # 邓雅琴, 住建局首席代表, signs at the window
    n = clerk.submit(d)
    case_no = clerk.cases.last_outcome.summary.case_no
    row = case(db, case_no)
    assert (row["status"], row["type"], row["deadline"], row["accepted_day"]) == ("rejected", "rejected", None, None)
    assert row["reject_reason"] == "项目未取得建设用地规划许可证，不符合受理条件。"
    assert row["agent"] == "李经办"
    assert events(db, case_no) == ["rejected", "printed"]
    data = event_data(db, case_no, "rejected")
    assert data["approved_by"] == "1103" and data["major_project"] is True
    assert prints(db, case_no) == [("rejection", 1)]
    assert "不予受理告知书" in n.title_label.text()
    clerk.finish_dialog(n)


def test_escalated_case_chosen_through_a_bundle(hall, counters, qtbot, tmp_path):
    db = hall
    issue(db, "A", 1)
    c = counters(db, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    d = clerk.open_intake()
    clerk.pick_bundle_item(d, "开办餐饮店一件事", "SCJGJ-010")  # 食品经营许可证核发 (10 working days)
    clerk.applicant(d, "示例县鑫源餐饮有限公司", USCC, "13800138000", enterprise=True)
    clerk.tick_all_but(d)
    clerk.choose_type(d, "escalated")
    type_text(d.authority, "示例市市场监督管理局")
    assert clerk.wait_preview(d, "办结期限") .count("10 个工作日") == 1
    n = clerk.submit(d)
    case_no = clerk.cases.last_outcome.summary.case_no
    row = case(db, case_no)
    assert (row["status"], row["type"], row["escalated_to"]) == ("escalated", "escalated", "示例市市场监督管理局")
    assert row["deadline"] == deadline_after(db, 10)
    assert [(code, st, kind) for code, st, kind, _dl in tasks(db, case_no)] == [("SCJGJ", "pending", False)]
    assert events(db, case_no) == ["escalated", "printed"]
    assert prints(db, case_no) == [("acceptance", 1)]
    clerk.finish_dialog(n)

    # the higher authority needs longer: 延期 5 working days, the department's chief rep (陈静) signs
    detail = clerk.find(case_no)
    clerk.action("extend")
    e = clerk.dialog("ExtendDialog")
    assert not e.self_approve.isVisible()  # 杨帆 is no chief rep
    e.days.setFocus()
    e.days.selectAll()
    qtbot.keyClicks(e.days, "5")
    type_text(e.reason, "上级机关需组织专家论证")
    qtbot.keyClicks(e.signer_no, "1003")
    qtbot.keyClicks(e.signer_pw, "demo1234")
    clerk.click(e.ok_button)
    c.wait_until(lambda: detail.detail.extension_days == 5)
    assert case(db, case_no)["deadline"] == deadline_after(db, 15)
    assert event_data(db, case_no, "extended")["approved_by"] == "1003"
    assert not detail.buttons["extend"].isEnabled()  # once only


def test_urgent_case_tops_the_chief_reps_inbox_with_yellow_and_red_marks(hall, counters, qtbot, tmp_path):
    from counter.selftest import seed_cases

    db = hall
    seeded = seed_cases(db)  # red, yellow, normal and urgent cases of 市场监管 accepted on earlier days
    issue(db, "A", 1)
    c = counters(db, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    d = clerk.open_intake()
    clerk.pick_item(d, "tzsbsydj", "SCJGJ-016")  # 特种设备使用登记, 5 working days
    clerk.applicant(d, "示例县宏达机械厂", "91350100MA2Y0A0B15", enterprise=True)
    clerk.tick_all_but(d)
    clerk.choose_type(d, "urgent")
    type_text(d.urgent_reason, "县重点项目设备，须在投产前完成登记")
    d.urgent_days.setFocus()
    d.urgent_days.selectAll()
    qtbot.keyClicks(d.urgent_days, "2")
    assert "特办 2 个工作日" in clerk.wait_preview(d, "特办 2")
    n = clerk.submit(d)
    case_no = clerk.cases.last_outcome.summary.case_no
    row = case(db, case_no)
    assert (row["status"], row["type"], row["urgent"], row["days_limit"]) == ("accepted", "urgent", True, 2)
    assert row["deadline"] == deadline_after(db, 2)
    assert events(db, case_no) == ["accepted", "printed"]
    assert prints(db, case_no) == [("acceptance", 1)]
    clerk.finish_dialog(n)

    # 陈静 (3号窗口, 市场监管 首席代表) sees the inbox tab: 特办 first, then red, then yellow — in words too
    chief = counters(db, notice_output=notice_output(tmp_path))
    chief.login("1003", 3)
    assert chief.w.tabs.isTabVisible(2)
    chief.activate()
    qtbot.keyClick(chief.w.workspace, K.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert chief.w.current_tab() == "inbox"
    inbox = chief.w.inbox
    chief.wait_until(lambda: len(inbox.rows) == len(seeded) + 1)
    urgent = [r.case_no for r in inbox.rows if r.urgent]
    assert set(urgent) == {case_no, seeded[3]} and {r.case_no for r in inbox.rows[:2]} == set(urgent)
    levels = [r.warning for r in inbox.rows if not r.urgent]
    assert levels[0] == "red" and levels[1] == "yellow" and levels[-1] == "normal"
    red_row = next(i for i, r in enumerate(inbox.rows) if r.warning == "red")
    assert inbox.table.item(red_row, 0).text().endswith("红牌超期")
    assert inbox.table.item(red_row, 3).background().color() == QColor("#FCEBEA")
    yellow_row = next(i for i, r in enumerate(inbox.rows) if r.warning == "yellow" and not r.urgent)
    assert "黄灯预警" in inbox.table.item(yellow_row, 0).text()
    assert "超期" in inbox.table.item(red_row, 7).text()
    assert inbox.table.item(0, 0).text().startswith("特办")
    assert "红牌超期 1 件" in inbox.counts.text()

    # the chief rep denies the urgent case: an opinion is required first
    assert inbox.select_case(case_no)
    qtbot.mouseClick(inbox.deny_button, Qt.MouseButton.LeftButton)
    assert "请填写审批意见" in inbox.banner.text()
    type_text(inbox.opinion, "设备检验报告已过期，不予登记")
    qtbot.mouseClick(inbox.deny_button, Qt.MouseButton.LeftButton)
    chief.wait_until(lambda: case(db, case_no)["status"] == "denied")
    chief.wait_until(lambda: not inbox.select_case(case_no))
    assert events(db, case_no)[-2:] == ["task_decided", "denied"]


def test_a_printer_fault_never_loses_the_case(hall, counters, qtbot, tmp_path):
    """Out of paper: the case is saved, the A4 PDF is there, the notice dialog says what failed; with neither a
    printer nor a PDF folder the case is saved too and the clerk prints later from the case."""
    from common.printing.backends import PrinterError, set_dummy_fault
    from counter.services import NoticeOutput

    db = hall
    issue(db, "A", 2)
    c = counters(db, notice_output=notice_output(tmp_path))
    c.login("1004", 4)
    clerk = Clerk(c)
    c.press(K.Key_F1)
    set_dummy_fault(PrinterError("打印机缺纸，请更换纸卷", "paper_out"))
    try:
        d = clerk.open_intake()
        clerk.pick_item(d, "yyzzysbl", "SCJGJ-008")  # 营业执照遗失补领, 即办
        clerk.applicant(d, "张晓明", PERSON_ID)
        clerk.tick_all_but(d)
        n = clerk.submit(d)
    finally:
        set_dummy_fault(None)
    case_no = clerk.cases.last_outcome.summary.case_no
    assert case(db, case_no)["status"] == "completed"
    assert "打印机缺纸" in n.status.text() and n.status.property("level") == "error"
    assert n.pdf_button.isEnabled()  # the A4 PDF was saved and can be opened
    assert prints(db, case_no) == [("acceptance", 1)]
    clerk.finish_dialog(n)

    c.c.cases.output = NoticeOutput()  # no receipt printer configured and no PDF folder
    d = clerk.open_intake()
    clerk.pick_item(d, "yyzzysbl", "SCJGJ-008")
    clerk.applicant(d, "李红梅", "110101199003070011")
    clerk.tick_all_but(d)
    n = clerk.submit(d)
    second = clerk.cases.last_outcome.summary.case_no
    assert second != case_no and case(db, second)["status"] == "completed"
    assert "告知书未能出具" in n.status.text() and prints(db, second) == []
    clerk.finish_dialog(n)
