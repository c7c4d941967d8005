"""Look of the counter app: a calm desktop style for clerks who work at it all day, and a big, high-contrast
style for the citizen-facing rating pad.

Widgets say *what* they are with a dynamic property (`kind="ticket_number"`, `kind="action"` …); sizes and colours
live only here. Stylesheets are set on top-level windows, not on the QApplication, so tests that build several
windows do not leak style into each other. Fonts: the bundled WenQuanYi Micro Hei (resources/fonts) first, then
the usual system CJK fonts.
"""

from __future__ import annotations

import logging

from common.paths import resource_path
from counter.qt import QFont, QFontDatabase, QWidget

log = logging.getLogger(__name__)

FALLBACK_FAMILIES = [
    "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
    "WenQuanYi Zen Hei", "SimHei", "sans-serif",
]  # fmt: skip
_BUNDLED = ("wqy-microhei.ttc", "HanaMinA-rare-subset.ttf", "HanaMinB-extb-subset.ttf")
_families: list[str] | None = None


def load_fonts() -> list[str]:
    """Register the bundled fonts with Qt once; return the families to use, best first (needs a QGuiApplication)."""
    global _families
    if _families is not None:
        return _families
    primary: list[str] = []
    rare: list[str] = []
    for name in _BUNDLED:
        path = resource_path("fonts", name)
        if not path.exists():
            log.warning("bundled font %s not found; using system fonts", path)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load font %s", path)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if "Mono" in family:
                continue
            (primary if name.startswith("wqy") else rare).append(family)
    _families = list(dict.fromkeys(primary + FALLBACK_FAMILIES + rare))
    return _families


def ui_font(pixel_size: int = 15) -> QFont:
    font = QFont()
    font.setFamilies(load_fonts())
    font.setPixelSize(pixel_size)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


# ------------------------------------------------------------------------------------------- clerk's desktop

BG = "#F2F4F7"
CARD = "#FFFFFF"
TEXT = "#1F2933"
MUTED = "#5B6675"
BORDER = "#D3D9E1"
PRIMARY = "#1F5FA8"
PRIMARY_DARK = "#174A84"
PRIMARY_SOFT = "#E6EEF8"
OK = "#2E7D32"
OK_SOFT = "#E8F3E8"
WARN = "#A15C00"
WARN_SOFT = "#FFF4E0"
DANGER = "#B3261E"
DANGER_SOFT = "#FCEBEA"

DESKTOP_QSS = f"""
QMainWindow, QWidget#CounterRoot, QDialog {{ background: {BG}; }}
QWidget {{ color: {TEXT}; font-size: 15px; }}
QStatusBar {{ background: #E4E8EE; border-top: 1px solid {BORDER}; font-size: 14px; }}
QStatusBar QLabel {{ padding: 0 10px; font-size: 14px; }}
QLabel[kind="db"][level="ok"] {{ color: {OK}; }}
QLabel[kind="db"][level="error"] {{ color: {DANGER}; font-weight: 700; }}

QFrame[kind="card"] {{ background: {CARD}; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame[kind="card"] QLabel {{ background: transparent; border: none; }}
QFrame[kind="serving"] {{ background: {CARD}; border: 1px solid {BORDER}; border-left: 6px solid {PRIMARY};
    border-radius: 8px; }}
QFrame[kind="serving"][state="idle"] {{ border-left-color: {BORDER}; }}
QFrame[kind="serving"][state="break"] {{ border-left-color: {WARN}; }}
QFrame[kind="serving"] QLabel {{ background: transparent; border: none; }}

QLabel[kind="app_title"] {{ font-size: 22px; font-weight: 700; color: {PRIMARY_DARK}; }}
QLabel[kind="section"] {{ font-size: 16px; font-weight: 700; color: {MUTED}; }}
QLabel[kind="ticket_number"] {{ font-size: 96px; font-weight: 800; color: {PRIMARY_DARK}; }}
QLabel[kind="ticket_number"][state="idle"] {{ font-size: 30px; font-weight: 600; color: {MUTED}; }}
QLabel[kind="ticket_number"][state="break"] {{ font-size: 30px; font-weight: 700; color: {WARN}; }}
QFrame QLabel[kind="ticket_status"] {{ font-size: 16px; font-weight: 700; color: #FFFFFF; background: {PRIMARY};
    border-radius: 4px; padding: 2px 10px; }}
QFrame QLabel[kind="ticket_status"][state="called"] {{ background: {WARN}; }}
QFrame QLabel[kind="ticket_status"][state="serving"] {{ background: {OK}; }}
QLabel[kind="business"] {{ font-size: 20px; font-weight: 600; }}
QLabel[kind="field"] {{ font-size: 15px; color: {MUTED}; }}
QLabel[kind="value"] {{ font-size: 16px; font-weight: 600; }}
QLabel[kind="timer"] {{ font-size: 30px; font-weight: 700; color: {TEXT}; }}
QFrame QLabel[kind="priority"] {{ font-size: 15px; font-weight: 700; color: {DANGER}; background: {DANGER_SOFT};
    border: 1px solid {DANGER}; border-radius: 4px; padding: 2px 8px; }}
QFrame QLabel[kind="note"] {{ font-size: 15px; color: {WARN}; background: {WARN_SOFT}; border: 1px solid #E8C58A;
    border-radius: 4px; padding: 6px 10px; }}
QLabel[kind="banner"] {{ font-size: 15px; padding: 8px 12px; border-radius: 6px; }}
QLabel[kind="banner"][level="info"] {{ color: {PRIMARY_DARK}; background: {PRIMARY_SOFT}; border: 1px solid #B9CDE6; }}
QLabel[kind="banner"][level="ok"] {{ color: {OK}; background: {OK_SOFT}; border: 1px solid #B5D6B6; }}
QLabel[kind="banner"][level="error"] {{ color: {DANGER}; background: {DANGER_SOFT}; border: 1px solid #E9B3AF;
    font-weight: 600; }}
QLabel[kind="figure"] {{ font-size: 26px; font-weight: 700; color: {PRIMARY_DARK}; }}
QLabel[kind="figure_label"] {{ font-size: 14px; color: {MUTED}; }}
QFrame QLabel[kind="queue_prefix"] {{ font-size: 16px; font-weight: 800; color: #FFFFFF; background: {PRIMARY};
    border-radius: 4px; padding: 1px 8px; }}
QLabel[kind="queue_waiting"] {{ font-size: 20px; font-weight: 700; }}
QLabel[kind="error"] {{ color: {DANGER}; font-weight: 600; }}
QLabel[kind="hint"] {{ color: {MUTED}; font-size: 14px; }}

QPushButton {{ background: {CARD}; border: 1px solid #AEB8C5; border-radius: 6px; padding: 6px 14px;
    min-height: 30px; }}
QPushButton:hover {{ background: {PRIMARY_SOFT}; }}
QPushButton:pressed {{ background: #D3E0F1; }}
QPushButton:disabled {{ color: #9AA5B1; background: #ECEFF3; border-color: #D3D9E1; }}
QPushButton[kind="primary"] {{ background: {PRIMARY}; color: #FFFFFF; border: 1px solid {PRIMARY_DARK};
    font-weight: 700; }}
QPushButton[kind="primary"]:hover {{ background: {PRIMARY_DARK}; }}
QPushButton[kind="primary"]:disabled {{ background: #9DB4CF; color: #F3F6FA; border-color: #9DB4CF; }}
QPushButton[kind="action"] {{ text-align: left; padding: 5px 12px; min-height: 32px; font-size: 16px; }}
QPushButton[kind="action"][accent="call"] {{ background: {PRIMARY}; color: #FFFFFF; border-color: {PRIMARY_DARK};
    font-weight: 700; }}
QPushButton[kind="action"][accent="call"]:hover {{ background: {PRIMARY_DARK}; }}
QPushButton[kind="action"][accent="finish"] {{ background: {OK}; color: #FFFFFF; border-color: #1F5E23;
    font-weight: 700; }}
QPushButton[kind="action"][accent="finish"]:hover {{ background: #1F5E23; }}
QPushButton[kind="action"]:disabled {{ color: #9AA5B1; background: #ECEFF3; border-color: #D3D9E1; }}

QLineEdit, QComboBox, QPlainTextEdit {{ background: {CARD}; border: 1px solid #AEB8C5; border-radius: 5px;
    padding: 5px 8px; min-height: 24px; font-size: 15px; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ border: 2px solid {PRIMARY}; }}
QLineEdit:disabled, QComboBox:disabled {{ background: #ECEFF3; color: {MUTED}; }}
QListWidget {{ background: {CARD}; border: 1px solid {BORDER}; border-radius: 6px; font-size: 15px; }}
QListWidget::item {{ padding: 6px 8px; }}
QListWidget::item:selected {{ background: {PRIMARY_SOFT}; color: {TEXT}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 6px; background: {CARD}; top: -1px; }}
QTabBar::tab {{ padding: 6px 16px; font-size: 15px; border: 1px solid {BORDER}; border-bottom: none;
    background: #E4E8EE; border-top-left-radius: 5px; border-top-right-radius: 5px; margin-right: 2px; }}
QTabBar::tab:selected {{ background: {CARD}; font-weight: 700; }}
QCheckBox, QRadioButton {{ font-size: 15px; spacing: 8px; }}
QCheckBox:disabled, QRadioButton:disabled {{ color: #9AA5B1; }}

QTabWidget#main_tabs::pane {{ border: none; background: {BG}; top: 0; }}
QTabWidget#main_tabs > QTabBar::tab {{ padding: 7px 22px; font-size: 16px; margin-top: 4px; }}
QTableWidget {{ background: {CARD}; border: 1px solid {BORDER}; border-radius: 6px; gridline-color: #E3E7ED;
    font-size: 15px; selection-background-color: #C9DAF0; selection-color: {TEXT}; }}
QHeaderView::section {{ background: #E9EDF2; color: {MUTED}; font-size: 14px; font-weight: 700; border: none;
    border-right: 1px solid {BORDER}; border-bottom: 1px solid {BORDER}; padding: 5px 6px; }}
QSpinBox, QDateEdit {{ font-size: 15px; min-height: 30px; }}
QLabel[kind="missing_list"] {{ font-size: 15px; color: #5C3A00; background: {WARN_SOFT}; border: 1px solid #E8C58A;
    border-radius: 6px; padding: 8px 10px; }}
QPushButton[kind="danger"] {{ background: {CARD}; color: {DANGER}; border: 1px solid {DANGER}; font-weight: 700; }}
QPushButton[kind="danger"]:hover {{ background: {DANGER_SOFT}; }}
QPushButton[kind="action"][accent="intake"] {{ background: #FFFFFF; color: {PRIMARY_DARK}; border: 2px solid {PRIMARY};
    font-weight: 700; }}
QPushButton[kind="action"][accent="intake"]:hover {{ background: {PRIMARY_SOFT}; }}

QLabel[kind="field_error"] {{ color: {DANGER}; font-size: 14px; font-weight: 600; }}
QLabel[kind="hint"][level="error"] {{ color: {DANGER}; font-weight: 700; }}
QLabel[kind="warn_text"] {{ color: {WARN}; font-size: 14px; font-weight: 600; }}
QLabel[kind="value_small"] {{ font-size: 15px; }}
QLabel[kind="deadline"] {{ font-size: 18px; font-weight: 700; padding: 8px 12px; border-radius: 6px;
    color: {PRIMARY_DARK}; background: {PRIMARY_SOFT}; border: 1px solid #B9CDE6; }}
QLabel[kind="deadline"][level="error"] {{ color: {DANGER}; background: {DANGER_SOFT}; border: 1px solid #E9B3AF; }}
QLabel[kind="deadline"][level="muted"] {{ color: {MUTED}; background: #ECEFF3; border: 1px solid {BORDER}; }}
QFrame[kind="card"] QLabel[kind="item_card"] {{ font-size: 15px; background: {PRIMARY_SOFT}; border: 1px solid #B9CDE6;
    border-radius: 6px; padding: 8px 10px; }}
QLabel[kind="case_no"] {{ font-size: 24px; font-weight: 800; color: {PRIMARY_DARK}; }}
QFrame QLabel[kind="badge"], QLabel[kind="badge"] {{ font-size: 15px; font-weight: 700; color: {PRIMARY_DARK};
    background: {PRIMARY_SOFT}; border: 1px solid #B9CDE6; border-radius: 4px; padding: 2px 10px; }}
QLabel[kind="badge"][state="urgent"] {{ color: #FFFFFF; background: {DANGER}; border-color: {DANGER}; }}
QLabel[kind="badge"][state="completed"], QLabel[kind="badge"][state="approved"],
QLabel[kind="badge"][state="mailed"], QLabel[kind="badge"][state="ready"] {{ color: {OK}; background: {OK_SOFT};
    border-color: #B5D6B6; }}
QLabel[kind="badge"][state="rejected"], QLabel[kind="badge"][state="denied"] {{ color: {DANGER};
    background: {DANGER_SOFT}; border-color: #E9B3AF; }}
QLabel[kind="badge"][state="awaiting_materials"], QLabel[kind="badge"][state="clock_stopped"] {{ color: {WARN};
    background: {WARN_SOFT}; border-color: #E8C58A; }}
QLabel[kind="warn_tag"] {{ font-size: 15px; font-weight: 700; border-radius: 4px; padding: 2px 10px;
    color: {OK}; background: {OK_SOFT}; border: 1px solid #B5D6B6; }}
QLabel[kind="warn_tag"][level="yellow"] {{ color: #5C3A00; background: #FFD866; border: 1px solid {WARN}; }}
QLabel[kind="warn_tag"][level="late"] {{ color: {DANGER}; background: {DANGER_SOFT}; border: 1px solid {DANGER}; }}
QLabel[kind="warn_tag"][level="red"] {{ color: #FFFFFF; background: {DANGER}; border: 1px solid #7F1B15; }}
QLabel[kind="notice_summary"] {{ font-size: 16px; }}
QLabel[kind="print_status"] {{ font-size: 15px; padding: 6px 10px; border-radius: 6px; color: {PRIMARY_DARK};
    background: {PRIMARY_SOFT}; }}
QLabel[kind="print_status"][level="ok"] {{ color: {OK}; background: {OK_SOFT}; }}
QLabel[kind="print_status"][level="error"] {{ color: {DANGER}; background: {DANGER_SOFT}; font-weight: 600; }}
QLabel[kind="paper"] {{ background: #FFFFFF; padding: 8px; }}
QScrollArea#notice_scroll {{ background: #D9DEE5; border: 1px solid {BORDER}; border-radius: 6px; }}
"""


def apply_desktop(root: QWidget) -> None:
    root.setFont(ui_font(15))
    root.setStyleSheet(DESKTOP_QSS)


# ------------------------------------------------------------------------------------------- rating pad

# Level → (face colour, text colour). Green for satisfied … red for very dissatisfied; never colour alone: each
# button also has a face and a word.
LEVEL_COLOURS = {
    5: ("#1B7F3B", "#FFFFFF"),
    4: ("#4C9A2A", "#FFFFFF"),
    3: ("#C99700", "#1A1A1A"),
    2: ("#D9631E", "#FFFFFF"),
    1: ("#B3261E", "#FFFFFF"),
}

PAD_QSS = f"""
QWidget#RatingPad {{ background: #F7F9FC; }}
QWidget {{ color: #111111; font-size: 28px; }}
QFrame[kind="pad_header"] {{ background: #0B4F9C; }}
QFrame[kind="pad_header"] QLabel {{ color: #FFFFFF; background: transparent; }}
QLabel[kind="pad_hall"] {{ font-size: 30px; font-weight: 700; }}
QLabel[kind="pad_window"] {{ font-size: 30px; font-weight: 700; }}
QPushButton[kind="lang"] {{ color: #FFFFFF; background: transparent; border: 2px solid #FFFFFF;
    border-radius: 10px; padding: 6px 20px; font-size: 26px; font-weight: 700; min-height: 56px; }}
QPushButton[kind="lang"]:pressed {{ background: #FFFFFF; color: #0B4F9C; }}
QLabel[kind="pad_title"] {{ font-size: 44px; font-weight: 800; }}
QLabel[kind="pad_sub"] {{ font-size: 30px; color: #333333; }}
QLabel[kind="pad_name"] {{ font-size: 60px; font-weight: 800; }}
QLabel[kind="pad_field"] {{ font-size: 32px; color: #222222; }}
QFrame[kind="pad_card"] QLabel[kind="pad_badge"] {{ font-size: 30px; font-weight: 700; color: #FFFFFF; background: #1B7F3B;
    border-radius: 12px; padding: 6px 22px; }}
QFrame[kind="pad_card"] QLabel[kind="pad_badge"][state="closed"] {{ background: #6B7280; }}
QFrame[kind="pad_card"] QLabel[kind="pad_badge"][state="paused"] {{ background: #A15C00; }}
QLabel[kind="pad_thanks"] {{ font-size: 80px; font-weight: 800; color: #1B7F3B; }}
QLabel[kind="pad_number"] {{ font-size: 150px; font-weight: 800; color: #B3261E; }}
QLabel[kind="pad_countdown"] {{ font-size: 26px; color: #444444; }}
QLabel[kind="pad_error"] {{ font-size: 28px; font-weight: 700; color: #8E1B1B; background: #FDECEA;
    border: 2px solid #8E1B1B; border-radius: 10px; padding: 10px 18px; }}
QFrame[kind="pad_card"] {{ background: #FFFFFF; border: 2px solid #C5CFDB; border-radius: 24px; }}
QFrame[kind="pad_card"] QLabel {{ background: transparent; border: none; }}
QPushButton[kind="reason"] {{ font-size: 34px; font-weight: 700; background: #FFFFFF; color: #111111;
    border: 3px solid #5B6675; border-radius: 18px; min-height: 96px; padding: 8px 20px; }}
QPushButton[kind="reason"]:checked {{ background: #0B4F9C; color: #FFFFFF; border-color: #062E5C; }}
QPushButton[kind="pad_primary"] {{ font-size: 38px; font-weight: 800; background: #0B4F9C; color: #FFFFFF;
    border: 3px solid #062E5C; border-radius: 18px; min-height: 100px; padding: 8px 40px; }}
QPushButton[kind="pad_primary"]:disabled {{ background: #C9CFD6; color: #39414B; border-color: #C9CFD6; }}
QPushButton[kind="pad_secondary"] {{ font-size: 34px; font-weight: 700; background: #FFFFFF; color: #0B4F9C;
    border: 3px solid #0B4F9C; border-radius: 18px; min-height: 100px; padding: 8px 40px; }}
"""


def apply_pad(root: QWidget) -> None:
    root.setFont(ui_font(28))
    root.setStyleSheet(PAD_QSS)


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
