"""Counter stays apart: Qt only through counter.qt, never kiosk; views hold no service calls."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "counter"


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_qt_only_through_counter_qt_and_no_kiosk():
    for path in ROOT.rglob("*.py"):
        mods = _imports(path)
        assert not any(m == "kiosk" or m.startswith("kiosk.") for m in mods), path
        if path.name != "qt.py":
            assert not any(m.startswith("PySide6") for m in mods), path


def test_views_do_not_call_services():
    for path in (ROOT / "views").glob("*.py"):
        mods = _imports(path)
        assert not any(m.startswith("common.services") or m.startswith("common.db") or m == "sqlalchemy"
                       or m == "counter.services" for m in mods), path


def test_the_installed_pyside_does_not_drop_references(qapp):
    """PySide6 6.12.0 drops a reference to True/None per emit()/update() on Python 3.11 and the app aborts after
    an afternoon at the counter ("deallocating True"); pyproject pins PySide6 below it. Guard the pin."""
    import sys

    from counter.qt import QObject, QWidget, Signal

    class Source(QObject):
        fired = Signal(bool)

    src, widget = Source(), QWidget()
    got: list[bool] = []
    src.fired.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(3000):
        src.fired.emit(True)
        widget.update()
    widget.deleteLater()
    assert len(got) == 3000
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert after[0] >= before[0] - 50 and after[1] >= before[1] - 50, (before, after)
