"""`hall user …` and `hall audit …`, run in-process against SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select, text

from common.cli import main
from common.db.models import AuditLog, Staff

PW = "hall2024ok"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _add(capsys, url, staff_no="A001", name="张三", *extra):
    return _run(capsys, "--db", url, "user", "add", staff_no, name, "--role", "clerk", "--role", "chief_rep",
                "--password", PW, *extra)


def test_user_add_and_list_json_with_global_options_before_and_after(db, capsys):
    code, out, err = _add(capsys, db.url)
    assert code == 0, err
    assert "A001" in out and "张三" in out
    for argv in (["--db", db.url, "--json", "user", "list"],
                 ["user", "list", "--db", db.url, "--json"],
                 ["user", "--db", db.url, "list", "--json"]):
        code, out, err = _run(capsys, *argv)
        assert code == 0, err
        data = json.loads(out)
        assert [(x["staff_no"], x["name"], x["roles"]) for x in data] == [("A001", "张三", ["clerk", "chief_rep"])]
    code, out, _ = _run(capsys, "--db", db.url, "user", "list")
    assert "首席代表" in out and "正常" in out
    with db.read() as s:
        assert s.scalar(select(Staff.password_hash)).startswith("$argon2id$")
        row = s.scalars(select(AuditLog)).one()
        assert row.action == "staff.create" and row.actor == "命令行管理员（cli）" and row.actor_id is None


def test_user_add_password_sources(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    code, _, err = _run(capsys, "--db", db.url, "user", "add", "A002", "李四", "--role", "clerk", "--password-stdin")
    assert code == 0, err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, no password given
    code, _, err = _run(capsys, "--db", db.url, "user", "add", "A003", "王五", "--role", "clerk")
    assert code == 2 and "--password" in err
    code, _, err = _run(capsys, "--db", db.url, "user", "add", "A004", "赵六", "--role", "clerk", "--password", "short")
    assert code == 4 and "密码" in err


def test_user_add_prompts_on_a_terminal(db, capsys, monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Tty())
    answers = iter([PW, PW])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = _run(capsys, "--db", db.url, "user", "add", "A005", "钱七", "--role", "clerk")
    assert code == 0, err
    answers = iter([PW, "different1"])
    code, _, err = _run(capsys, "--db", db.url, "user", "passwd", "A005")
    assert code == 2 and "不一致" in err


def test_user_passwd_unlock_and_errors(db, capsys):
    from common.services import auth

    assert _add(capsys, db.url)[0] == 0
    for _ in range(5):
        with pytest.raises(auth.LoginFailed):
            auth.login(db, "A001", "wrong-pass1")
    code, out, _ = _run(capsys, "--db", db.url, "--json", "user", "list")
    assert json.loads(out)[0]["locked_until"] is not None
    code, out, err = _run(capsys, "--db", db.url, "user", "unlock", "A001")
    assert code == 0, err
    assert auth.login(db, "A001", PW).staff_no == "A001"
    code, _, err = _run(capsys, "--db", db.url, "user", "passwd", "A001", "--password", "newpass2024")
    assert code == 0, err
    assert auth.login(db, "A001", "newpass2024").staff_no == "A001"
    code, _, err = _run(capsys, "--db", db.url, "user", "unlock", "NOBODY")
    assert code == 4 and "NOBODY" in err
    code, _, err = _add(capsys, db.url)
    assert code == 5 and "已存在" in err
    code, out, err = _run(capsys, "--db", db.url, "user", "roles", "A001", "--role", "approver")
    assert code == 0 and "后台审批" in out
    code, out, err = _run(capsys, "--db", db.url, "user", "deactivate", "A001")
    assert code == 0 and "停用" in out


def test_audit_verify_ok_then_edited_row_is_named(db, capsys):
    for i in range(3):
        assert _add(capsys, db.url, f"A00{i}", "张三")[0] == 0
    code, out, _ = _run(capsys, "--db", db.url, "audit", "verify")
    assert code == 0 and "完整" in out and "3" in out
    code, out, _ = _run(capsys, "audit", "verify", "--db", db.url, "--json")
    assert code == 0 and json.loads(out)["ok"] is True and json.loads(out)["checked"] == 3

    with db.write() as s:
        s.execute(text("UPDATE audit_log SET detail = '{\"name\": \"篡改\"}' WHERE id = 2"))
    code, out, _ = _run(capsys, "--db", db.url, "audit", "verify")
    assert code == 1
    assert "第 2 条" in out and "hash_mismatch" in out
    code, out, _ = _run(capsys, "--db", db.url, "--json", "audit", "verify")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert [(p["row_id"], p["kind"]) for p in data["problems"]] == [(2, "hash_mismatch")]


def test_audit_verify_detects_deleted_row(db, capsys):
    for i in range(4):
        assert _add(capsys, db.url, f"A00{i}", "张三")[0] == 0
    with db.write() as s:
        s.execute(text("DELETE FROM audit_log WHERE id = 2"))
    code, out, _ = _run(capsys, "--json", "--db", db.url, "audit", "verify")
    assert code == 1
    assert [(p["row_id"], p["kind"]) for p in json.loads(out)["problems"]] == [(3, "missing_rows")]


def test_audit_show(db, capsys):
    for i in range(3):
        assert _add(capsys, db.url, f"A00{i}", "张三")[0] == 0
    code, out, _ = _run(capsys, "--db", db.url, "audit", "show", "--limit", "2")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 2 and "staff.create" in lines[0] and "staff:A002" in lines[1]
    code, out, _ = _run(capsys, "--db", db.url, "audit", "show", "--json")
    assert [e["id"] for e in json.loads(out)] == [3, 2, 1]
    with pytest.raises(SystemExit) as exc:
        main(["--db", db.url, "audit", "show", "--limit", "0"])
    assert exc.value.code == 2


def test_group_commands_without_subcommand_print_help(db, capsys):
    assert main(["--db", db.url, "user"]) == 2
    assert main(["--db", db.url, "audit"]) == 2
