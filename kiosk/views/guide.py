"""事项查询 (the service guide): search by pinyin initials or everyday words, browse lists, item and bundle pages.

- GuideSearchView: A–Z keys and common-word chips; results appear as you type (the controller searches the
  in-memory index on every key). With nothing typed it lists the high-frequency items.
- GuideListView: a list of departments, items or 一件事 bundles (sections, two columns, kinetic scrolling).
- ItemGuideView / BundleGuideView: the guide in big text (scrollable), with 打印告知单 and 取号办理.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from kiosk.i18n import is_english, language, tr
from kiosk.qt import (
    QBoxLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal,
)  # fmt: skip
from kiosk.views.base import NAV_BUTTON_PX, View
from kiosk.widgets import LETTERS, BigButton, CharKeypad, Chip, KineticScrollArea, ListTile, make_label

# Everyday words offered as chips (the catalog search understands them; see common.services.search.EVERYDAY_WORDS).
COMMON_WORDS = ("开店", "生孩子", "结婚", "退休", "社保", "身份证", "买房", "公积金")
MAX_RESULTS = 30  # more would only slow every keystroke: a few more letters narrow it down


@dataclass(frozen=True)
class ListEntry:
    """One row of a list: `key` is what the controller gets back when it is touched."""

    key: Any
    name: str  # data, shown as is
    sub: Any = ""  # data (str), or (source, fmt) translated when shown
    tag: str = ""  # source text, translated when shown
    section: str = ""  # a heading (source text) shown above the first entry of each section

    def sub_text(self) -> str:
        if isinstance(self.sub, tuple):
            source, fmt = self.sub
            return tr(source).format(**fmt)
        return self.sub


def item_entry(item: Any) -> ListEntry:
    """A catalog ItemSummary as a list row."""
    if item.promised_days:
        sub = ("{dept} · {n} 个工作日", {"dept": item.department, "n": item.promised_days})
    else:
        sub = ("{dept} · 当场办结", {"dept": item.department})
    return ListEntry(("item", item.code), item.name, sub)


def hit_entry(hit: Any) -> ListEntry:
    """A SearchHit as a list row (bundles carry a 一件事 tag)."""
    if hit.kind == "bundle":
        return ListEntry(("bundle", hit.code), hit.name, (hit.department, {}), "一件事")
    return ListEntry(("item", hit.code), hit.name, hit.department)


class TileList(QWidget):
    """Rows of ListTiles in sections, `columns` per row; tiles are reused between fillings (fast per keystroke)."""

    chosen = Signal(object)

    def __init__(self, columns: int = 2, parent: QWidget | None = None):
        super().__init__(parent)
        self.columns = columns
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(14)
        self.tiles: list[ListTile] = []
        self.headers: list[QLabel] = []
        self.entries: list[ListEntry] = []
        self._where: dict[tuple, tuple[int, int, int]] = {}  # ("t"|"h", index) -> (row, col, span) in the grid
        self._stretch_columns = 0

    def _tile(self, i: int) -> ListTile:
        while len(self.tiles) <= i:
            tile = ListTile()
            tile.setObjectName(f"row_{len(self.tiles)}")
            tile.clicked.connect(lambda _c=False, t=tile: self.chosen.emit(t.key))
            self.tiles.append(tile)
        return self.tiles[i]

    def _header(self, i: int) -> QLabel:
        while len(self.headers) <= i:
            self.headers.append(make_label("", "section", wrap=True))
        return self.headers[i]

    def set_entries(self, entries: Sequence[ListEntry]) -> None:
        self.entries = list(entries)
        self.setUpdatesEnabled(False)  # one repaint after all rows changed
        try:
            self._place()
        finally:
            self.setUpdatesEnabled(True)

    def trim(self, keep: int = 12) -> None:
        """Delete spare tiles left from a long list (home, idle): every widget costs time when the mode changes."""
        keep = max(keep, len(self.entries))
        while len(self.tiles) > keep:
            tile = self.tiles.pop()
            self._where.pop(("t", len(self.tiles)), None)
            self.grid.removeWidget(tile)
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()

    def _place(self) -> None:
        """Fill the grid. Tiles keep their cell while the arrangement stays the same, and only tiles that change
        visibility are shown or hidden: typing a letter then costs a few setText calls (fast per keystroke)."""
        cells: list[tuple[str, int, int, int]] = []  # (what, index, row, col) for headers and tiles
        row, col, section, n_headers = 0, 0, None, 0
        for i, e in enumerate(self.entries):
            if e.section and e.section != section:
                section = e.section
                if col:
                    row, col = row + 1, 0
                cells.append(("h", n_headers, row, 0))
                n_headers += 1
                row += 1
            cells.append(("t", i, row, col))
            col += 1
            if col >= self.columns:
                row, col = row + 1, 0
        for what, i, r, c in cells:
            if what == "h":
                header = self._header(i)
                header.setText(tr(self.entries[self._first_of_section(i)].section))
                self._put(header, ("h", i), r, c, span=self.columns)
            else:
                e = self.entries[i]
                tile = self._tile(i)
                tile.set_texts(e.name, e.sub_text(), tr(e.tag) if e.tag else "", e.key)
                self._put(tile, ("t", i), r, c)
        for i in range(n_headers, len(self.headers)):
            self._take(self.headers[i], ("h", i))
        for i in range(len(self.entries), len(self.tiles)):
            self._take(self.tiles[i], ("t", i))
        if self._stretch_columns != self.columns:
            self._stretch_columns = self.columns
            for c in range(max(self.grid.columnCount(), 2)):
                self.grid.setColumnStretch(c, 1 if c < self.columns else 0)
            self.updateGeometry()

    def _first_of_section(self, n: int) -> int:
        seen, section = -1, None
        for i, e in enumerate(self.entries):
            if e.section and e.section != section:
                section = e.section
                seen += 1
                if seen == n:
                    return i
        return 0

    def _put(self, widget: QWidget, key: tuple, row: int, col: int, span: int = 1) -> None:
        where = (row, col, span)
        if self._where.get(key) != where:
            self.grid.removeWidget(widget)
            self.grid.addWidget(widget, row, col, 1, span)
            self._where[key] = where
        if widget.isHidden():
            widget.show()

    def _take(self, widget: QWidget, key: tuple) -> None:
        if self._where.pop(key, None) is not None:
            self.grid.removeWidget(widget)
        if not widget.isHidden():
            widget.hide()

    def set_columns(self, columns: int) -> None:
        if columns != self.columns:
            self.columns = columns
            self._place()
            self.updateGeometry()

    def visible_tiles(self) -> list[ListTile]:
        return self.tiles[: len(self.entries)]

    def retranslate(self) -> None:
        self._place()


class GuideSearchView(View):
    """Search: typed initials or a chosen word, results as you type; browse buttons in the bottom bar."""

    name = "guide"
    queryChanged = Signal(str)
    entryChosen = Signal(object)  # ("item", code) | ("bundle", code)
    browseRequested = Signal(str)  # departments | bundles | frequent

    def __init__(self, parent: QWidget | None = None):
        super().__init__("事项查询", back=True, home=False, parent=parent)
        self._word = ""  # a chosen common word (Chinese); else the query is the typed letters
        self._portrait: bool | None = None
        self._elderly = False
        self._count: tuple[str, dict] = ("", {})

        self.query_label = make_label("", "query", wrap=True, align=Qt.AlignmentFlag.AlignVCenter)
        self.query_label.setObjectName("guide_query")
        self.query_label.setMinimumHeight(96)
        self.query_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.count_label = make_label("", "count")
        self.count_label.setObjectName("guide_count")
        self.chips: dict[str, Chip] = {}
        chip_grid = QGridLayout()
        chip_grid.setSpacing(12)
        for i, word in enumerate(COMMON_WORDS):
            chip = Chip(word, checkable=True, min_width=120)
            chip.setObjectName(f"chip_{i}")
            chip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            chip.clicked.connect(lambda _c=False, w=word: self.choose_word(w))
            self.chips[word] = chip
            chip_grid.addWidget(chip, i // 4, i % 4)
        self.results = TileList(columns=2)
        self.results.chosen.connect(self.entryChosen)
        self.scroll = KineticScrollArea()
        self.scroll.body.addWidget(self.results)
        self.scroll.body.addStretch(1)
        self.keypad = CharKeypad(LETTERS, columns=14, max_length=12)
        self.keypad.changed.connect(self._typed)
        self.keypad.delete_button.clicked.connect(self._drop_word)
        self.keypad.clear_button.clicked.connect(self._drop_word)

        left = QVBoxLayout()
        left.setSpacing(16)
        left.addWidget(self.query_label)
        left.addLayout(chip_grid)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.count_label)
        right.addWidget(self.scroll, 1)
        self.top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.top.setSpacing(32)
        self.top.addLayout(left, 5)
        self.top.addLayout(right, 6)
        self.content.addLayout(self.top, 1)
        self.content.addWidget(self.keypad)

        self.browse_buttons: dict[str, BigButton] = {}
        self.browse_row = QHBoxLayout()
        self.browse_row.setSpacing(16)
        for key in ("departments", "bundles", "frequent"):
            button = BigButton("", "primary", min_height=NAV_BUTTON_PX, min_width=200)
            button.setObjectName(f"browse_{key}")
            button.clicked.connect(lambda _c=False, k=key: self.browseRequested.emit(k))
            self.browse_buttons[key] = button
        self.set_orientation(False)
        self.retranslate()

    # -- the query

    def query(self) -> str:
        return self._word or self.keypad.value()

    def choose_word(self, word: str) -> None:
        self._word = word
        self.keypad.blockSignals(True)
        self.keypad.clear()
        self.keypad.blockSignals(False)
        self._changed()

    def _drop_word(self) -> None:
        if self._word:
            self._word = ""
            self._changed()

    def _typed(self, _value: str) -> None:
        self._word = ""
        self._changed()

    def _changed(self) -> None:
        self._render_query()
        self.queryChanged.emit(self.query())

    def _render_query(self) -> None:
        q = self.query()
        if self._word:
            text = f"“{tr(self._word)}”"
        elif q:
            text = " ".join(q)
        else:
            text = tr("请按拼音首字母输入，如“身份证”按 S F Z")
        self.query_label.setText(text)
        if self.query_label.property("empty") != (not q):  # restyle only when the prompt comes or goes
            self.query_label.setProperty("empty", not q)
            self.query_label.style().unpolish(self.query_label)
            self.query_label.style().polish(self.query_label)
        for word, chip in self.chips.items():
            chip.setChecked(word == self._word)

    def reset(self) -> None:
        self._word = ""
        self.keypad.blockSignals(True)
        self.keypad.clear()
        self.keypad.blockSignals(False)
        self._render_query()
        self.results.set_entries([])
        self.results.trim(MAX_RESULTS)
        self.set_count("")
        self.scroll.scroll_to_top()

    # -- results

    def set_entries(self, entries: Sequence[ListEntry], count_source: str = "", **fmt: Any) -> None:
        self.results.set_entries(list(entries)[:MAX_RESULTS])
        self.set_count(count_source, **fmt)
        self.scroll.scroll_to_top()

    def set_count(self, source: str, **fmt: Any) -> None:
        self._count = (source, fmt)
        self.count_label.setText(tr(source).format(**fmt) if source else "")

    def result_names(self) -> list[str]:
        return [t.name_label.text() for t in self.results.visible_tiles()]

    # -- layout

    def set_orientation(self, portrait: bool) -> None:
        if portrait == self._portrait:
            return
        self._portrait = portrait
        self.top.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.top.setStretch(0, 0 if portrait else 5)
        self.top.setStretch(1, 1 if portrait else 6)
        self.results.set_columns(1 if portrait or self._elderly else 2)
        self.keypad.set_columns(7 if portrait else 14)
        for button in self.browse_buttons.values():
            self.browse_row.removeWidget(button)
            self.nav.removeWidget(button)
        self.content.removeItem(self.browse_row)
        if portrait:  # the bottom bar is too narrow: the browse buttons get a row of their own
            for button in self.browse_buttons.values():
                button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
                self.browse_row.addWidget(button, 1)
            self.content.insertLayout(0, self.browse_row)
        else:
            for button in self.browse_buttons.values():
                button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
                self.nav.addWidget(button)

    def set_elderly(self, elderly: bool) -> None:
        """Large text: one result per row, so long names wrap less."""
        self._elderly = elderly
        self.results.set_columns(1 if self._portrait or elderly else 2)

    def retranslate(self) -> None:
        super().retranslate()
        labels = {"departments": "按部门找", "bundles": "一件事", "frequent": "常办事项"}
        for key, button in self.browse_buttons.items():
            button.setText(tr(labels[key]))
        for word, chip in self.chips.items():
            chip.setText(tr(word))
        self.keypad.retranslate()
        self._render_query()
        self.set_count(self._count[0], **self._count[1])
        self.results.retranslate()


class GuideListView(View):
    """A list to choose from: departments, the items of one department, 一件事 bundles, high-frequency items."""

    name = "guide_list"
    entryChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent=parent)
        self._heading: tuple[str, bool, str, dict] = ("", False, "", {})
        self._portrait = self._elderly = False
        self.list = TileList(columns=2)
        self.list.chosen.connect(self.entryChosen)
        self.scroll = KineticScrollArea()
        self.scroll.body.addWidget(self.list)
        self.scroll.body.addStretch(1)
        self.empty_label = make_label("", "hint", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        self.content.addWidget(self.empty_label)
        self.content.addWidget(self.scroll, 1)
        self.swipe_hint = make_label("", "hint", align=Qt.AlignmentFlag.AlignCenter)
        self.content.addWidget(self.swipe_hint)
        self.retranslate()

    def set_list(self, title: str, subtitle: str, entries: Sequence[ListEntry], *, title_is_data: bool = False,
                 **fmt: Any) -> None:
        """`title`: a source string, or data (a department name) with `title_is_data`; `subtitle`: a source
        string formatted with `fmt`."""
        self._heading = (title, title_is_data, subtitle, fmt)
        self.list.set_entries(entries)
        self.list.trim()
        self.empty_label.setVisible(not entries)
        self.swipe_hint.setVisible(len(entries) > 8)
        self.scroll.scroll_to_top()
        self.retranslate()

    def state(self) -> tuple:
        return (self._heading, list(self.list.entries))

    def restore(self, state: tuple) -> None:
        (title, is_data, subtitle, fmt), entries = state
        self.set_list(title, subtitle, entries, title_is_data=is_data, **fmt)

    def set_orientation(self, portrait: bool) -> None:
        self._portrait = portrait
        self.list.set_columns(1 if portrait or self._elderly else 2)

    def set_elderly(self, elderly: bool) -> None:
        self._elderly = elderly
        self.list.set_columns(1 if self._portrait or elderly else 2)

    def retranslate(self) -> None:
        super().retranslate()
        title, is_data, subtitle, fmt = self._heading
        self.title_label.setText(title if is_data else (tr(title) if title else ""))
        self.title_label.setVisible(bool(title))
        self.subtitle_label.setText(tr(subtitle).format(**fmt) if subtitle else "")
        self.subtitle_label.setVisible(bool(subtitle))
        self.empty_label.setText(tr("没有找到相关事项，请咨询大厅服务台。"))
        self.swipe_hint.setText("↕ " + tr("上下滑动查看更多"))
        self.list.retranslate()


# ----------------------------------------------------------------------------------------------- guide pages


def copies_text(originals: int, copies: int) -> str:
    parts = []
    if originals:
        parts.append(tr("原件 {n} 份").format(n=originals))
    if copies:
        parts.append(tr("复印件 {n} 份").format(n=copies))
    return (", " if is_english() else "、").join(parts) if parts else tr("按需提供")


def _badge(text: str, level: str = "") -> QLabel:
    label = make_label(text, "badge")
    if level:
        label.setProperty("level", level)
    return label


class GuideDetailView(View):
    """The frame of an item or bundle page: the guide in a kinetic scroll area, actions on the right."""

    printRequested = Signal()
    ticketRequested = Signal()
    currentRequested = Signal()  # an outdated guide (scanned old slip): open the current one

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent=parent)
        self.guide: Any = None
        self.outdated = False
        self._built: tuple | None = None
        self._portrait = False
        self._serial = 0  # bumped for every guide shown
        self._status: tuple[str, str, dict] = ("", "", {})
        self.scroll = KineticScrollArea()
        self.scroll.setObjectName("guide_scroll")
        self.print_button = BigButton("", "accent", min_height=130)
        self.print_button.setObjectName("print_slip")
        self.print_button.clicked.connect(self.printRequested)
        self.ticket_button = BigButton("", "primary", min_height=120)
        self.ticket_button.setObjectName("take_ticket_for_item")
        self.ticket_button.clicked.connect(self.ticketRequested)
        self.current_button = BigButton("", "accent", min_height=120)
        self.current_button.setObjectName("open_current")
        self.current_button.clicked.connect(self.currentRequested)
        self.current_button.hide()
        self.status_label = make_label("", "status", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.status_label.setObjectName("slip_status")
        self.status_label.hide()
        self.action_hint = make_label("", "hint", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.actions_widget = QWidget()
        self.actions = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.actions_widget)
        self.actions.setContentsMargins(0, 0, 0, 0)
        self.actions.setSpacing(20)
        self.actions.addWidget(self.current_button)
        self.actions.addWidget(self.print_button)
        self.actions.addWidget(self.action_hint)
        self.actions.addWidget(self.ticket_button)
        self.actions.addWidget(self.status_label)
        self.actions.addStretch(1)
        self.swipe_hint = make_label("", "hint", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.actions.addWidget(self.swipe_hint)
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setSpacing(36)
        self.row.addWidget(self.scroll, 1)
        self.row.addWidget(self.actions_widget, 0)
        self.actions_widget.setFixedWidth(460)
        self.content.addLayout(self.row, 1)
        self.retranslate()

    # -- building blocks of the page

    def section(self, source: str, **fmt: Any) -> QLabel:
        label = make_label(tr(source).format(**fmt), "section", wrap=True)
        self.scroll.body.addWidget(label)
        return label

    def body(self, text: str) -> QLabel:
        label = make_label(text, "body", wrap=True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.scroll.body.addWidget(label)
        return label

    def badges(self, badges: Sequence[tuple[str, str]]) -> None:
        row = QHBoxLayout()
        row.setSpacing(12)
        for text, level in badges:
            row.addWidget(_badge(text, level))
        row.addStretch(1)
        self.scroll.body.addLayout(row)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """Key facts as "label: value" lines (big, bold values)."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(10)
        for r, (label, value) in enumerate(rows):
            key = make_label(label, "material_info")
            val = make_label(value, "material_name", wrap=True)
            grid.addWidget(key, r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(val, r, 1)
        grid.setColumnStretch(1, 1)
        self.scroll.body.addLayout(grid)

    def material_card(self, n: int, m: Any, for_items: Sequence[str] = ()) -> QFrame:
        card = QFrame()
        card.setProperty("kind", "material")
        card.setObjectName(f"material_{n}")
        box = QVBoxLayout(card)
        box.setContentsMargins(24, 16, 24, 16)
        box.setSpacing(8)
        name = make_label(f"{n}. {m.name}", "material_name", wrap=True)
        name.setObjectName("material_name")
        box.addWidget(name)
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(make_label(copies_text(m.originals, m.copies), "material_info"))
        row.addWidget(_badge(tr("必须提供") if m.required else tr("视情况提供"), "" if m.required else "ok"))
        if m.may_be_missing:
            row.addWidget(_badge(tr("可容缺：可先受理，后补交"), "accent"))
        row.addStretch(1)
        box.addLayout(row)
        if for_items:
            box.addWidget(make_label(tr("用于：{items}").format(items="、".join(for_items)), "material_info", wrap=True))
        if m.notes:
            box.addWidget(make_label(tr("说明：{notes}").format(notes=m.notes), "material_info", wrap=True))
        self.scroll.body.addWidget(card)
        return card

    def material_names(self) -> list[str]:
        return [c.findChild(QLabel, "material_name").text().split(". ", 1)[1]
                for c in self.scroll.inner.findChildren(QFrame) if c.property("kind") == "material"]

    # -- status of the slip printing

    def set_status(self, level: str, source: str, **fmt: Any) -> None:
        self._status = (level, source, fmt)
        self._render_status()

    def _render_status(self) -> None:
        level, source, fmt = self._status
        self.status_label.setVisible(bool(source))
        if not source:
            return
        self.status_label.setProperty("level", level)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        self.status_label.setText(tr(source).format(**fmt))

    def set_orientation(self, portrait: bool) -> None:
        self.row.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.actions.setDirection(QBoxLayout.Direction.LeftToRight if portrait else QBoxLayout.Direction.TopToBottom)
        if portrait:
            self.actions_widget.setMinimumWidth(0)
            self.actions_widget.setMaximumWidth(16777215)
        else:
            self.actions_widget.setFixedWidth(460)
        self._portrait = portrait
        self.action_hint.setVisible(not portrait and not self.outdated)
        self.swipe_hint.setVisible(not portrait)

    def _rebuild(self) -> None:
        """Build the page for the guide in the current language (a mode change needs no rebuild)."""
        key = (self._serial, language())
        if key == self._built:
            return
        self._built = key
        self.scroll.clear()
        if self.guide is not None:
            self.build()
        self.scroll.body.addStretch(1)

    def build(self) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def show_guide(self, guide: Any, outdated: bool = False) -> None:
        self.guide = guide
        self.outdated = outdated
        self._serial += 1
        self.set_status("", "")
        self.retranslate()
        self.scroll.scroll_to_top()

    def clear(self) -> None:
        """Drop the page (home, idle timeout)."""
        self.guide = None
        self.outdated = False
        self._serial += 1
        self.set_status("", "")
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.print_button.setText(tr("打印一次性告知单"))
        self.action_hint.setText(tr("把材料清单带回家，备齐后再来，只跑一次"))
        self.ticket_button.setText(tr("现在取号办理"))
        self.current_button.setText(tr("查看现行办事指南"))
        self.swipe_hint.setText("↕ " + tr("手指按住左边内容上下滑动，查看全部"))
        self._render_status()
        self._rebuild()


class ItemGuideView(GuideDetailView):
    name = "item_guide"

    def show_guide(self, guide: Any, outdated: bool = False) -> None:
        # an old version (from a scanned slip) is shown as printed, with the way to the current one
        self.print_button.setVisible(not outdated)
        self.action_hint.setVisible(not outdated and not self._portrait)
        self.current_button.setVisible(outdated)
        self.ticket_button.setVisible(bool(guide.queue) and not outdated)
        super().show_guide(guide, outdated)

    def retranslate(self) -> None:
        g = self.guide
        sub = ""
        if g is not None:
            sub = tr("{dept} · 办事指南第 {v} 版").format(dept=g.department, v=g.version)
            self._title_src, self._subtitle_src = "", ""
        super().retranslate()
        if g is not None:
            self.title_label.setText(g.name)
            self.title_label.show()
            self.subtitle_label.setText(sub)
            self.subtitle_label.show()

    def build(self) -> None:
        g = self.guide
        if self.outdated:
            notice = make_label(tr("这是您告知单上的第 {v} 版，现行为第 {c} 版，要求可能已有变化。")
                                .format(v=g.version, c=g.current_version), "status", wrap=True)
            notice.setProperty("level", "error")
            notice.setObjectName("outdated_notice")
            self.scroll.body.addWidget(notice)
        badges = [(tr(g.handling_label), "accent" if g.handling == "immediate" else "")]
        badges += [(tr(label), "") for label in g.flag_labels if label in ("最多跑一次", "告知承诺")]
        if g.online:
            badges.append((tr("可网上办理"), "ok"))
        if any(m.may_be_missing for m in g.materials):
            badges.append((tr("支持容缺受理"), "ok"))
        self.badges(badges)
        # what to bring first: that is what most people came to the kiosk for
        required = [m for m in g.materials if m.required]
        self.section("需要带的材料（共 {n} 项）", n=len(g.materials))
        if not g.materials:
            self.body(tr("无需提交纸质材料，请携带本人有效身份证件。"))
        for n, m in enumerate([*required, *[m for m in g.materials if not m.required]], start=1):
            self.material_card(n, m)
        if g.promised_days:
            days = tr("承诺 {p} 个工作日办结").format(p=g.promised_days)
        else:
            days = tr("当场办结")
        if g.statutory_days:
            days += tr("（法定 {s} 个工作日）").format(s=g.statutory_days)
        from common.services.guide_slip import place_text

        place = place_text(g.zone, g.windows) or tr("请咨询服务台")
        if g.queue:
            place += tr("（取号业务：{q}）").format(q=g.queue_name or g.queue)
        self.section("办理时间、地点和费用")
        self.facts([
            (tr("办理时间"), days),
            (tr("办理地点"), place),
            (tr("收费"), g.fee or tr("不收费")),
            (tr("网上办理"), tr("可以，也可登录政务服务网办理") if g.online else tr("需到窗口办理")),
        ])
        for title, text in (("办理条件", g.conditions), ("办理流程", g.procedure),
                            ("收费依据", g.fee_basis), ("设定依据", g.legal_basis)):
            if text:
                self.section(title)
                self.body(text)


class BundleGuideView(GuideDetailView):
    name = "bundle_guide"
    itemChosen = Signal(str)  # an item code inside the bundle

    def show_guide(self, guide: Any, outdated: bool = False) -> None:
        self.current_button.hide()
        self.print_button.show()
        self.ticket_button.setVisible(any(x.queue for x in guide.items))
        super().show_guide(guide, outdated)

    def retranslate(self) -> None:
        g = self.guide
        if g is not None:
            self._title_src, self._subtitle_src = "", ""
        super().retranslate()
        if g is not None:
            self.title_label.setText(g.name)
            self.title_label.show()
            self.subtitle_label.setText(tr("{kind} · 涉及 {n} 个部门，一次提交").format(kind=tr(g.kind_label),
                                                                                n=len(g.departments)))
            self.subtitle_label.show()

    def build(self) -> None:
        g = self.guide
        if self.outdated:
            notice = make_label(tr("您的告知单打印后，本一件事的要求已更新，以下为最新要求。"), "status", wrap=True)
            notice.setProperty("level", "error")
            notice.setObjectName("outdated_notice")
            self.scroll.body.addWidget(notice)
        if g.description:
            self.body(g.description)
        self.facts([(tr("最长办理时限"), tr("{n} 个工作日").format(n=g.max_promised_days)
                     if g.max_promised_days else tr("当场办结")),
                    (tr("涉及部门"), "、".join(g.departments))])
        self.section("包含以下 {n} 项事项（点击查看各项指南）", n=len(g.items))
        items = TileList(columns=1)
        items.set_entries([item_entry(x) for x in g.items])
        items.chosen.connect(lambda key: self.itemChosen.emit(key[1]))
        self.item_list = items
        self.scroll.body.addWidget(items)
        self.section("需要带的材料（合并后共 {n} 项，只需提交一次）", n=len(g.materials))
        every = len(g.items)
        ordered = [m for m in g.materials if m.required] + [m for m in g.materials if not m.required]
        for n, m in enumerate(ordered, start=1):
            self.material_card(n, m, m.item_names if len(m.item_codes) < every else ())
