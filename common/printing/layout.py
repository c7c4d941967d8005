"""Layout model for receipts: a document is a list of blocks.

Renderers (raster image, GB18030 text) interpret the same blocks, so each
document has exactly one layout function (see documents.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Literal, Union

Size = Literal["normal", "large", "huge"]
Align = Literal["left", "center", "right"]

SIZES: tuple[str, ...] = ("normal", "large", "huge")
ALIGNS: tuple[str, ...] = ("left", "center", "right")


@dataclass(frozen=True)
class Text:
    text: str
    size: Size = "normal"
    align: Align = "left"
    bold: bool = False

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"unknown text size {self.size!r}")
        if self.align not in ALIGNS:
            raise ValueError(f"unknown alignment {self.align!r}")


@dataclass(frozen=True)
class Rule:
    """A horizontal separator line."""


@dataclass(frozen=True)
class Spacer:
    lines: int = 1


@dataclass(frozen=True)
class QrBlock:
    data: str
    size_mm: float = 30.0  # target edge length on paper, quiet zone excluded


@dataclass(frozen=True)
class Columns:
    """Label on the left, value flush right, e.g. 排队人数 ........ 12."""

    left: str
    right: str
    bold: bool = False


Block = Union[Text, Rule, Spacer, QrBlock, Columns]


class Paper(Enum):
    """Thermal roll widths at 203 dpi (8 dots/mm)."""

    MM58 = (58, 384, 32)
    MM80 = (80, 576, 48)

    def __init__(self, mm: int, dots: int, columns: int):
        self.mm = mm
        self.dots = dots  # printable width in dots
        self.columns = columns  # font A (12×24) ASCII columns

    @classmethod
    def from_width(cls, width: "int | Paper") -> "Paper":
        """Accept 58/80 (mm), 384/576 (dots) or a Paper."""
        if isinstance(width, Paper):
            return width
        for paper in cls:
            if int(width) in (paper.mm, paper.dots):
                return paper
        raise ValueError(f"不支持的纸宽：{width}（仅支持 58 mm 或 80 mm）")


DOTS_PER_MM = 8


# --- wrapping ----------------------------------------------------------------

# Kinsoku: these never start a line, these never end one.
_NO_LINE_START = set("，。、；：！？）》」』】〕〉…—～·,.;:!?)]}%’”")
_NO_LINE_END = set("（《「『【〔〈([{‘“")


def text_columns(ch: str) -> int:
    """Columns a character takes on a Chinese printer in GB18030 mode.

    In FS & mode every non-ASCII character is sent as a multi-byte code and is
    printed full-width, so width is 1 for ASCII and 2 for anything else.
    """
    if ord(ch) < 0x80:
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2


def display_width(text: str) -> int:
    return sum(text_columns(ch) for ch in text)


def _tokens(text: str) -> list[str]:
    """Break opportunities: ASCII words stay whole, CJK splits per character,
    closing punctuation sticks to the preceding token, opening to the next."""
    raw: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            raw.append(word)
            word = ""
        raw.append(ch)
    if word:
        raw.append(word)
    tokens: list[str] = []
    pending_open = ""
    for tok in raw:
        if tok in _NO_LINE_END:
            pending_open += tok
            continue
        tok = pending_open + tok
        pending_open = ""
        # A run of punctuation-only text (e.g. "——————") must still be breakable.
        if tokens and tok[0] in _NO_LINE_START and not all(c in _NO_LINE_START for c in tokens[-1]):
            tokens[-1] += tok
        else:
            tokens.append(tok)
    if pending_open:
        tokens.append(pending_open)
    return tokens


def wrap(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy line breaking by a width function (columns or pixels).

    Explicit newlines start new lines; an over-long token is split by character.
    Leading spaces of continuation lines are dropped.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for tok in _tokens(paragraph):
            candidate = line + tok
            if measure(candidate) <= max_width:
                line = candidate
                continue
            if line.strip():
                lines.append(line.rstrip())
                line = ""
            tok = tok.lstrip() if not line else tok
            while tok and measure(tok) > max_width:
                cut = 1
                while cut < len(tok) and measure(tok[: cut + 1]) <= max_width:
                    cut += 1
                lines.append(tok[:cut])
                tok = tok[cut:]
            line = tok
        lines.append(line.rstrip() if line.strip() else line)
    return lines


def wrap_columns(text: str, columns: int) -> list[str]:
    return wrap(text, columns, display_width)
