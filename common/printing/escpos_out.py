"""Layout blocks -> ESC/POS bytes, collected with python-escpos' Dummy printer.

Two modes:
- "raster" (default): the whole document is one image (`GS v 0`), drawn with the
  bundled fonts. Works on every printer and prints any character we have a glyph for.
- "gb18030": text sent as GB18030 bytes inside Chinese character mode
  (`FS &` … `FS .`), sizes with `GS !`, alignment with `ESC a`. GB18030 encodes
  every Unicode code point, so encoding never fails; but a printer's built-in
  font usually only has GB2312/GBK glyphs, so rare characters (e.g. 𠮷, CJK
  Ext-B, sent as 4-byte GB18030) may print as blanks or '?'. Use raster mode
  where names with rare characters are printed.
QR codes are images unless `native_qr=True` (`GS ( k`, printer-rendered).
"""

from __future__ import annotations

import copy
from typing import Literal

from common.printing.layout import (
    DOTS_PER_MM,
    Block,
    Columns,
    Paper,
    QrBlock,
    Rule,
    Spacer,
    Text,
    display_width,
    wrap_columns,
)
from common.printing.raster import qr_image, qr_modules, render_raster

Mode = Literal["raster", "gb18030"]
Cut = Literal["full", "partial", "none"]

FS_KANJI_ON = b"\x1c\x26"  # FS &  select Chinese (double-byte) character mode
FS_KANJI_OFF = b"\x1c\x2e"  # FS .  cancel it
ESC_INIT = b"\x1b\x40"
GS_RASTER = b"\x1dv0"

# GS ! magnification per size in text mode (width, height)
TEXT_SCALE = {"normal": (1, 1), "large": (2, 2), "huge": (3, 3)}


def _printer(paper: Paper):
    # Imported here: importing escpos calls logging.basicConfig() and writes a
    # capabilities pickle, which apps that only preview should not pay for.
    from escpos.printer import Dummy

    printer = Dummy()
    # Profiles share one class-level dict: copy before setting this printer's width,
    # which also silences python-escpos' "media.width.pixel not set" print.
    printer.profile.profile_data = copy.deepcopy(printer.profile.profile_data)
    media = printer.profile.profile_data.setdefault("media", {})
    media["width"] = {"mm": paper.mm, "pixels": paper.dots}
    media["dpi"] = 203
    return printer


def _cut(printer, cut: Cut) -> None:
    if cut == "none":
        printer.print_and_feed(4)
        return
    printer.cut(mode="PART" if cut == "partial" else "FULL")


def _qr_native_size(data: str, size_mm: float, paper: Paper) -> int:
    n = len(qr_modules(data))
    module = round(size_mm * DOTS_PER_MM / n)
    return max(1, min(16, module, paper.dots // (n + 8)))


def _send_text_line(printer, line: str) -> None:
    # Inside FS & … FS . the printer reads bytes >= 0x80 as double-byte codes.
    printer._raw(FS_KANJI_ON + line.encode("gb18030") + FS_KANJI_OFF + b"\n")


def _render_text_mode(printer, blocks: list[Block], paper: Paper, native_qr: bool) -> None:
    cols = paper.columns

    def style(size: str = "normal", align: str = "left", bold: bool = False) -> None:
        w, h = TEXT_SCALE[size]
        printer.set(align=align, bold=bold, custom_size=True, width=w, height=h)

    for block in blocks:
        if isinstance(block, Text):
            style(block.size, block.align, block.bold)
            scale = TEXT_SCALE[block.size][0]
            for line in wrap_columns(block.text, cols // scale):
                _send_text_line(printer, line)
        elif isinstance(block, Columns):
            style(bold=block.bold)
            right_w = display_width(block.right)
            left_w = display_width(block.left)
            if left_w + 2 + right_w <= cols:
                _send_text_line(printer, block.left + " " * (cols - left_w - right_w) + block.right)
            else:
                for line in wrap_columns(block.left, cols):
                    _send_text_line(printer, line)
                for line in wrap_columns(block.right, cols):
                    _send_text_line(printer, " " * (cols - display_width(line)) + line)
        elif isinstance(block, Rule):
            style()
            printer._raw(b"-" * cols + b"\n")
        elif isinstance(block, Spacer):
            style()
            printer._raw(b"\n" * max(0, block.lines))  # not ln(): that also sends a codepage switch
        elif isinstance(block, QrBlock):
            style(align="center")
            if native_qr:
                printer.qr(block.data, size=_qr_native_size(block.data, block.size_mm, paper), native=True)
                printer._raw(b"\n")
            else:
                code = qr_image(block.data, block.size_mm, paper.dots)
                printer.image(code, impl="bitImageRaster", center=True)
        else:
            raise TypeError(f"unknown block {block!r}")
    style()  # leave the printer in a clean state for the next job


def render_escpos(
    blocks: list[Block],
    paper: "int | Paper" = Paper.MM58,
    mode: Mode = "raster",
    native_qr: bool = False,
    cut: Cut = "full",
) -> bytes:
    """ESC/POS bytes for a document. `paper`: 58/80 (mm) or a Paper."""
    paper = Paper.from_width(paper)
    if cut not in ("full", "partial", "none"):
        raise ValueError(f"unknown cut {cut!r}")
    printer = _printer(paper)
    printer._raw(ESC_INIT)
    if mode == "raster":
        # One image for the whole slip; python-escpos splits it into GS v 0 bands.
        printer.image(render_raster(blocks, paper), impl="bitImageRaster")
    elif mode == "gb18030":
        _render_text_mode(printer, blocks, paper, native_qr)
    else:
        raise ValueError(f"未知的打印模式：{mode}（应为 raster 或 gb18030）")
    _cut(printer, cut)
    return printer.output
