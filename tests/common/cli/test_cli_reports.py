"""`hall demo-activity` and `hall report daily|weekly|monthly`, run in-process as an admin would."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from common.cli import main
from common.db.models import Ticket
from common.domain import TicketStatus

END = "2026-11-20"  # a Friday


def test_demo_activity_then_reports(db_url, db, tmp_path, capsys):
    assert main(["--db", db_url, "demo-data"]) == 0
    assert main(["--db", db_url, "demo-activity", "--days", "1", "--seed", "3", "--scale", "0.1", "--end", END]) == 0
    out = capsys.readouterr().out
    assert "已模拟 1 个工作日（2026-11-20 至 2026-11-20，站点 COUNTY）" in out and "安排的情形" in out

    xlsx, pdf = tmp_path / "日报.xlsx", tmp_path / "日报.pdf"
    assert main(["--db", db_url, "report", "daily", "--date", END, "--json", "--xlsx", str(xlsx),
                 "--pdf", str(pdf)]) == 0
    data = json.loads(capsys.readouterr().out)
    with db.read() as s:
        issued = s.scalar(select(func.count(Ticket.id)).where(Ticket.business_day == dt.date(2026, 11, 20)))
        done = s.scalar(select(func.count(Ticket.id)).where(Ticket.status == TicketStatus.DONE))
    assert issued > 0
    assert data["title"] == "示例县政务服务中心 2026年11月20日 运行日报"
    assert data["overview"]["tickets_issued"] == issued and data["overview"]["tickets_served"] == done
    assert data["period"]["day_from"] == END and data["files"] == {"xlsx": str(xlsx), "pdf": str(pdf)}
    kinds = {w["kind"] for w in data["warnings"]}
    assert {"unstaffed", "idle_window"} <= kinds  # the late clerk and the idle window of the simulation
    assert load_workbook(xlsx).sheetnames[0] == "概览" and pdf.read_bytes().startswith(b"%PDF")

    # the human text
    assert main(["--db", db_url, "report", "weekly", "--date", END]) == 0
    text = capsys.readouterr().out
    assert text.startswith("示例县政务服务中心 2026年第47周（11月16日—11月22日） 运行周报")
    assert "按时办结率" in text and "督办事项" in text

    # the same days are not simulated twice
    assert main(["--db", db_url, "demo-activity", "--days", "1", "--end", END]) == 5
    assert "已有" in capsys.readouterr().err


def test_report_rejects_a_bad_date(db_url, capsys):
    assert main(["--db", db_url, "demo-data"]) == 0
    capsys.readouterr()
    try:
        code = main(["--db", db_url, "report", "monthly", "--date", "2026/11/01"])
    except SystemExit as exc:  # argparse reports usage errors by exiting with 2
        code = exc.code
    assert code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_monthly_report_of_an_empty_hall(db_url, tmp_path, capsys):
    assert main(["--db", db_url, "demo-data"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "report", "monthly", "--date", "2026-10-15", "--site", "COUNTY", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "示例县政务服务中心 2026年10月 运行月报"
    assert data["overview"]["tickets_issued"] == 0 and data["overview"]["on_time_rate"] is None
