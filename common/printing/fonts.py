"""Bundled fonts and per-character fallback.

The primary font (WenQuanYi Micro Hei) covers GBK; rare name characters in CJK
Ext-A/Ext-B come from Hanazono subsets. Coverage is read from each font's
`cmap` table with a tiny parser, so no fontTools is needed at run time.
"""

from __future__ import annotations

import bisect
import struct
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from common.paths import resource_path

PRIMARY_FAMILY = "HallSans"


@dataclass(frozen=True)
class FontFace:
    """One face of a font file; `index` is the TTC face number."""

    path: Path
    index: int
    family: str  # stable name used for reportlab registration

    @property
    def is_primary(self) -> bool:
        return self.family == PRIMARY_FAMILY


_PRIMARY = ("wqy-microhei.ttc", 0, PRIMARY_FAMILY)
# Order matters: the first face that maps a character draws it.
_FALLBACKS = (
    ("HanaMinA-rare-subset.ttf", 0, "HallRareA"),
    ("HanaMinB-extb-subset.ttf", 0, "HallRareB"),
)


def bundled_font_path() -> Path:
    """Path of the primary CJK font (a TTC; face 0 is Micro Hei)."""
    return resource_path("fonts", _PRIMARY[0])


def primary_face() -> FontFace:
    return FontFace(bundled_font_path(), _PRIMARY[1], _PRIMARY[2])


def fallback_faces() -> list[FontFace]:
    faces = []
    for name, index, family in _FALLBACKS:
        path = resource_path("fonts", name)
        if path.exists():
            faces.append(FontFace(path, index, family))
    return faces


def fallback_font_paths() -> list[Path]:
    """Paths of the fallback fonts present in resources/fonts, in lookup order."""
    return [face.path for face in fallback_faces()]


def all_faces() -> list[FontFace]:
    return [primary_face(), *fallback_faces()]


# --- cmap coverage -----------------------------------------------------------


class _Coverage:
    """Sorted, merged code point ranges that map to a real glyph (not .notdef)."""

    def __init__(self, ranges: list[tuple[int, int]]):
        ranges.sort()
        merged: list[list[int]] = []
        for start, end in ranges:
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [r[0] for r in merged]
        self._ends = [r[1] for r in merged]

    def __contains__(self, cp: int) -> bool:
        i = bisect.bisect_right(self._starts, cp) - 1
        return i >= 0 and cp <= self._ends[i]

    def __len__(self) -> int:
        return sum(e - s + 1 for s, e in zip(self._starts, self._ends))


def _read_at(f, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise ValueError("truncated font file")
    return data


def _table_offset(f, face_index: int, tag: bytes) -> int:
    head = _read_at(f, 0, 12)
    base = 0
    if head[:4] == b"ttcf":
        num_fonts = struct.unpack(">I", head[8:12])[0]
        if face_index >= num_fonts:
            raise ValueError(f"font collection has {num_fonts} faces")
        base = struct.unpack(">I", _read_at(f, 12 + 4 * face_index, 4))[0]
        head = _read_at(f, base, 12)
    num_tables = struct.unpack(">H", head[4:6])[0]
    records = _read_at(f, base + 12, 16 * num_tables)
    for i in range(num_tables):
        rec = records[16 * i : 16 * i + 16]
        if rec[:4] == tag:
            return struct.unpack(">I", rec[8:12])[0]
    raise ValueError(f"font has no {tag!r} table")


def _parse_format12(f, offset: int) -> list[tuple[int, int]]:
    _fmt, _res, _length, _lang, n_groups = struct.unpack(">HHIII", _read_at(f, offset, 16))
    data = _read_at(f, offset + 16, 12 * n_groups)
    ranges = []
    for start, end, glyph in struct.iter_unpack(">III", data):
        if glyph == 0:  # first code maps to .notdef
            start += 1
        if start <= end:
            ranges.append((start, end))
    return ranges


def _parse_format4(f, offset: int) -> list[tuple[int, int]]:
    _fmt, length = struct.unpack(">HH", _read_at(f, offset, 4))
    data = _read_at(f, offset, length)
    seg_count = struct.unpack(">H", data[6:8])[0] // 2
    arr = lambda pos: struct.unpack(f">{seg_count}H", data[pos : pos + 2 * seg_count])  # noqa: E731
    ends = arr(14)
    starts = arr(16 + 2 * seg_count)
    deltas = arr(16 + 4 * seg_count)
    ro_pos = 16 + 6 * seg_count
    range_offsets = arr(ro_pos)
    ranges = []
    for i in range(seg_count):
        start, end = starts[i], min(ends[i], 0xFFFE)
        if start > end:
            continue
        if range_offsets[i] == 0:
            # glyph = (c + delta) & 0xFFFF; only one code can hit glyph 0
            zero_cp = (-deltas[i]) & 0xFFFF
            if start <= zero_cp <= end:
                if start < zero_cp:
                    ranges.append((start, zero_cp - 1))
                if zero_cp < end:
                    ranges.append((zero_cp + 1, end))
            else:
                ranges.append((start, end))
            continue
        for cp in range(start, end + 1):
            pos = ro_pos + 2 * i + range_offsets[i] + 2 * (cp - start)
            if pos + 2 > len(data):
                continue
            glyph = struct.unpack(">H", data[pos : pos + 2])[0]
            if glyph and (glyph + deltas[i]) & 0xFFFF:
                ranges.append((cp, cp))
    return ranges


@lru_cache(maxsize=None)
def _coverage(path: Path, face_index: int) -> _Coverage:
    with open(path, "rb") as f:
        cmap = _table_offset(f, face_index, b"cmap")
        _version, n = struct.unpack(">HH", _read_at(f, cmap, 4))
        subtables = {}
        for i in range(n):
            pid, eid, off = struct.unpack(">HHI", _read_at(f, cmap + 4 + 8 * i, 8))
            fmt = struct.unpack(">H", _read_at(f, cmap + off, 2))[0]
            subtables[(pid, eid, fmt)] = cmap + off
        # Prefer full-Unicode (format 12) tables, then BMP-only (format 4).
        for key in ((3, 10, 12), (0, 6, 12), (0, 4, 12)):
            if key in subtables:
                return _Coverage(_parse_format12(f, subtables[key]))
        for key in ((3, 1, 4), (0, 3, 4), (0, 1, 4), (0, 0, 4)):
            if key in subtables:
                return _Coverage(_parse_format4(f, subtables[key]))
    return _Coverage([])


def has_glyph(face: FontFace, ch: str) -> bool:
    """True if the face's cmap maps `ch` to a real glyph."""
    return ord(ch) in _coverage(face.path, face.index)


_lock = threading.Lock()


@lru_cache(maxsize=8192)
def _face_for_cp(cp: int) -> FontFace:
    primary = primary_face()
    with _lock:  # the first call parses cmaps; keep it single-threaded
        if cp in _coverage(primary.path, primary.index):
            return primary
        for face in fallback_faces():
            if cp in _coverage(face.path, face.index):
                return face
    return primary  # nothing covers it: the primary draws its .notdef box


def font_for_char(ch: str) -> FontFace:
    """The first bundled face that has a glyph for `ch` (primary if none does)."""
    return _face_for_cp(ord(ch))


def missing_chars(text: str) -> list[str]:
    """Characters (other than whitespace/controls) that no bundled font can draw."""
    out = []
    for ch in dict.fromkeys(text):
        if ch.isspace() or is_invisible(ch):
            continue
        face = font_for_char(ch)
        if not has_glyph(face, ch):
            out.append(ch)
    return out


def is_invisible(ch: str) -> bool:
    """Zero-width format characters and variation selectors: skipped when drawing."""
    cp = ord(ch)
    return (
        cp < 0x20
        or 0x200B <= cp <= 0x200F
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
        or cp == 0xFEFF
    )


def font_runs(text: str) -> list[tuple[FontFace, str]]:
    """Split text into runs drawn with the same face (invisible chars dropped)."""
    runs: list[tuple[FontFace, str]] = []
    for ch in text:
        if is_invisible(ch):
            continue
        face = font_for_char(ch)
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


# --- Pillow ------------------------------------------------------------------


@lru_cache(maxsize=64)
def pil_font(face: FontFace, size_px: int):
    """A cached Pillow FreeTypeFont for the face at a pixel size."""
    from PIL import ImageFont

    return ImageFont.truetype(str(face.path), size_px, index=face.index)


# --- reportlab ---------------------------------------------------------------

_registered: dict[str, str] = {}


def register_reportlab_fonts(include_fallbacks: bool = True) -> str:
    """Register the bundled TrueType fonts with reportlab; returns the primary name.

    Names are stable: "HallSans" (Micro Hei), "HallRareA", "HallRareB". The
    family's bold/italic map to the same face so `<b>` in Paragraphs works.
    Use `reportlab_markup()` to route rare characters to the fallback faces.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    faces = all_faces() if include_fallbacks else [primary_face()]
    for face in faces:
        if face.family in _registered:
            continue
        pdfmetrics.registerFont(TTFont(face.family, str(face.path), subfontIndex=face.index))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(face.family, bold, italic, face.family)
        _registered[face.family] = str(face.path)
    return PRIMARY_FAMILY


def reportlab_markup(text: str) -> str:
    """Escape `text` for a reportlab Paragraph, wrapping rare characters in
    `<font face=...>` so they use a fallback face (register fonts first)."""
    from xml.sax.saxutils import escape

    parts = []
    for face, run in font_runs(text):
        if face.is_primary:
            parts.append(escape(run))
        else:
            parts.append(f'<font face="{face.family}">{escape(run)}</font>')
    return "".join(parts)
