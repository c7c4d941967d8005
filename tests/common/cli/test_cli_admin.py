"""`hall doctor`, `hall config`, `hall print-test`, `hall calendar`: run in-process, as an admin would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pyzbar.pyzbar import decode
from PIL import Image

from common.cli import main
from common.services.doctor import check_calendar


@pytest.fixture
def machine(tmp_path, monkeypatch):
    path = tmp_path / "machine.toml"
    monkeypatch.setenv("HALL_CONFIG", str(path))
    assert main(["config", "init"]) == 0
    return path


def test_config_set_then_show(machine, capsys):
    assert main(["config", "set", "printer.kind", "dummy"]) == 0
    assert main(["config", "set", "printer.paper_width_mm", "58"]) == 0
    capsys.readouterr()
    assert main(["config", "show", "--json"]) == 0
    values = json.loads(capsys.readouterr().out)
    assert values["printer.kind"] == "dummy" and values["printer.paper_width_mm"] == 58


def test_config_set_rejects_a_bad_value_in_chinese(machine, capsys):
    assert main(["config", "set", "printer.port", "abc"]) != 0
    assert "printer.port" in capsys.readouterr().err


def test_print_test_png_decodes(machine, tmp_path, capsys):
    main(["config", "set", "printer.kind", "dummy"])
    png = tmp_path / "t.png"
    assert main(["print-test", "--png", str(png), "--width", "58"]) == 0
    codes = decode(Image.open(png).convert("L"))
    assert codes and codes[0].data.decode().startswith("GH1|")


def test_print_test_to_a_missing_network_printer_fails_clearly(machine, capsys):
    main(["config", "set", "printer.kind", "network"])
    main(["config", "set", "printer.host", "127.0.0.1"])
    main(["config", "set", "printer.port", "9"])  # nothing listens on the discard port here
    capsys.readouterr()
    assert main(["print-test"]) == 1
    assert "打印失败" in capsys.readouterr().out


def test_doctor_reports_every_area(machine, db_url, capsys):
    assert main(["--db", db_url, "doctor", "--no-gui", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = {c["name"]: c["status"] for c in report["checks"]}
    assert names["数据库"] == "ok" and names["字体"] == "ok" and names["审计日志"] == "ok"
    assert report["ok"] is True


def test_doctor_fails_on_an_unreachable_database(machine, capsys):
    code = main(["--db", "postgresql://nobody@127.0.0.1:1/none", "doctor", "--no-gui"])
    assert code == 1
    assert "✘" in capsys.readouterr().out


def test_doctor_warns_when_next_years_holidays_are_missing():
    assert check_calendar(dt.date(2026, 11, 23)).status == "warn"
    assert check_calendar(dt.date(2026, 6, 1)).status == "ok"


def test_calendar_add_crosses_national_day(db_url, capsys):
    assert main(["--db", db_url, "calendar", "add", "2026-09-30", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deadline"] == "2026-10-13"


def test_calendar_override_enters_next_years_announcement(db_url, capsys):
    assert main(["--db", db_url, "calendar", "set", "2027-01-01", "holiday", "--name", "元旦"]) == 0
    assert main(["--db", db_url, "calendar", "show", "2027-01", "--json"]) == 0
    days = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    first = days[0]
    assert first["working"] is False and first["overridden"] is True


def test_calendar_provisional_estimates_an_unannounced_year_until_the_announcement(db, db_url, capsys):
    from common.services.calendar import load_working_calendar
    from common.workdays import WorkingCalendar

    year = WorkingCalendar().library_years()[1] + 5  # far enough that no fixture entered it
    assert main(["--db", db_url, "calendar", "provisional", str(year), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["days"] >= 13
    cal = load_working_calendar(db)
    assert not cal.is_working_day(dt.date(year, 10, 1)) and cal.holiday_name(dt.date(year, 10, 1)).endswith("（预估）")
    assert year in cal.provisional_years()
    # doctor warns while the year is an estimate
    check = check_calendar(dt.date(year, 6, 1), db=db)
    assert check.status == "warn" and "预估" in check.message
    # twice is refused; the announcement replaces the estimate of its year
    assert main(["--db", db_url, "calendar", "provisional", str(year)]) != 0
    assert "已经有了" in capsys.readouterr().err
    assert main(["--db", db_url, "calendar", "set", f"{year}-10-08", "holiday", "--name", "国庆节"]) == 0
    cal = load_working_calendar(db)
    assert year not in cal.provisional_years()
    assert cal.holiday_name(dt.date(year, 1, 1)) is None and cal.holiday_name(dt.date(year, 10, 8)) == "国庆节"
