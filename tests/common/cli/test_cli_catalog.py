"""`hall demo-data`, `hall init` and `hall catalog …`, run in-process through `common.cli.main`."""

from __future__ import annotations

import json

import openpyxl

from common.cli import main


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_demo_data_then_search(db_url, capsys):
    code, out, _ = _run(capsys, "--db", db_url, "demo-data")
    assert code == 0 and "demo1234" in out

    code, out, _ = _run(capsys, "--db", db_url, "catalog", "search", "yyzz", "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits and all("营业执照" in h["name"] for h in hits[:2])
    assert {"kind", "code", "name", "department", "score", "matched"} <= set(hits[0])

    code, out, _ = _run(capsys, "--db", db_url, "--json", "catalog", "search", "开店", "--limit", "50")
    names = {h["name"] for h in json.loads(out)}
    assert {"个体工商户设立登记", "企业设立登记"} <= names

    code, out, _ = _run(capsys, "--db", db_url, "catalog", "search", "生孩子")
    assert code == 0 and "出生一件事" in out

    code, _out, err = _run(capsys, "--db", db_url, "demo-data")
    assert code == 5 and "--reset" in err


def test_catalog_export_import_and_errors(db_url, capsys, tmp_path):
    assert _run(capsys, "--db", db_url, "demo-data")[0] == 0
    xlsx = tmp_path / "catalog.xlsx"
    code, out, _ = _run(capsys, "--db", db_url, "catalog", "export", str(xlsx))
    assert code == 0 and xlsx.exists() and "个事项" in out
    code, out, _ = _run(capsys, "--db", db_url, "catalog", "import", str(xlsx), "--json")
    report = json.loads(out)
    assert code == 0 and report["created"] == report["updated"] == 0 and report["unchanged"] > 120

    # break two rows: exit 4, every problem listed, nothing written
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["事项"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("部门编码") + 1, value="NOWHERE")
    ws.cell(row=3, column=headers.index("承诺时限（工作日）") + 1, value="五天")
    wb.save(xlsx)
    code, out, _ = _run(capsys, "--db", db_url, "catalog", "import", str(xlsx))
    assert code == 4
    assert "未写入任何数据" in out and "“事项”表第 2 行【部门编码】" in out and "“事项”表第 3 行【承诺时限（工作日）】" in out

    code, out, _ = _run(capsys, "--db", db_url, "catalog", "import", str(xlsx), "--dry-run", "--json")
    assert code == 4 and len(json.loads(out)["errors"]) == 2

    js = tmp_path / "catalog.json"
    assert _run(capsys, "--db", db_url, "catalog", "export", str(js))[0] == 0
    code, out, _ = _run(capsys, "--db", db_url, "catalog", "import", str(js), "--dry-run")
    assert code == 0 and "试运行" in out and "更新 0" in out

    code, out, _ = _run(capsys, "--db", db_url, "catalog", "show", "SCJGJ-001")
    assert code == 0 and "材料清单" in out
    code, _out, err = _run(capsys, "--db", db_url, "catalog", "show", "NOPE")
    assert code == 4 and "找不到事项" in err


def test_init(db_url, capsys):
    code, out, _ = _run(capsys, "--db", db_url, "init", "--hall-name", "某县政务服务中心", "--site-code", "COUNTY",
                        "--json")
    data = json.loads(out)
    assert code == 0 and data["admin_staff_no"] == "ADMIN" and len(data["admin_password"]) == 12
    code, _out, err = _run(capsys, "--db", db_url, "init", "--hall-name", "X", "--site-code", "X",
                           "--admin-password", "Secret123")
    assert code == 5 and "已经初始化" in err
