"""`hall appointment`: the demo hall comes with bookings to try at the kiosk; slots, book, list and cancel."""

from __future__ import annotations

import json

from common.cli import main


def test_demo_bookings_then_book_list_and_cancel(db, db_url, capsys):
    from sqlalchemy import select

    from common.db.models import Appointment

    assert main(["--db", db_url, "demo-data", "--json"]) == 0
    demo = json.loads(capsys.readouterr().out)
    assert len(demo["appointments"]) == 4 and all(a.startswith("YY") for a in demo["appointments"])
    code = demo["appointments"][0].split()[0]
    with db.read() as s:
        day = s.scalar(select(Appointment.day).where(Appointment.code == code))

    assert main(["--db", db_url, "appointment", "slots", "Y", day.isoformat(), "--json"]) == 0
    slots = json.loads(capsys.readouterr().out)
    assert sum(s["booked"] for s in slots) == 2  # the demo booked two slots on each of its first two days
    free = next(s for s in slots if s["bookable"] and s["booked"] == 0)
    assert main(["--db", db_url, "appointment", "book", "y", day.isoformat(), free["start"][:5], "--name", "赵𠮷",
                 "--id", "11010519491231002X", "--phone", "13800138000", "--json"]) == 0
    booked = json.loads(capsys.readouterr().out)
    assert booked["name_masked"] == "赵*" and booked["status"] == "booked" and booked["day"] == day.isoformat()

    assert main(["--db", db_url, "appointment", "list", day.isoformat(), "--json"]) == 0
    codes = {a["code"] for a in json.loads(capsys.readouterr().out)}
    assert {code, booked["code"]} <= codes

    assert main(["--db", db_url, "appointment", "cancel", booked["code"]]) == 0
    assert "已取消" in capsys.readouterr().out
    assert main(["--db", db_url, "appointment", "book", "Y", day.isoformat(), "10:07", "--name", "赵六",
                 "--id", "11010519491231002X"]) != 0
    assert "不是" in capsys.readouterr().err
    assert main(["--db", db_url, "appointment", "slots", "Q"]) != 0
    assert "没有字母为“Q”" in capsys.readouterr().err


def test_import_from_the_online_platform(db_url, capsys, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    from common import clock

    assert main(["--db", db_url, "demo-data"]) == 0
    assert main(["--db", db_url, "appointment", "slots", "Y", "--json"]) == 0
    capsys.readouterr()
    today = clock.business_day(clock.utcnow(), "Asia/Shanghai")
    day = next(today + dt.timedelta(days=n) for n in range(1, 10) if (today + dt.timedelta(days=n)).weekday() < 5)
    wb = Workbook()
    wb.active.append(["预约码", "业务", "日期", "时段", "姓名", "身份证号码"])
    wb.active.append(["WSX0001", "Y", day.isoformat(), "14:00-14:30", "刘𠮷", "11010519491231002X"])
    wb.save(tmp_path / "platform.xlsx")
    assert main(["--db", db_url, "appointment", "import", str(tmp_path / "platform.xlsx"), "--dry-run"]) == 0
    assert "可导入 1 个预约" in capsys.readouterr().out
    assert main(["--db", db_url, "appointment", "import", str(tmp_path / "platform.xlsx")]) == 0
    assert "已导入 1 个预约" in capsys.readouterr().out
    assert main(["--db", db_url, "appointment", "import", str(tmp_path / "platform.xlsx")]) == 0
    assert "1 个此前已导入" in capsys.readouterr().out
    wb.active.append(["WSX0002", "Y", day.isoformat(), "14:00", "", "11010519491231002X"])
    wb.save(tmp_path / "platform.xlsx")
    assert main(["--db", db_url, "appointment", "import", str(tmp_path / "platform.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "未导入任何预约" in out and "第 3 行“姓名”" in out
