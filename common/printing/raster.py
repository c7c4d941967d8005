"""Render layout blocks to a 1-bit image of the paper width.

Used for raster ESC/POS (`GS v 0`) and, unchanged, for the PNG preview, so the
preview shows exactly what the printer gets.
"""

from __future__ import annotations

import threading
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw

from common.printing.fonts import font_runs, pil_font, primary_face
from common.printing.layout import (
    DOTS_PER_MM,
    Block,
    Columns,
    Paper,
    QrBlock,
    Rule,
    Spacer,
    Text,
    wrap,
)

# Pixel sizes per paper: normal ≈ the printer's 24-dot font A, huge for the ticket number.
SIZE_PX = {
    Paper.MM58: {"normal": 24, "large": 34, "huge": 120},
    Paper.MM80: {"normal": 28, "large": 42, "huge": 160},
}
SIDE_MARGIN = 8  # dots on each side; cheap printers lose a few at the edges
# Anti-aliased grey below this becomes ink: thermal heads print thin strokes faint.
INK_THRESHOLD = 160
BOLD_STROKE_FROM = 32  # px


def _stroke(size_px: int, bold: bool) -> int:
    """Outline width for bold; small text is emboldened by overstrike instead
    (a 1-dot outline on 24-dot CJK glyphs fills the counters)."""
    if not bold or size_px < BOLD_STROKE_FROM:
        return 0
    return max(1, round(size_px / 32))


def _overstrike(size_px: int, bold: bool) -> int:
    return 1 if bold and size_px < BOLD_STROKE_FROM else 0


def _measure(text: str, size_px: int, stroke: int = 0, overstrike: int = 0) -> float:
    width = 0.0
    for face, run in font_runs(text):
        width += pil_font(face, size_px).getlength(run)
    return width + 2 * stroke + overstrike if text else 0.0


def _line_metrics(size_px: int) -> tuple[int, int]:
    """(line height, baseline offset) from the primary font's metrics."""
    ascent, descent = pil_font(primary_face(), size_px).getmetrics()
    gap = max(4, size_px // 5)
    return ascent + descent + gap, gap // 2 + ascent


def _blank(width: int, height: int) -> Image.Image:
    return Image.new("L", (width, height), 255)


def _draw_runs(
    draw: ImageDraw.ImageDraw, x: float, baseline: int, text: str, size_px: int, stroke: int, overstrike: int = 0
) -> None:
    x += stroke
    for face, run in font_runs(text):
        font = pil_font(face, size_px)
        # Common baseline ("ls" anchor) keeps fallback glyphs level with the primary font.
        for dx in range(overstrike + 1):
            draw.text((x + dx, baseline), run, font=font, fill=0, anchor="ls", stroke_width=stroke, stroke_fill=0)
        x += font.getlength(run)


class _Style:
    def __init__(self, size_px: int, bold: bool):
        self.size_px = size_px
        self.stroke = _stroke(size_px, bold)
        self.overstrike = _overstrike(size_px, bold)
        self.line_h, self.baseline = _line_metrics(size_px)

    def measure(self, text: str) -> float:
        return _measure(text, self.size_px, self.stroke, self.overstrike)

    def draw(self, img: Image.Image, x: float, text: str) -> None:
        _draw_runs(ImageDraw.Draw(img), x, self.baseline, text, self.size_px, self.stroke, self.overstrike)


def _text_style(block: Text, paper: Paper, usable: int) -> _Style:
    style = _Style(SIZE_PX[paper][block.size], block.bold)
    if block.size == "huge" and "\n" not in block.text:
        # The ticket number should stay on one line: shrink (not below large) before wrapping.
        floor = SIZE_PX[paper]["large"]
        while style.measure(block.text) > usable and style.size_px > floor:
            style = _Style(max(floor, int(style.size_px * 0.9)), block.bold)
    return style


def _text_slabs(block: Text, paper: Paper) -> list[Image.Image]:
    usable = paper.dots - 2 * SIDE_MARGIN
    style = _text_style(block, paper, usable)
    slabs = []
    for line in wrap(block.text, usable, style.measure):
        img = _blank(paper.dots, style.line_h)
        width = style.measure(line)
        if block.align == "center":
            x = (paper.dots - width) / 2
        elif block.align == "right":
            x = paper.dots - SIDE_MARGIN - width
        else:
            x = SIDE_MARGIN
        style.draw(img, max(0.0, x), line)
        slabs.append(img)
    return slabs


def _columns_slabs(block: Columns, paper: Paper) -> list[Image.Image]:
    style = _Style(SIZE_PX[paper]["normal"], block.bold)
    usable = paper.dots - 2 * SIDE_MARGIN
    gap = style.size_px  # at least one full-width space between label and value
    left_w, right_w = style.measure(block.left), style.measure(block.right)
    if left_w + gap + right_w <= usable:
        left_lines, right_own_line = [block.left], False
    elif right_w + gap <= usable / 2:
        left_lines, right_own_line = wrap(block.left, usable - right_w - gap, style.measure), False
    else:  # long value: label first, value flush right below it
        left_lines, right_own_line = wrap(block.left, usable, style.measure), True
    slabs = []
    for i, line in enumerate(left_lines):
        img = _blank(paper.dots, style.line_h)
        style.draw(img, SIDE_MARGIN, line)
        if i == len(left_lines) - 1 and not right_own_line:
            style.draw(img, paper.dots - SIDE_MARGIN - right_w, block.right)
        slabs.append(img)
    if right_own_line:
        for line in wrap(block.right, usable, style.measure):
            img = _blank(paper.dots, style.line_h)
            style.draw(img, paper.dots - SIDE_MARGIN - style.measure(line), line)
            slabs.append(img)
    return slabs


def qr_modules(data: str) -> list[list[bool]]:
    """QR module matrix (no quiet zone), error correction M."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_module_px(n_modules: int, size_mm: float, max_width: int) -> int:
    """Integer module size: close to size_mm, never wider than the paper with a
    4-module quiet zone on each side."""
    target = round(size_mm * DOTS_PER_MM / n_modules)
    fit = max_width // (n_modules + 8)
    module = max(1, min(max(target, 2), fit))
    if fit < 1:
        raise ValueError("二维码内容过长，纸宽放不下")
    return module


def qr_image(data: str, size_mm: float, max_width: int) -> Image.Image:
    """The QR code alone, scaled by an integer factor (sharp modules), mode L."""
    matrix = qr_modules(data)
    n = len(matrix)
    module = qr_module_px(n, size_mm, max_width)
    small = Image.new("L", (n, n), 255)
    small.putdata([0 if cell else 255 for row in matrix for cell in row])
    return small.resize((n * module, n * module), Image.NEAREST)


def _qr_slab(block: QrBlock, paper: Paper) -> Image.Image:
    code = qr_image(block.data, block.size_mm, paper.dots)
    module = code.width // len(qr_modules(block.data))
    pad = 2 * module  # with the white paper around it the quiet zone is ≥ 4 modules
    img = _blank(paper.dots, code.height + 2 * pad)
    img.paste(code, ((paper.dots - code.width) // 2, pad))
    return img


def _rule_slab(paper: Paper) -> Image.Image:
    img = _blank(paper.dots, 16)
    ImageDraw.Draw(img).rectangle((SIDE_MARGIN, 7, paper.dots - SIDE_MARGIN - 1, 8), fill=0)
    return img


_render_lock = threading.Lock()  # cached FreeType faces are not safe to share across threads


def render_raster(blocks: list[Block], paper: "int | Paper" = Paper.MM58) -> Image.Image:
    """Render blocks to a mode "1" image exactly `paper.dots` wide (black = ink)."""
    paper = Paper.from_width(paper)
    with _render_lock:
        return _render(blocks, paper)


def _render(blocks: list[Block], paper: Paper) -> Image.Image:
    slabs: list[Image.Image] = [_blank(paper.dots, 8)]
    for block in blocks:
        if isinstance(block, Text):
            slabs.extend(_text_slabs(block, paper))
        elif isinstance(block, Columns):
            slabs.extend(_columns_slabs(block, paper))
        elif isinstance(block, Rule):
            slabs.append(_rule_slab(paper))
        elif isinstance(block, Spacer):
            slabs.append(_blank(paper.dots, max(0, block.lines) * _line_metrics(SIZE_PX[paper]["normal"])[0]))
        elif isinstance(block, QrBlock):
            slabs.append(_qr_slab(block, paper))
        else:
            raise TypeError(f"unknown block {block!r}")
    slabs.append(_blank(paper.dots, 8))
    height = sum(s.height for s in slabs)
    page = _blank(paper.dots, height)
    y = 0
    for slab in slabs:
        page.paste(slab, (0, y))
        y += slab.height
    return page.point(lambda v: 0 if v < INK_THRESHOLD else 255).convert("1", dither=Image.Dither.NONE)


def render_png(blocks: list[Block], width: "int | Paper" = Paper.MM58) -> Image.Image:
    """Preview image (same pixels as the raster print). `width`: 58/80 mm or a Paper."""
    return render_raster(blocks, width)


def save_png(blocks: list[Block], path: "str | Path", width: "int | Paper" = Paper.MM58) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_png(blocks, width).save(path, format="PNG")
    return path


def ink_pixels(image: Image.Image) -> int:
    """Number of black pixels (handy for tests and self-checks)."""
    return image.convert("L").histogram()[0]


__all__ = [
    "SIZE_PX",
    "render_raster",
    "render_png",
    "save_png",
    "qr_image",
    "ink_pixels",
]

