"""Catalog import/export: JSON and Excel round trips, all-or-nothing import with every row error reported."""

from __future__ import annotations

import json

import openpyxl
import pytest
from sqlalchemy import func, select

from common.db.models import AuditLog, Department, ServiceItem
from common.errors import InvalidInput, PermissionDenied
from common.services import catalog as cat
from common.services import catalog_io as io
from tests.common.services.test_catalog import CLERK, MANAGER, load_small, small_catalog


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_json_round_trip_is_unchanged(db, tmp_path):
    first = io.import_catalog(db, MANAGER, small_catalog())
    assert (first.created, first.updated, first.unchanged) == (5 + 10 + 2, 0, 0)
    assert first.by_kind["items"]["created"] == 10

    path = tmp_path / "catalog.json"
    summary = io.export_catalog(db, path)
    assert (summary.departments, summary.items, summary.bundles) == (5, 10, 2)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "govhall-catalog" and data["version"] == 1
    assert next(i for i in data["items"] if i["code"] == "GA-099")["status"] == "cancelled"

    again = io.import_catalog(db, MANAGER, path)
    assert again.errors == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 17)
    assert io.catalog_to_dict(db) == data


def test_xlsx_round_trip_and_edit(db, tmp_path):
    load_small(db)
    path = tmp_path / "catalog.xlsx"
    io.export_catalog(db, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["部门", "事项", "材料", "一件事"]
    assert [c.value for c in wb["事项"][1]][:3] == ["事项编码", "事项名称", "部门编码"]
    assert wb["材料"].max_row == 1 + sum(len(i["materials"]) for i in small_catalog()["items"])

    report = io.import_catalog(db, MANAGER, path)
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 17)

    # an admin edits in Excel: one material gets a copy, one item a new promised time
    items = wb["事项"]
    headers = [c.value for c in items[1]]
    for row in items.iter_rows(min_row=2):
        if row[0].value == "GA-005":
            row[headers.index("承诺时限（工作日）")].value = 2
    mats = wb["材料"]
    for row in mats.iter_rows(min_row=2):
        if row[0].value == "WJ-001" and row[2].value == "结婚证":
            row[4].value = 1
    wb.save(path)
    report = io.import_catalog(db, MANAGER, path)
    assert report.errors == [] and report.by_kind["items"] == {"created": 0, "updated": 2, "unchanged": 8}
    assert cat.get_item_guide(db, "GA-005").version == 2
    assert cat.get_item_guide(db, "WJ-001").materials[1].copies == 1
    assert cat.get_item_guide(db, "WJ-001", version=1).materials[1].copies == 0


def _bad_workbook(path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("部门")
    ws.append(["部门编码", "部门名称", "部门简称"])
    ws.append(["SCJGJ", "县市场监督管理局", "市场监管"])
    ws = wb.create_sheet("事项")
    headers = [label for _key, label in io.SHEETS["事项"]]
    ws.append(headers)

    def row(**values):
        base = {"事项编码": "", "事项名称": "", "部门编码": "SCJGJ", "办理类型": "承诺件", "法定时限（工作日）": 20,
                "承诺时限（工作日）": 5, "状态": "在用"}
        base.update(values)
        ws.append([base.get(h) for h in headers])

    row(事项编码="OK-1", 事项名称="企业设立登记")  # row 2: fine
    row(事项编码="BAD-DEPT", 事项名称="某事项", 部门编码="NOWHERE")  # row 3
    row(事项编码="OK-1", 事项名称="重复的事项")  # row 4: duplicate code
    row(事项编码="BAD-DAYS", 事项名称="超时事项", **{"法定时限（工作日）": 10, "承诺时限（工作日）": 30})  # row 5
    row(事项编码="LONG", 事项名称="长" * 10_000)  # row 6
    row(事项编码="NOTINT", 事项名称="天数不是整数", **{"承诺时限（工作日）": "三天"})  # row 7
    row(事项编码="FLAG", 事项名称="标签有误", 高频事项="也许")  # row 8
    row(事项编码="", 事项名称="")  # row 9 is skipped only if empty: department is filled, so this is a row
    ws = wb.create_sheet("材料")
    ws.append([label for _key, label in io.SHEETS["材料"]])
    ws.append(["OK-1", 1, "公司章程", 1, 0, "是", "否", ""])
    ws.append(["GHOST", 1, "身份证", 1, 0, "是", "否", ""])  # row 3: unknown item
    ws.append(["OK-1", 2, "", 1, "两份", "是", "否", ""])  # row 4: no name, bad copies
    wb.save(path)


def test_bad_xlsx_reports_every_row_and_writes_nothing(db, tmp_path):
    path = tmp_path / "bad.xlsx"
    _bad_workbook(path)
    report = io.import_catalog(db, MANAGER, path)
    assert not report.ok
    where = {(e.sheet, e.row_number, e.column) for e in report.errors}
    assert ("事项", 3, "部门编码") in where
    assert ("事项", 4, "事项编码") in where
    assert ("事项", 5, "承诺时限（工作日）") in where
    assert ("事项", 6, "事项名称") in where
    assert ("事项", 7, "承诺时限（工作日）") in where
    assert ("事项", 8, "高频事项") in where
    assert ("事项", 9, "事项编码") in where and ("事项", 9, "事项名称") in where
    assert ("材料", 3, "事项编码") in where
    assert ("材料", 4, "材料名称") in where and ("材料", 4, "复印件份数") in where
    assert not any(e.row_number == 2 and e.sheet == "事项" for e in report.errors)
    messages = "\n".join(e.message_zh for e in report.errors)
    assert "“事项”表第 3 行【部门编码】：部门编码“NOWHERE”不存在" in messages
    assert "“事项”表第 4 行【事项编码】：事项编码“OK-1”重复（第 2 行已有）" in messages
    assert "承诺时限（30 个工作日）不能超过法定时限（10 个工作日）" in messages
    assert "事项名称过长：最多 200 个字，当前 10000 个字" in messages
    assert "应为整数，当前为“三天”" in messages
    assert "应填“是”或“否”，当前为“也许”" in messages
    assert report.created == report.updated == report.unchanged == 0
    # all or nothing: not even the good department or the good item was written
    assert _count(db, Department) == 0 and _count(db, ServiceItem) == 0 and _count(db, AuditLog) == 0


def test_json_errors(db):
    data = small_catalog()
    data["items"][0]["flags"] = ["high_frequency", "vip"]
    data["items"][1]["statutory_days"] = 2.5
    data["items"][2]["materials"][0]["name"] = ""
    data["bundles"][0]["items"].append("NOPE-1")
    data["bundles"][1]["kind"] = "family"
    report = io.import_catalog(db, MANAGER, data)
    where = {(e.sheet, e.row_number, e.column) for e in report.errors}
    assert ("事项", 1, "事项标签") in where
    assert ("事项", 2, "法定时限（工作日）") in where
    assert ("材料", 3, "第 1 条材料·材料名称") in where
    assert ("一件事", 1, "包含事项") in where
    assert ("一件事", 2, "类型") in where
    assert len(report.errors) == 5
    assert _count(db, ServiceItem) == 0
    bad = io.import_catalog(db, MANAGER, {"format": "other"})
    assert bad.errors and bad.errors[0].sheet == "文件"


def test_dry_run_and_permissions(db, tmp_path):
    report = io.import_catalog(db, MANAGER, small_catalog(), dry_run=True)
    assert report.dry_run and report.created == 17 and report.errors == []
    assert _count(db, ServiceItem) == 0
    with pytest.raises(PermissionDenied):
        io.import_catalog(db, CLERK, small_catalog())
    with pytest.raises(InvalidInput, match="不支持的文件类型"):
        io.import_catalog(db, MANAGER, tmp_path / "catalog.csv")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert io.import_catalog(db, MANAGER, broken).errors[0].sheet == "文件"


def test_unknown_queue_is_a_warning_without_queues(db):
    data = small_catalog()
    data["items"][0]["queue"] = "A"
    report = io.import_catalog(db, MANAGER, data)
    assert report.errors == [] and len(report.warnings) == 1 and "叫号队列" in report.warnings[0].message_zh
    assert cat.get_item_summary(db, "SCJGJ-001").queue is None
