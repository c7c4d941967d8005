"""预约: slots within the queue's and the hall's hours, capacity that two clerks cannot overbook, one booking per
person, the kiosk check-in at the booked time, cancellation, 爽约 at day close, the slip with a readable QR."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import select

from common.db.models import Appointment, Queue, Ticket
from common.errors import Conflict, InvalidInput, PermissionDenied
from common.services import appointments as ap
from common.services.queue import check_in_appointment, close_day
from common.services.settings import set_setting
from tests.common.services.test_cases_support import PERSON_ID, at, make_hall, person_id

CODE = re.compile(r"^YY[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$")
MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def hall(db):
    h = make_hall(db)
    with db.write() as s:
        q = Queue(site_id=h.site_id, prefix="Y", name="企业开办预约", opens_at=dt.time(9, 0), closes_at=dt.time(12, 0),
                  appointment_only=True)
        s.add(q)
        s.flush()
        h.queue_id = q.id
        set_setting(s, "appointment_slot_capacity", 2, h.site_id)
    return h


def book(db, hall, day=MONDAY, slot=dt.time(10, 0), *, id_no=PERSON_ID, who="C001", now=None, **kw):
    return ap.book(db, hall.actors[who], hall.queue_id, day, slot, name=kw.pop("name", "张小三"), id_number=id_no,
                   phone=kw.pop("phone", "13812345678"), now=now or at(2026, 3, 2, 9, 10), **kw)


def test_slots_follow_the_queue_and_the_hall_and_what_has_begun(db, hall):
    slots = ap.slots(db, hall.queue_id, MONDAY, now=at(2026, 3, 2, 9, 10))
    assert [s.label for s in slots] == ["09:00–09:30", "09:30–10:00", "10:00–10:30", "10:30–11:00", "11:00–11:30",
                                        "11:30–12:00"]
    assert [s.bookable for s in slots] == [False, True, True, True, True, True]  # 09:00 has begun
    assert all(s.capacity == 2 and s.left == 2 for s in slots)
    assert ap.slots(db, hall.queue_id, dt.date(2026, 3, 8), now=at(2026, 3, 2, 9)) == []  # Sunday: the hall is closed
    days = ap.open_days(db, hall.queue_id, now=at(2026, 3, 2, 9, 10))
    assert days[0] == MONDAY and dt.date(2026, 3, 7) not in days and len(days) == 11  # 14 days ahead, weekdays
    with pytest.raises(InvalidInput, match="已经过去"):
        ap.slots(db, hall.queue_id, dt.date(2026, 3, 1), now=at(2026, 3, 2, 9))
    with pytest.raises(InvalidInput, match="14 天"):
        ap.slots(db, hall.queue_id, dt.date(2026, 3, 17), now=at(2026, 3, 2, 9))


def test_book_check_in_at_the_booked_time_and_no_overbooking(db, hall):
    first = book(db, hall)
    assert CODE.match(first.code) and first.status == "booked"
    assert first.name_masked == "张*三" and first.id_masked.endswith("002X") and "*" in first.id_masked
    assert first.when == "2026年3月2日（星期一） 10:00–10:30"
    # the same person twice in one queue and day: refused, naming the code they hold
    with pytest.raises(Conflict, match=first.code):
        book(db, hall, slot=dt.time(11, 0))
    book(db, hall, id_no=person_id("44030619900101123"), name="李𠮷")
    with pytest.raises(Conflict, match="约满"):
        book(db, hall, id_no=person_id("11010119800101001"))
    assert [s.left for s in ap.slots(db, hall.queue_id, MONDAY, now=at(2026, 3, 2, 9, 10))][2] == 0

    # the kiosk: the ticket enters the queue at the booked slot
    t = check_in_appointment(db, first.code, device="kiosk-1", now=at(2026, 3, 2, 9, 40))
    with db.read() as s:
        ticket = s.get(Ticket, t.ticket_id)
        assert ticket.queued_at == at(2026, 3, 2, 10, 0) and ticket.queue_id == hall.queue_id
        assert s.scalar(select(Appointment.status).where(Appointment.code == first.code)).value == "checked_in"


def test_bad_input_gets_clear_messages(db, hall):
    with pytest.raises(InvalidInput, match="校验位"):
        book(db, hall, id_no="110105194912310021")
    with pytest.raises(InvalidInput, match="姓名"):
        book(db, hall, name="")
    with pytest.raises(InvalidInput, match="不能超过 50 个字符"):
        book(db, hall, name="张" * 10_000)
    with pytest.raises(InvalidInput, match="手机"):
        book(db, hall, phone="12345")
    with pytest.raises(InvalidInput, match="不是"):
        book(db, hall, slot=dt.time(10, 15))
    with pytest.raises(InvalidInput, match="已开始"):
        book(db, hall, slot=dt.time(9, 0))
    with pytest.raises(PermissionDenied):
        book(db, hall, who="S001")  # a supervisor does not book for citizens
    with db.read() as s:
        assert s.scalar(select(Appointment.id)) is None  # nothing half-saved


def test_cancel_frees_the_place_and_day_close_marks_the_missed(db, hall):
    a = book(db, hall)
    b = book(db, hall, id_no=person_id("44030619900101123"), slot=dt.time(11, 0))
    assert ap.cancel(db, hall.actors["C001"], a.code.lower()).status == "cancelled"
    with pytest.raises(InvalidInput, match="不能取消"):
        ap.cancel(db, hall.actors["C001"], a.code)
    assert ap.slots(db, hall.queue_id, MONDAY, now=at(2026, 3, 2, 9, 10))[2].left == 2
    with pytest.raises(InvalidInput, match="取消"):
        check_in_appointment(db, a.code, now=at(2026, 3, 2, 9, 50))
    close_day(db, hall.site_id, MONDAY, now=at(2026, 3, 2, 18))
    day = {x.code: x.status for x in ap.list_day(db, hall.actors["M001"], hall.site_id, MONDAY)}
    assert day == {a.code: "cancelled", b.code: "missed"}


def test_two_clerks_cannot_both_take_the_last_place(db, hall):
    ids = [person_id(f"1101011980010100{i}") for i in range(1, 7)]
    results: list[object] = []

    def take(id_no: str) -> None:
        try:
            results.append(book(db, hall, id_no=id_no, name="王五"))
        except Conflict as exc:
            results.append(exc)

    threads = [threading.Thread(target=take, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    booked = [r for r in results if isinstance(r, ap.AppointmentInfo)]
    assert len(results) == 6 and len(booked) == 2  # capacity 2
    with db.read() as s:
        assert len(s.scalars(select(Appointment.id).where(Appointment.slot_start == dt.time(10, 0))).all()) == 2


def test_slip_qr_decodes_to_the_code(db, hall):
    from pyzbar.pyzbar import decode

    from common.printing.raster import render_png

    a = book(db, hall)
    image = render_png(ap.appointment_slip_layout(a, "测试县政务服务中心"), 80)
    assert [d.data.decode() for d in decode(image.convert("L"))] == [a.code]


# -- bookings from the online platform -------------------------------------------------------------------------


def _xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["预约码", "业务", "日期", "时段", "姓名", "身份证号码", "手机号码", "事项编码"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_import_keeps_the_platforms_codes_is_all_or_nothing_and_repeatable(db, hall, tmp_path):
    from common.services.appointment_import import import_appointments, read_rows

    good = [["WS20260302A1", "Y", dt.date(2026, 3, 2), "10:00-10:30", "欧阳𠮷", PERSON_ID, "13800138000", "PRO-001"],
            ["ws20260303b2", "企业开办预约", "2026/3/3", "09:30", "李四", person_id("44030619900101123"), "", ""]]
    bad = good + [["WS9", "Z", "2026-03-08", "25:00", "", "123", "1", "NOPE"]]
    clerk = hall.actors["C001"]
    result = import_appointments(db, clerk, hall.site_id, read_rows(_xlsx(tmp_path / "bad.xlsx", bad)),
                                 now=at(2026, 3, 2, 9))
    assert not result.ok and result.created == 0
    assert result.errors == ["第 4 行“预约码”：应为 4–16 位字母或数字。"]
    bad[-1][0] = "WS2026030999"
    errors = import_appointments(db, clerk, hall.site_id, read_rows(_xlsx(tmp_path / "bad.xlsx", bad)),
                                 now=at(2026, 3, 2, 9)).errors
    assert errors == ["第 4 行“业务”：本大厅没有业务“Z”（填队列字母如 Y，或业务名称）。"]
    with db.read() as s:
        assert s.scalar(select(Appointment.id)) is None  # one bad row: nothing imported

    path = _xlsx(tmp_path / "good.xlsx", good)
    dry = import_appointments(db, clerk, hall.site_id, read_rows(path), dry_run=True, now=at(2026, 3, 2, 9))
    assert dry.ok and dry.created == 2
    first = import_appointments(db, clerk, hall.site_id, read_rows(path), now=at(2026, 3, 2, 9))
    again = import_appointments(db, clerk, hall.site_id, read_rows(path), now=at(2026, 3, 2, 9))
    assert (first.created, again.created, again.skipped) == (2, 0, 2)
    monday = {a.code: a for a in ap.list_day(db, clerk, hall.site_id, MONDAY)}
    assert monday["WS20260302A1"].slot_text == "10:00–10:30" and monday["WS20260302A1"].item_code == "PRO-001"
    tuesday = ap.list_day(db, clerk, hall.site_id, dt.date(2026, 3, 3))
    assert [(a.code, a.slot_text) for a in tuesday] == [("WS20260303B2", "09:30–10:00")]  # the hall's slot length
    # the platform's code works at the kiosk, and the place counts for the counter's bookings
    t = check_in_appointment(db, "ws20260302a1", now=at(2026, 3, 2, 9, 55))
    assert t.queue_id == hall.queue_id
    assert ap.slots(db, hall.queue_id, MONDAY, now=at(2026, 3, 2, 9))[2].booked == 1


def test_import_reports_every_bad_cell_and_reads_gbk_csv(db, hall, tmp_path):
    from common.services.appointment_import import import_appointments, read_rows

    text = ("预约码,业务,日期,时段,姓名,身份证号码,手机号码\n"
            "WS000001,Y,2026-03-01,09:00,张三,11010519491231002X,\n"
            "WS000002,Y,2026-03-07,09:00,张三,11010519491231002X,\n"
            "WS000003,Y,2026-03-02,9点,张三,11010519491231002X,\n"
            "WS000004,Y,2026-03-02,09:00,张三,110105194912310021,\n"
            "WS000005,Y,2026-03-02,09:00,张三,11010519491231002X,13800138000\n"
            "WS000005,Y,2026-03-02,09:30,张三,11010519491231002X,\n"
            "WS000007,Y,2026-03-02,09:30,李四,11010519491231002X,12345\n")
    path = tmp_path / "platform.csv"
    path.write_bytes(text.encode("gb18030"))  # what Excel on Chinese Windows saves
    result = import_appointments(db, hall.actors["C001"], hall.site_id, read_rows(path), now=at(2026, 3, 2, 8))
    assert result.errors == [
        "第 2 行“日期”：2026-03-01 已经过去。",
        "第 3 行“日期”：2026-03-07 大厅不开放。",
        "第 4 行“时段”：应为 09:00-09:30 或 09:00 这样的格式。",
        "第 5 行“身份证号码”：身份证号码校验位不正确，请核对后重新输入",
        "第 7 行“预约码”：WS000005 与第 6 行重复。",
        "第 8 行“手机号码”：" + result.errors[5].split("：", 1)[1],
    ]
    assert "手机" in result.errors[5] and result.created == 0
    (tmp_path / "no_columns.csv").write_text("code,name\nA,B\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="缺少列"):
        read_rows(tmp_path / "no_columns.csv")
