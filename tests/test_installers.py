"""Installers: the PyInstaller spec, the Linux package files, the NSIS script, and `hall setup` (first-run setup).

Building the real bundle and .deb takes minutes and is not done here (see installers/linux/README.md); these
tests check that every installer file is well formed and that `hall setup` does what the installers rely on.
"""

from __future__ import annotations

import ast
import configparser
import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLERS = ROOT / "installers"
SPEC = INSTALLERS / "pyinstaller" / "govhall.spec"
LINUX = INSTALLERS / "linux"
UNITS = [LINUX / "systemd" / "govhall-kiosk.service", LINUX / "systemd" / "govhall-display.service"]
NSI = INSTALLERS / "windows" / "govhall.nsi"
PROGRAMS = {"hall": "common.cli", "hall-kiosk": "kiosk.app", "hall-counter": "counter.app",
            "hall-display": "kiosk.display_app"}


# ---------------------------------------------------------------------------
# PyInstaller
# ---------------------------------------------------------------------------


def _spec_literal(name: str):
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not assigned in {SPEC}")


def test_spec_parses_and_names_four_programs_in_one_collect():
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text, filename=str(SPEC))
    programs = _spec_literal("PROGRAMS")
    assert set(programs) == set(PROGRAMS)
    assert _spec_literal("CONSOLE") == {"hall"}
    assert text.count("COLLECT(") == 1 and text.count("Analysis(") == 1
    for script in programs.values():
        assert (SPEC.parent / script).is_file(), script


@pytest.mark.parametrize("needle", [
    '"resources"', '"common/db/migrations"', '"sqlalchemy.dialects.sqlite"', '"sqlalchemy.dialects.postgresql.psycopg"',
    '"psycopg"', '"alembic"', '"escpos"', '"argon2"', '"pypinyin"', '"chinese_calendar"', '"PySide6.QtTextToSpeech"',
    '"PySide6.QtMultimedia"',
])
def test_spec_bundles_data_and_hidden_imports(needle):
    assert needle in SPEC.read_text(encoding="utf-8")


def test_migrations_data_the_spec_ships_exist():
    migrations = ROOT / "common" / "db" / "migrations"
    assert (migrations / "script.py.mako").is_file() and (migrations / "env.py").is_file()
    assert list((migrations / "versions").glob("0001_*.py"))


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_entry_scripts_call_the_project_entry_points(program):
    script = SPEC.parent / _spec_literal("PROGRAMS")[program]
    tree = ast.parse(script.read_text(encoding="utf-8"))
    imported = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert (PROGRAMS[program], "main") in imported


def test_frozen_hall_runs_python_c_for_the_doctor(monkeypatch, capsys):
    """`hall doctor` checks Qt with [sys.executable, "-c", code]; frozen, sys.executable is hall itself."""
    monkeypatch.syspath_prepend(str(SPEC.parent))
    import entry_common

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "argv", ["hall", "-c", "print('from -c')"])
    with pytest.raises(SystemExit) as exit_info:
        entry_common.start(lambda: 7, python_c=True)
    assert exit_info.value.code == 0 and "from -c" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["hall-kiosk", "-c", "print('no')"])
    with pytest.raises(SystemExit) as exit_info:
        entry_common.start(lambda: 7)  # only `hall` runs code given with -c
    assert exit_info.value.code == 7


# ---------------------------------------------------------------------------
# Linux
# ---------------------------------------------------------------------------


def _ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in systemd units and desktop entries
    parser.read(path, encoding="utf-8")
    return parser


def _all_values(path: Path, key: str) -> list[str]:
    """Every value of a key that may repeat (Environment=, After= …), which configparser would collapse."""
    return [line.split("=", 1)[1].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"{key}=")]


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_units_run_the_app_in_cage_on_tty1(unit):
    cfg = _ini(unit)
    assert cfg.sections() == ["Unit", "Service", "Install"]
    program = "hall-kiosk" if "kiosk" in unit.name else "hall-display"
    service = cfg["Service"]
    assert service["ExecStart"] == f"/usr/bin/cage -- /opt/govhall/{program}"
    assert service["Restart"] == "always"
    assert service["User"] == "govhall"
    assert service["TTYPath"] == "/dev/tty1"
    assert service["PAMName"] == "govhall"
    env = _all_values(unit, "Environment")
    assert "HALL_CONFIG=/etc/govhall/machine.toml" in env and "HALL_DATA_DIR=/var/lib/govhall" in env
    other = "govhall-display.service" if program == "hall-kiosk" else "govhall-kiosk.service"
    assert other in cfg["Unit"]["Conflicts"] and "getty@tty1.service" in cfg["Unit"]["Conflicts"]
    assert cfg["Install"]["WantedBy"] == "graphical.target"


def test_counter_desktop_entry():
    entry = _ini(LINUX / "govhall-counter.desktop")["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"] == "hall-counter" and entry["Terminal"] == "false"
    assert entry["Name[zh_CN]"]


def test_build_deb_script_is_strict_and_declares_the_qt_runtime():
    text = (LINUX / "build-deb.sh").read_text(encoding="utf-8")
    assert "set -euo pipefail" in text.splitlines()[:15]
    for dep in ("libegl1", "libxkbcommon-x11-0", "libxcb-cursor0", "libfontconfig1", "libdbus-1-3"):
        assert dep in text
    assert "dpkg-deb --root-owner-group" in text
    assert os.access(LINUX / "build-deb.sh", os.X_OK)


@pytest.mark.parametrize("script", ["build-deb.sh", "launcher.sh", "debian/postinst", "debian/prerm", "debian/postrm"])
def test_shell_scripts_have_valid_syntax(script):
    path = LINUX / script
    shell = "bash" if path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash") else "sh"
    assert os.access(path, os.X_OK), f"{script} must be executable"
    result = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_postinst_never_overwrites_an_existing_config():
    text = (LINUX / "debian" / "postinst").read_text(encoding="utf-8")
    assert 'if [ ! -e "$CONFIG" ]; then' in text
    assert "--force" not in text


def test_build_outputs_are_git_ignored():
    ignored = (INSTALLERS / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/build/", "/dist/", "*.deb", "*.exe"} <= set(ignored)


# ---------------------------------------------------------------------------
# Windows
# ---------------------------------------------------------------------------


def test_nsis_script_compiles(tmp_path):
    makensis = shutil.which("makensis")
    assert makensis is not None, "makensis not installed: scripts/bootstrap.sh --tests installs nsis"
    payload = tmp_path / "payload"
    (payload / "_internal" / "resources").mkdir(parents=True)
    for name in PROGRAMS:
        (payload / f"{name}.exe").write_bytes(b"MZ dummy")
    (payload / "_internal" / "resources" / "x.txt").write_text("x")
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [makensis, "-V2", "-WX", f"-DPAYLOAD={payload}", "-DVERSION=0.1.0", f"-DOUTDIR={out}", str(NSI)],
        capture_output=True, text=True, cwd=NSI.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "GovHall-0.1.0-setup.exe").stat().st_size > 10_000


def test_nsis_script_has_the_required_pieces():
    text = NSI.read_text(encoding="utf-8")
    for needle in ('MUI_LANGUAGE "SimpChinese"', 'MUI_LANGUAGE "English"', "$PROGRAMFILES64\\GovHall",
                   "WriteUninstaller", "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\GovHall",
                   "Software\\Microsoft\\Windows\\CurrentVersion\\Run", "开机自动启动取号机", "hall.exe\" setup",
                   "窗口端", "取号机", "叫号屏", "管理命令"):
        assert needle in text, needle


# ---------------------------------------------------------------------------
# `hall setup`
# ---------------------------------------------------------------------------


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """HALL_CONFIG and HALL_DATA_DIR in a temporary folder; no HALL_DB_URL."""
    monkeypatch.setenv("HALL_CONFIG", str(tmp_path / "etc" / "machine.toml"))
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HALL_DB_URL", raising=False)
    return tmp_path


def _revisions(url: str) -> tuple[str | None, str]:
    from common.db import connect
    from common.db.migrate import current_revision, head_revision

    db = connect(url)
    try:
        return current_revision(db), head_revision(db)
    finally:
        db.dispose()


def test_setup_noninteractive_writes_config_and_migrates(machine, capsys):
    from common.cli import main
    from common.config import load_config

    url = f"sqlite:///{machine / 'db' / 'hall.db'}"
    rc = main(["setup", "--yes", "--role", "kiosk", "--db", url, "--printer", "dummy", "--site", "COUNTY",
               "--no-gui"])
    out = capsys.readouterr().out
    assert rc == 0, out
    cfg = load_config(machine / "etc" / "machine.toml")
    assert (cfg.machine.role, cfg.database.url, cfg.printer.kind, cfg.machine.site) == ("kiosk", url, "dummy", "COUNTY")
    assert (machine / "db" / "hall.db").is_file()
    current, head = _revisions(url)
    assert current == head
    assert "本机检查" in out and "小票打印机" in out


def test_setup_network_printer_flags(machine, capsys):
    from common.cli import main
    from common.config import load_config

    rc = main(["setup", "--yes", "--role", "counter", "--window", "12", "--printer", "network",
               "--printer-host", "192.168.1.50", "--paper-width", "58", "--no-doctor"])
    assert rc == 0, capsys.readouterr()
    cfg = load_config(machine / "etc" / "machine.toml")
    assert (cfg.machine.role, cfg.machine.window) == ("counter", 12)
    assert (cfg.printer.kind, cfg.printer.host, cfg.printer.port, cfg.printer.paper_width_mm) == (
        "network", "192.168.1.50", 9100, 58)
    assert cfg.database.url == ""  # this PC's SQLite file in the data directory
    assert (machine / "data" / "hall.db").is_file()


def test_setup_refuses_an_unreachable_database_and_saves_nothing(machine, capsys):
    from common.cli import main

    rc = main(["setup", "--yes", "--role", "kiosk", "--db", "postgresql://hall@127.0.0.1:1/hall", "--no-doctor"])
    assert rc == 3
    assert "配置未保存" in capsys.readouterr().err
    assert not (machine / "etc" / "machine.toml").exists()


@pytest.mark.parametrize("argv, message", [
    (["--role", "rating_pad"], "评价器必须指定窗口号"),
    (["--role", "kiosk", "--printer", "network"], "printer.host"),
    (["--role", "kiosk", "--admin-pin", "12"], "kiosk.admin_pin"),
])
def test_setup_rejects_incomplete_answers(machine, capsys, argv, message):
    from common.cli import main

    assert main(["setup", "--yes", "--no-doctor", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (machine / "etc" / "machine.toml").exists()


def test_setup_interactive_questions(machine, monkeypatch, capsys):
    from common.cli import main
    from common.config import load_config

    answers = "\n".join([
        "1",          # role: kiosk
        "1",          # database: this PC's SQLite file
        "COUNTY",     # site
        "2",          # printer: network
        "",           # host is required: asked again
        "10.0.0.9",   # host
        "",           # port: default 9100
        "58",         # paper width
        "12",         # admin PIN too short: asked again
        "2468",       # admin PIN
        "y",          # save
        "n",          # no test print
    ]) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    assert main(["setup", "--no-doctor"]) == 0
    out = capsys.readouterr().out
    assert "此项不能为空" in out and "4–8 位数字" in out
    cfg = load_config(machine / "etc" / "machine.toml")
    assert (cfg.machine.role, cfg.machine.site, cfg.printer.kind, cfg.printer.host, cfg.printer.paper_width_mm,
            cfg.kiosk.admin_pin) == ("kiosk", "COUNTY", "network", "10.0.0.9", 58, "2468")


def test_setup_interactive_input_ending_saves_nothing(machine, monkeypatch, capsys):
    from common.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    assert main(["setup"]) == 2
    assert "输入已结束" in capsys.readouterr().err
    assert not (machine / "etc" / "machine.toml").exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX matter")
def test_setup_keeps_the_config_file_mode_and_comments(machine, capsys):
    from common.cli import main
    from common.config import load_config, write_default_config

    path = write_default_config(machine / "etc" / "machine.toml")
    path.chmod(0o640)
    assert main(["setup", "--yes", "--role", "display", "--no-doctor"]) == 0, capsys.readouterr()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load_config(path).machine.role == "display"
    assert "# ==== 小票打印机 ====" in path.read_text(encoding="utf-8")


def test_spec_excludes_no_qt_module_the_apps_import():
    """A Qt module the code imports but the bundle leaves out crashes the installed app at start."""
    imported = set()
    for path in list((ROOT / "counter").rglob("*.py")) + list((ROOT / "kiosk").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
                     and n.module.startswith("PySide6.")}
    assert "PySide6.QtCharts" in imported
    assert not imported & set(_spec_literal("excludes"))
