"""Package rules: kiosk/qt.py is the only kiosk module importing PySide6; kiosk never imports counter."""

from __future__ import annotations

import ast
from pathlib import Path

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_kiosk_qt_imports_pyside6():
    offenders = [
        str(p.relative_to(KIOSK)) for p in KIOSK.rglob("*.py")
        if p != KIOSK / "qt.py"
        and any(n.split(".")[0] == "PySide6" for n in _imports(p))
    ]  # fmt: skip
    assert offenders == []


def test_kiosk_never_imports_counter():
    offenders = [str(p) for p in KIOSK.rglob("*.py") if any(n.split(".")[0] == "counter" for n in _imports(p))]
    assert offenders == []


def test_every_chinese_ui_string_has_an_english_translation():
    from kiosk.i18n import EN_STRINGS

    assert all(EN_STRINGS.values())
    used = set()
    for p in KIOSK.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    used.add(arg.value)
    assert sorted(used - set(EN_STRINGS)) == []
