"""Look of the kiosk: the bundled CJK font and one stylesheet in two modes.

Normal mode: government blue and red on a light background. Elderly mode (长者模式): every type size
about 1.35× larger, bolder, black on white with darker tiles and thick borders (higher contrast).

Widgets say *what* they are with a dynamic property (`kind="title"`, `kind="tile"` …); sizes and
colours live only here. The stylesheet is set on the main window, not on the QApplication, so tests
that build several windows do not leak style into each other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from common.paths import resource_path
from kiosk.qt import QFont, QFontDatabase, QWidget

log = logging.getLogger(__name__)

# System fallbacks, tried after the bundled font (Windows, macOS, common Linux CJK fonts).
FALLBACK_FAMILIES = [
    "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
    "WenQuanYi Zen Hei", "SimHei", "sans-serif",
]  # fmt: skip

_BUNDLED = ("wqy-microhei.ttc", "HanaMinA-rare-subset.ttf", "HanaMinB-extb-subset.ttf")

_families: list[str] | None = None


def load_fonts() -> list[str]:
    """Register the bundled fonts with Qt (once); return the font families to use, best first.

    Needs a QGuiApplication. If the bundled files are missing or unreadable, system fonts are used.
    """
    global _families
    if _families is not None:
        return _families
    primary: list[str] = []
    rare: list[str] = []
    for name in _BUNDLED:
        path = resource_path("fonts", name)
        if not path.exists():
            log.warning("bundled font %s not found; falling back to system fonts", path)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load font %s", path)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if "Mono" in family:
                continue  # the TTC's second face; never the UI font
            (primary if name.startswith("wqy") else rare).append(family)
    _families = list(dict.fromkeys(primary + FALLBACK_FAMILIES + rare))
    return _families


def ui_font(point_size: int = 0) -> QFont:
    font = QFont()
    font.setFamilies(load_fonts())
    if point_size:
        font.setPointSize(point_size)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@dataclass(frozen=True)
class Palette:
    background: str
    text: str
    muted: str
    header_bg: str
    header_text: str
    primary: str  # ordinary tiles and buttons
    primary_pressed: str
    accent: str  # 取号, the main action
    accent_pressed: str
    on_primary: str
    disabled_bg: str
    disabled_text: str
    card_bg: str
    border: str
    error_bg: str
    error_text: str
    info_bg: str
    info_text: str
    ok_text: str
    border_px: int


NORMAL = Palette(
    background="#EEF3F8", text="#1A2330", muted="#4A5565",
    header_bg="#0B4F9C", header_text="#FFFFFF",
    primary="#1565C0", primary_pressed="#0D47A1",
    accent="#C62828", accent_pressed="#8E1B1B", on_primary="#FFFFFF",
    disabled_bg="#C9CFD6", disabled_text="#39414B",
    card_bg="#FFFFFF", border="#B7C3D0",
    error_bg="#FDECEA", error_text="#A4161A", info_bg="#E3F0FC", info_text="#0B3D75", ok_text="#1B6E20",
    border_px=2,
)  # fmt: skip

ELDERLY = Palette(
    background="#FFFFFF", text="#000000", muted="#1F1F1F",
    header_bg="#000000", header_text="#FFE14D",
    primary="#002F87", primary_pressed="#001A4D",
    accent="#A30000", accent_pressed="#5C0000", on_primary="#FFFFFF",
    disabled_bg="#D6D6D6", disabled_text="#000000",
    card_bg="#FFFFFF", border="#000000",
    error_bg="#FFF0A8", error_text="#7A0000", info_bg="#FFF7CC", info_text="#000000", ok_text="#004D00",
    border_px=4,
)  # fmt: skip


# Pixel sizes of each text kind (normal mode); elderly mode scales them.
BASE_SIZES = {
    "base": 28,
    "header": 34,
    "clock": 30,
    "header_button": 28,
    "title": 46,
    "subtitle": 30,
    "message": 32,
    "tile_title": 56,
    "hero_title": 120,
    "hero_sub": 36,
    "tile_sub": 28,
    "tile_tag": 24,
    "queue_prefix": 44,
    "queue_name": 40,
    "queue_info": 30,
    "button": 34,
    "keypad": 52,
    "display": 64,
    "number": 220,
    "ticket_line": 38,
    "status": 34,
    "placeholder": 96,
    # guide, lookup, complaint and check-in screens
    "chip": 32,
    "list_name": 36,
    "list_sub": 26,
    "list_tag": 24,
    "query": 46,  # ≤ 64 px in elderly mode: larger CJK glyphs are drawn without synthetic bold
    "count": 28,
    "section": 38,
    "body": 32,
    "badge": 26,
    "material_name": 34,
    "material_info": 28,
    "field": 44,
    "field_caption": 28,
    "big_status": 46,
    "step": 34,
    "ref_no": 72,
    "scan": 34,
}
ELDERLY_SCALE = 1.35


def sizes(elderly: bool) -> dict[str, int]:
    if not elderly:
        return dict(BASE_SIZES)
    out = {k: round(v * ELDERLY_SCALE) for k, v in BASE_SIZES.items()}
    out["number"] = 260  # the number already dominates; keep it on one line in portrait
    return out


def stylesheet(elderly: bool = False) -> str:
    p = ELDERLY if elderly else NORMAL
    s = sizes(elderly)
    weight = 700 if elderly else 500
    b = p.border_px
    return f"""
QWidget#KioskRoot {{ background: {p.background}; }}
QWidget {{ color: {p.text}; font-size: {s['base']}px; }}
QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}

/* header bar */
QFrame[kind="header"] {{ background: {p.header_bg}; border: none; }}
QLabel[kind="hall_name"] {{ color: {p.header_text}; font-size: {s['header']}px; font-weight: 700; }}
QLabel[kind="clock"] {{ color: {p.header_text}; font-size: {s['clock']}px; font-weight: {weight}; }}
QPushButton[kind="header_button"] {{
    color: {p.header_text}; background: transparent; font-size: {s['header_button']}px; font-weight: 700;
    border: {max(b, 2)}px solid {p.header_text}; border-radius: 12px; padding: 8px 24px;
}}
QPushButton[kind="header_button"]:checked {{ background: {p.header_text}; color: {p.header_bg}; }}
QPushButton[kind="header_button"]:pressed {{ background: {p.header_text}; color: {p.header_bg}; }}

/* message bar */
QLabel[kind="message"] {{ font-size: {s['message']}px; font-weight: 700; padding: 14px 28px; border-radius: 0; }}
QLabel[kind="message"][level="error"] {{ background: {p.error_bg}; color: {p.error_text};
    border-top: {b}px solid {p.error_text}; border-bottom: {b}px solid {p.error_text}; }}
QLabel[kind="message"][level="info"] {{ background: {p.info_bg}; color: {p.info_text}; }}

/* text */
QLabel[kind="title"] {{ font-size: {s['title']}px; font-weight: 700; }}
QLabel[kind="subtitle"] {{ font-size: {s['subtitle']}px; color: {p.muted}; font-weight: {weight}; }}
QLabel[kind="hint"] {{ font-size: {s['subtitle']}px; color: {p.muted}; }}
QLabel[kind="error"] {{ font-size: {s['message']}px; color: {p.error_text}; font-weight: 700; }}

/* big touch buttons */
QPushButton[kind="primary"], QPushButton[kind="secondary"], QPushButton[kind="accent"] {{
    font-size: {s['button']}px; font-weight: 700; border-radius: 16px; padding: 12px 36px;
}}
QPushButton[kind="primary"] {{ background: {p.primary}; color: {p.on_primary}; border: {b}px solid {p.primary_pressed}; }}
QPushButton[kind="primary"]:pressed {{ background: {p.primary_pressed}; }}
QPushButton[kind="accent"] {{ background: {p.accent}; color: {p.on_primary}; border: {b}px solid {p.accent_pressed}; }}
QPushButton[kind="accent"]:pressed {{ background: {p.accent_pressed}; }}
QPushButton[kind="secondary"] {{ background: {p.card_bg}; color: {p.primary}; border: {max(b, 3)}px solid {p.primary}; }}
QPushButton[kind="secondary"]:pressed {{ background: {p.info_bg}; }}
QPushButton:disabled {{ background: {p.disabled_bg}; color: {p.disabled_text}; border-color: {p.disabled_bg}; }}

/* tiles (home, queues, priority) */
QPushButton[kind="tile"], QPushButton[kind="tile_accent"] {{
    border-radius: 24px; text-align: left; padding: 0;
}}
QPushButton[kind="tile"] {{ background: {p.primary}; border: {b}px solid {p.primary_pressed}; }}
QPushButton[kind="tile"]:pressed {{ background: {p.primary_pressed}; }}
QPushButton[kind="tile_accent"] {{ background: {p.accent}; border: {b}px solid {p.accent_pressed}; }}
QPushButton[kind="tile_accent"]:pressed {{ background: {p.accent_pressed}; }}
QPushButton[kind="tile"]:disabled {{ background: {p.disabled_bg}; border: {b}px dashed {p.disabled_text}; }}
QPushButton[kind="tile"] QLabel, QPushButton[kind="tile_accent"] QLabel {{ color: {p.on_primary}; background: transparent; }}
QPushButton[kind="tile"] QLabel:disabled {{ color: {p.disabled_text}; }}
QLabel[kind="tile_title"] {{ font-size: {s['tile_title']}px; font-weight: 700; }}
QLabel[kind="hero_title"] {{ font-size: {s['hero_title']}px; font-weight: 800; }}
QLabel[kind="hero_sub"] {{ font-size: {s['hero_sub']}px; font-weight: 700; }}
QLabel[kind="tile_sub"] {{ font-size: {s['tile_sub']}px; font-weight: {weight}; }}
QLabel[kind="tile_tag"] {{ font-size: {s['tile_tag']}px; font-weight: 700;
    border: 2px solid {p.on_primary}; border-radius: 10px; padding: 2px 12px; }}
QLabel[kind="queue_prefix"] {{ font-size: {s['queue_prefix']}px; font-weight: 800;
    border: 3px solid {p.on_primary}; border-radius: 14px; padding: 0 12px; min-width: 64px; }}
QPushButton[kind="tile"] QLabel[kind="queue_prefix"]:disabled {{ border-color: {p.disabled_text}; }}
QLabel[kind="queue_name"] {{ font-size: {s['queue_name']}px; font-weight: 700; }}
QLabel[kind="queue_info"] {{ font-size: {s['queue_info']}px; font-weight: {weight}; }}

/* scroll bar: wide enough to see; scrolling itself is by swiping */
QScrollBar:vertical {{ background: {p.background}; width: 18px; margin: 0; border: none; }}
QScrollBar::handle:vertical {{ background: {p.primary}; border-radius: 9px; min-height: 80px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; border: none; background: none; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: {p.disabled_bg}; border-radius: 9px; }}

/* keypad */
QPushButton[kind="key"], QPushButton[kind="key_action"] {{
    font-size: {s['keypad']}px; font-weight: 700; border-radius: 16px;
    background: {p.card_bg}; color: {p.text}; border: {max(b, 2)}px solid {p.border};
}}
QPushButton[kind="key_action"] {{ font-size: {s['button']}px; color: {p.primary}; }}
QPushButton[kind="key"]:pressed, QPushButton[kind="key_action"]:pressed {{ background: {p.info_bg}; }}
QLabel[kind="display"] {{
    font-size: {s['display']}px; font-weight: 700; background: {p.card_bg}; color: {p.text};
    border: {max(b, 3)}px solid {p.primary}; border-radius: 16px; padding: 8px 24px;
}}
QLabel[kind="display"][empty="true"] {{ font-size: {s['subtitle']}px; color: {p.muted}; font-weight: {weight}; }}

/* ticket */
QFrame[kind="card"] {{ background: {p.card_bg}; border: {b}px solid {p.border}; border-radius: 24px; }}
QFrame[kind="card"] QLabel {{ background: transparent; border: none; }}
QLabel[kind="number"] {{ font-size: {s['number']}px; font-weight: 800; color: {p.accent}; }}
QLabel[kind="ticket_line"] {{ font-size: {s['ticket_line']}px; font-weight: {weight}; }}
QLabel[kind="ticket_caption"] {{ font-size: {s['subtitle']}px; color: {p.muted}; font-weight: {weight}; }}
QLabel[kind="ticket_strong"] {{ font-size: {s['ticket_line']}px; font-weight: 800; }}
QLabel[kind="status"] {{ font-size: {s['status']}px; font-weight: 700; padding: 10px 18px; border-radius: 12px; }}
QLabel[kind="status"][level="ok"] {{ color: {p.ok_text}; }}
QLabel[kind="status"][level="info"] {{ color: {p.info_text}; background: {p.info_bg}; }}
QLabel[kind="status"][level="error"] {{ color: {p.error_text}; background: {p.error_bg};
    border: {b}px solid {p.error_text}; }}
QLabel[kind="countdown"] {{ font-size: {s['subtitle']}px; color: {p.muted}; }}
QLabel[kind="placeholder"] {{ font-size: {s['placeholder']}px; font-weight: 800; color: {p.primary}; }}
/* chips: common words, phrases, window numbers */
QPushButton[kind="chip"] {{
    font-size: {s['chip']}px; font-weight: 700; border-radius: 24px; padding: 8px 10px;
    background: {p.card_bg}; color: {p.primary}; border: {max(b, 3)}px solid {p.primary};
}}
QPushButton[kind="chip"]:pressed {{ background: {p.info_bg}; }}
QPushButton[kind="chip"]:checked {{ background: {p.primary}; color: {p.on_primary}; border-color: {p.primary_pressed}; }}

/* list tiles: search results, departments, items, bundles */
QPushButton[kind="list_tile"] {{
    background: {p.card_bg}; border: {b}px solid {p.border}; border-radius: 16px; text-align: left; padding: 0;
}}
QPushButton[kind="list_tile"]:pressed {{ background: {p.info_bg}; border-color: {p.primary}; }}
QPushButton[kind="list_tile"] QLabel {{ background: transparent; }}
QLabel[kind="list_name"] {{ font-size: {s['list_name']}px; font-weight: 700; color: {p.text}; }}
QLabel[kind="list_sub"] {{ font-size: {s['list_sub']}px; font-weight: {weight}; color: {p.muted}; }}
QLabel[kind="list_tag"] {{ font-size: {s['list_tag']}px; font-weight: 700; color: {p.accent};
    border: 2px solid {p.accent}; border-radius: 10px; padding: 2px 10px; }}

/* the typed query and its result count */
QLabel[kind="query"] {{
    font-size: {s['query']}px; font-weight: 700; background: {p.card_bg}; color: {p.text};
    border: {max(b, 3)}px solid {p.primary}; border-radius: 16px; padding: 4px 24px;
}}
QLabel[kind="query"][empty="true"] {{ font-size: {s['count']}px; color: {p.muted}; font-weight: {weight}; }}
QLabel[kind="count"] {{ font-size: {s['count']}px; color: {p.muted}; font-weight: {weight}; }}

/* guide pages */
QLabel[kind="section"] {{ font-size: {s['section']}px; font-weight: 700; color: {p.primary};
    border-bottom: {max(b, 3)}px solid {p.primary}; padding: 12px 0 6px 0; }}
QLabel[kind="body"] {{ font-size: {s['body']}px; font-weight: {weight}; color: {p.text}; }}
QLabel[kind="badge"] {{ font-size: {s['badge']}px; font-weight: 700; color: {p.info_text}; background: {p.info_bg};
    border: 2px solid {p.info_text}; border-radius: 12px; padding: 4px 14px; }}
QLabel[kind="badge"][level="accent"] {{ color: {p.on_primary}; background: {p.accent}; border-color: {p.accent_pressed}; }}
QLabel[kind="badge"][level="ok"] {{ color: {p.ok_text}; background: {p.card_bg}; border-color: {p.ok_text}; }}
QFrame[kind="material"] {{ background: {p.card_bg}; border: {b}px solid {p.border}; border-radius: 16px; }}
QFrame[kind="material"] QLabel {{ background: transparent; border: none; }}
QFrame[kind="material"] QLabel[kind="badge"] {{ border: 2px solid {p.info_text}; }}
QFrame[kind="material"] QLabel[kind="badge"][level="accent"] {{ border-color: {p.accent_pressed}; }}
QLabel[kind="material_name"] {{ font-size: {s['material_name']}px; font-weight: 700; }}
QLabel[kind="material_info"] {{ font-size: {s['material_info']}px; font-weight: {weight}; color: {p.muted}; }}

/* input fields that the on-screen keypad types into (touch one to choose it) */
QPushButton[kind="field"] {{
    font-size: {s['field']}px; font-weight: 700; text-align: left; padding: 8px 24px; border-radius: 16px;
    background: {p.card_bg}; color: {p.text}; border: {max(b, 3)}px solid {p.border};
}}
QPushButton[kind="field"]:checked {{ border: {max(b, 3) + 2}px solid {p.primary}; background: {p.info_bg}; }}
QPushButton[kind="field"][empty="true"] {{ font-size: {s['field_caption']}px; color: {p.muted}; font-weight: {weight}; }}
QLabel[kind="field_caption"] {{ font-size: {s['field_caption']}px; font-weight: 700; color: {p.muted}; }}
QLabel[kind="scan"] {{ font-size: {s['scan']}px; font-weight: 700; color: {p.info_text}; background: {p.info_bg};
    border: {b}px dashed {p.info_text}; border-radius: 16px; padding: 16px 24px; }}

/* progress */
QLabel[kind="big_status"] {{ font-size: {s['big_status']}px; font-weight: 700; padding: 8px 24px; border-radius: 14px;
    color: {p.info_text}; background: {p.info_bg}; }}
QLabel[kind="big_status"][level="ok"] {{ color: {p.on_primary}; background: {p.ok_text}; }}
QLabel[kind="big_status"][level="error"] {{ color: {p.error_text}; background: {p.error_bg};
    border: {b}px solid {p.error_text}; }}
QLabel[kind="step"] {{ font-size: {s['step']}px; font-weight: {weight}; color: {p.muted}; padding: 6px 0; }}
QLabel[kind="step"][state="done"] {{ color: {p.ok_text}; font-weight: 700; }}
QLabel[kind="step"][state="current"] {{ color: {p.primary}; font-weight: 700; }}

/* complaint reference number */
QLabel[kind="ref_no"] {{ font-size: {s['ref_no']}px; font-weight: 700; color: {p.accent}; }}
"""


def apply(root: QWidget, elderly: bool) -> None:
    """Style a window (and everything in it) for normal or elderly mode."""
    root.setFont(ui_font())
    root.setStyleSheet(stylesheet(elderly))
