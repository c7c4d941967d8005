"""Style of the guide, lookup, complaint and check-in screens, in normal and elderly mode.

Built from kiosk.theme's palettes and elderly scale, so both modes stay consistent with the ticket screens; the
window appends it to `theme.stylesheet()`. (Follow-up: fold these kinds into kiosk/theme.py.)
"""

from __future__ import annotations

from kiosk import theme

# Pixel sizes of each text kind (normal mode); elderly mode scales them like theme.BASE_SIZES.
EXTRA_SIZES = {
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


def extra_sizes(elderly: bool) -> dict[str, int]:
    if not elderly:
        return dict(EXTRA_SIZES)
    return {k: round(v * theme.ELDERLY_SCALE) for k, v in EXTRA_SIZES.items()}


def extra_stylesheet(elderly: bool = False) -> str:
    p = theme.ELDERLY if elderly else theme.NORMAL
    s = extra_sizes(elderly)
    weight = 700 if elderly else 500
    b = p.border_px
    return f"""
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
