"""A4 PDF from the same layout blocks the thermal printer gets (one layout per document, rendered two ways).

reportlab with the bundled TrueType font "HallSans" embedded (subset); rare characters (CJK Ext-A/B) are routed
to the bundled fallback faces with `reportlab_markup`. Block mapping on paper:

- `Text` → a paragraph (normal 11 pt, large 16 pt, huge 24 pt; CJK line breaking). `bold` is drawn as fill +
  thin stroke because the bundled face has no bold weight.
- consecutive `Columns` → one two-column table (label | value) with thin rules, like a printed form.
- `Rule` → a thin line; `Spacer` → vertical space; `QrBlock` → the same QR matrix as the receipt, as vector squares with a quiet zone; the blocks after it (up to
  the next rule) are set to its right, so a notice's QR, check code and stamp share one band.
- a `Text` starting with an indent (4 spaces) gets a two-character first-line indent (首行缩进).
No font but the bundled ones ends up in the file (not even reportlab's default Helvetica).
"""

from __future__ import annotations

import io
from typing import Iterable, Optional

from common.printing.fonts import register_reportlab_fonts, reportlab_markup
from common.printing.layout import Block, Columns, QrBlock, Rule, Spacer, Text

A4_SIZES_PT = {"normal": 11.0, "large": 16.0, "huge": 24.0}
LABEL_COLUMN_MM = 34


def _utf16_hex(cp: int) -> str:
    if cp <= 0xFFFF:
        return f"{cp:04X}"
    cp -= 0x10000
    return f"{0xD800 + (cp >> 10):04X}{0xDC00 + (cp & 0x3FF):04X}"


def _fix_reportlab_tounicode() -> None:
    """reportlab writes a ToUnicode entry for a character beyond the BMP as `<20BB7>` (odd hex digits), so text
    extraction and copy-paste turn 𠮷 (U+20BB7) into ₻ (U+20BB). PDF wants UTF-16BE: `<D842DFB7>`. Patched once,
    the same function otherwise."""
    from reportlab.pdfbase import ttfonts

    if getattr(ttfonts.makeToUnicodeCMap, "_hall_fixed", False):
        return
    original = ttfonts.makeToUnicodeCMap

    def make_to_unicode_cmap(fontname, subset):
        text = original(fontname, subset)
        if all(v <= 0xFFFF for v in subset):
            return text
        head, sep, rest = text.partition("beginbfchar\n")
        body, sep2, tail = rest.partition("\nendbfchar")
        lines = [f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)]
        return head + sep + "\n".join(lines) + sep2 + tail

    make_to_unicode_cmap._hall_fixed = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


# Chinese punctuation that must not start a line (reportlab's list is Japanese-centred and lacks these).
_NO_LINE_START = "，：；！？”’》〉」』】〕…％"


def _fix_reportlab_kinsoku() -> None:
    """Let reportlab's CJK wrapper hang Chinese closing punctuation at the line end instead of starting a line."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):  # one-fragment paragraphs use textsplit, the others paragraph
        missing = "".join(ch for ch in _NO_LINE_START if ch not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START = module.ALL_CANNOT_START + missing


def _styles(font: str):
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
    styles = {}
    for size, pt in A4_SIZES_PT.items():
        for align, code in aligns.items():
            styles[(size, align)] = ParagraphStyle(
                f"hall-{size}-{align}", fontName=font, fontSize=pt, leading=pt * 1.5, alignment=code,
                wordWrap="CJK", spaceBefore=0, spaceAfter=pt * 0.2,
            )
    styles["cell"] = ParagraphStyle("hall-cell", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    styles["label"] = ParagraphStyle("hall-label", parent=styles["cell"], textColor="#333333")
    return styles


def _markup(text: str) -> str:
    return "<br/>".join(reportlab_markup(line) for line in text.split("\n"))


def _paragraph_class():
    from reportlab.platypus import Paragraph

    class BoldParagraph(Paragraph):
        """Fill + stroke text render mode: a faux bold for a single-weight CJK face."""

        def draw(self):
            canv = self.canv
            canv.saveState()
            canv.setStrokeColor(self.style.textColor)
            canv.setLineWidth(self.style.fontSize * 0.03)
            canv._code.append("2 Tr")
            try:
                super().draw()
            finally:
                canv._code.append("0 Tr")
                canv.restoreState()

    return Paragraph, BoldParagraph


def _qr_flowable(data: str, size_mm: float):
    """The same module matrix as the receipt (error correction M), drawn as vector squares with a quiet zone."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    from common.printing.raster import qr_modules

    matrix = qr_modules(data)
    n = len(matrix)
    quiet = 4

    class QrFlowable(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.side = size_mm * mm * (n + 2 * quiet) / n
            self.hAlign = "CENTER"

        def wrap(self, avail_width, avail_height):
            return self.side, self.side

        def draw(self) -> None:
            canv = self.canv
            module = self.side / (n + 2 * quiet)
            canv.saveState()
            canv.setFillColor("#000000")
            for row, cells in enumerate(matrix):
                y = self.side - (quiet + row + 1) * module
                col = 0
                while col < n:  # one rectangle per run of dark modules
                    if not cells[col]:
                        col += 1
                        continue
                    start = col
                    while col < n and cells[col]:
                        col += 1
                    canv.rect((quiet + start) * module, y, (col - start) * module, module, stroke=0, fill=1)
            canv.restoreState()

    return QrFlowable()


def _columns_table(rows: list[Columns], width: float, styles, font: str):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    data = [[Paragraph(_markup(c.left), styles["label"]), Paragraph(_markup(c.right), styles["cell"])] for c in rows]
    table = Table(data, colWidths=[LABEL_COLUMN_MM * mm, width - LABEL_COLUMN_MM * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),  # else the table sets (unembedded) Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def _indent(text: str) -> tuple[str, bool]:
    """A paragraph typed with a leading indent ("    " or "　　") gets a real two-character first-line indent."""
    stripped = text.lstrip(" \u3000")
    return stripped, len(text) - len(stripped) >= 2


def blocks_to_flowables(blocks: Iterable[Block], width: float) -> list:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Table, TableStyle
    from reportlab.platypus import Spacer as RLSpacer

    font = register_reportlab_fonts()
    styles = _styles(font)
    Paragraph, BoldParagraph = _paragraph_class()
    story: list = []
    pending: list[Columns] = []
    blocks = list(blocks)

    def flush() -> None:
        if pending:
            story.append(_columns_table(list(pending), width, styles, font))
            story.append(RLSpacer(1, 2 * mm))
            pending.clear()

    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if isinstance(block, Columns):
            pending.append(block)
            continue
        flush()
        if isinstance(block, Text):
            cls = BoldParagraph if block.bold else Paragraph
            text, indented = _indent(block.text)
            style = styles[(block.size, block.align)]
            if indented:
                style = ParagraphStyle(f"{style.name}-indent", parent=style, firstLineIndent=2 * style.fontSize)
            story.append(cls(_markup(text), style))
        elif isinstance(block, Rule):
            story.append(HRFlowable(width="100%", thickness=0.6, color="#777777", spaceBefore=1 * mm,
                                    spaceAfter=2.5 * mm))
        elif isinstance(block, Spacer):
            story.append(RLSpacer(1, max(0, block.lines) * 3 * mm))
        elif isinstance(block, QrBlock):
            # On A4 the QR code sits at the left of what follows it (up to the next rule or the end).
            side: list[Block] = []
            while i < len(blocks) and not isinstance(blocks[i], (Rule, QrBlock)):
                side.append(blocks[i])
                i += 1
            qr = _qr_flowable(block.data, block.size_mm)
            if not side:
                story.append(qr)
                continue
            qr_width = qr.side + 4 * mm
            table = Table([[qr, blocks_to_flowables(side, width - qr_width - 4 * mm)]],
                          colWidths=[qr_width, width - qr_width], hAlign="LEFT")
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("FONTNAME", (0, 0), (-1, -1), font),
            ]))
            story.append(table)
        else:
            raise TypeError(f"unknown block {block!r}")
    flush()
    return story


def render_pdf(
    blocks: list[Block],
    *,
    title: str = "",
    author: str = "",
    subject: str = "",
    footer: Optional[str] = None,
) -> bytes:
    """An A4 PDF of the blocks; `footer` (e.g. the case number) is printed with the page number on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    font = register_reportlab_fonts()
    _fix_reportlab_tounicode()
    _fix_reportlab_kinsoku()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
        title=title, author=author, subject=subject, creator="GovHall",
        initialFontName=font, initialFontSize=11,  # no Helvetica (unembedded) in the PDF at all
    )

    def on_page(canv, doc_) -> None:
        canv.saveState()
        canv.setFont(font, 8.5)
        canv.setFillColor("#666666")
        text = f"第 {doc_.page} 页"
        if footer:
            text = f"{footer}    {text}"
        canv.drawCentredString(A4[0] / 2, 12 * mm, text)
        canv.restoreState()

    frame_width = doc.width - 12  # SimpleDocTemplate's frame pads 6 pt on each side
    doc.build(blocks_to_flowables(blocks, frame_width), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
