"""事项查询 through the real widgets on the demo catalog: pinyin initials and everyday words on the on-screen keys,
browsing, item and bundle pages, the printed 一次性告知单 (its QR decoded from the printer's bytes) scanned back,
and 取号办理 from a guide straight into the ticket flow."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.db.models import ServiceItem, Ticket
from common.printing import PrinterSettings
from common.printing import backends as printer_backends
from common.services.catalog import get_bundle_guide, get_item_guide
from common.services.guide_slip import item_qr_payload
from kiosk import i18n
from kiosk.printing import TicketPrinter
from kiosk.qt import QApplication, Qt
from tests.common.test_printing import decode_qr, raster_bands, stack
from tests.kiosk.conftest import RecordingPrinter
from tests.kiosk.test_flow import WAIT_MS, click, wait_view
from tests.kiosk.test_guide_support import demo, demo_template, open_guide, type_keys  # noqa: F401 - fixtures


class BlockPrinter(RecordingPrinter):
    """Records documents (layout blocks) too."""

    def __init__(self, fail_with: str | None = None):
        super().__init__(fail_with)
        self.documents: list[list] = []

    def print_blocks(self, blocks) -> None:
        self.attempts += 1
        if self.fail_with:
            from kiosk.printing import PrintFailed

            raise PrintFailed(self.fail_with)
        self.documents.append(list(blocks))


def test_find_items_by_pinyin_initials_on_the_keys(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    assert w.guide.result_names(), "high-frequency items are listed before anything is typed"
    type_keys(qtbot, w.guide.keypad, "SFZ")
    assert w.guide.query() == "SFZ"
    names = w.guide.result_names()
    assert "居民身份证换领" in names and "居民身份证补领" in names
    assert all("身份证" in n for n in names[:4])
    assert "找到" in w.guide.count_label.text()
    click(qtbot, w.guide.keypad.delete_button)  # SF: still results, updated at once
    assert w.guide.query() == "SF" and w.guide.result_names() != names
    click(qtbot, w.guide.keypad.clear_button)
    assert w.guide.query() == "" and "常办事项" in w.guide.count_label.text()


def test_find_items_by_everyday_words(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    click(qtbot, w.guide.chips["开店"])
    names = w.guide.result_names()
    assert {"个体工商户设立登记", "企业设立登记", "食品经营许可证核发"} <= set(names)
    assert w.guide.chips["开店"].isChecked()
    click(qtbot, w.guide.chips["生孩子"])
    assert {"出生医学证明首次签发", "出生登记", "出生一件事"} <= set(w.guide.result_names())
    assert not w.guide.chips["开店"].isChecked()
    type_keys(qtbot, w.guide.keypad, "J")  # a letter replaces the word
    assert w.guide.query() == "J" and not w.guide.chips["生孩子"].isChecked()


def test_item_page_shows_the_guide_and_goes_back_to_the_results(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    type_keys(qtbot, w.guide.keypad, "QYSLDJ")  # 企业设立登记
    tile = next(t for t in w.guide.results.visible_tiles() if t.text() == "企业设立登记")
    click(qtbot, tile)
    wait_view(qtbot, kiosk, w.item_guide)
    guide = get_item_guide(demo.db, "SCJGJ-001")
    assert w.item_guide.title_label.text() == "企业设立登记"
    assert f"第 {guide.version} 版" in w.item_guide.subtitle_label.text()
    assert sorted(w.item_guide.material_names()) == sorted(m.name for m in guide.materials)
    page = " ".join(lbl.text() for lbl in w.item_guide.scroll.inner.findChildren(type(w.item_guide.title_label)))
    for text in ("承诺 1 个工作日办结", "法定 3 个工作日", "不收费", "A区", "设定依据", "《中华人民共和国公司法》"):
        assert text in page, text
    click(qtbot, w.item_guide.back_button)
    wait_view(qtbot, kiosk, w.guide)
    assert w.guide.query() == "QYSLDJ" and "企业设立登记" in w.guide.result_names()


def test_bundle_shows_one_merged_material_list(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    click(qtbot, w.guide.browse_buttons["bundles"])
    wait_view(qtbot, kiosk, w.guide_list)
    tile = next(t for t in w.guide_list.list.visible_tiles() if t.text() == "出生一件事")
    click(qtbot, tile)
    wait_view(qtbot, kiosk, w.bundle_guide)
    bundle = get_bundle_guide(demo.db, "B-BIRTH")
    shown = w.bundle_guide.material_names()
    assert sorted(shown) == sorted(m.name for m in bundle.materials)
    assert len(shown) == len(set(shown))  # de-duplicated
    every_item_list = [m.name for x in bundle.items for m in get_item_guide(demo.db, x.code).materials]
    assert len(shown) < len(every_item_list)  # e.g. 户口簿 is asked by three items, listed once
    assert "户口簿" in shown and every_item_list.count("户口簿") >= 2
    # one of its items opens that item's guide; 返回 comes back to the bundle, then to the list
    item_tile = w.bundle_guide.item_list.visible_tiles()[0]
    click(qtbot, item_tile)
    wait_view(qtbot, kiosk, w.item_guide)
    click(qtbot, w.item_guide.back_button)
    wait_view(qtbot, kiosk, w.bundle_guide)
    click(qtbot, w.bundle_guide.back_button)
    wait_view(qtbot, kiosk, w.guide_list)
    assert "出生一件事" in [t.text() for t in w.guide_list.list.visible_tiles()]


def test_browse_by_department(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    click(qtbot, w.guide.browse_buttons["departments"])
    wait_view(qtbot, kiosk, w.guide_list)
    tile = next(t for t in w.guide_list.list.visible_tiles() if t.text() == "县公安局")
    click(qtbot, tile)
    qtbot.waitUntil(lambda: w.guide_list.title_label.text() == "县公安局", timeout=WAIT_MS)
    names = [t.text() for t in w.guide_list.list.visible_tiles()]
    assert "居民身份证换领" in names and "出生登记" in names
    click(qtbot, w.guide_list.back_button)  # back to the departments
    qtbot.waitUntil(lambda: w.guide_list.title_label.text() == "按部门查找", timeout=WAIT_MS)


def test_notice_slip_qr_decodes_to_the_item_and_version_and_scans_back(qtbot, demo, make_kiosk):
    printer_backends.reset_dummy()
    kiosk = make_kiosk(demo, printer=TicketPrinter(PrinterSettings(kind="dummy", paper_width_mm=80)))
    w = kiosk.window
    try:
        kiosk.open_item("SCJGJ-010")  # 食品经营许可证核发: two 容缺 materials
        wait_view(qtbot, kiosk, w.item_guide)
        with qtbot.waitSignal(kiosk.slipPrinted, timeout=WAIT_MS) as printed:
            click(qtbot, w.item_guide.print_button)
        qtbot.waitUntil(lambda: w.item_guide.status_label.property("level") == "ok", timeout=WAIT_MS)
        slip = printed.args[0]
        guide = get_item_guide(demo.db, "SCJGJ-010")
        assert slip.qr_data == item_qr_payload("SCJGJ-010", guide.version) == f"GH1|G|SCJGJ-010|v{guide.version}"
        [job] = printer_backends.dummy_jobs()
        assert decode_qr(stack(raster_bands(job))) == [slip.qr_data]
        assert {m.name for m in slip.materials} == {m.name for m in guide.materials}
    finally:
        printer_backends.reset_dummy()
    # a citizen comes back with the slip and scans it on the lookup screen (scanner = keystrokes + Enter)
    kiosk.go_home()
    click(qtbot, w.home.feature_tiles["progress"])
    wait_view(qtbot, kiosk, w.lookup)
    qtbot.keyClicks(w.lookup, slip.qr_data)
    qtbot.keyClick(w.lookup, Qt.Key.Key_Return)
    wait_view(qtbot, kiosk, w.item_guide)
    assert w.item_guide.guide.code == "SCJGJ-010" and w.item_guide.guide.version == guide.version
    assert not w.item_guide.outdated and w.item_guide.print_button.isVisible()


def test_an_old_slip_opens_its_own_version_and_offers_the_current_one(qtbot, demo, make_kiosk):
    from common.services.catalog import ItemDraft, MaterialDraft, publish_item
    from common.services.permissions import Actor
    from common.domain import Role

    old = get_item_guide(demo.db, "SCJGJ-001")
    admin = Actor(staff_id=None, staff_no="admin", name="管理员", roles=frozenset({Role.ADMIN}))
    draft = ItemDraft(code=old.code, name=old.name, department=old.department_code, handling=old.handling,
                      category=old.category, statutory_days=old.statutory_days, promised_days=old.promised_days,
                      conditions=old.conditions, procedure=old.procedure, fee=old.fee, legal_basis=old.legal_basis,
                      zone=old.zone, queue=old.queue, online=old.online, flags=old.flags, synonyms=old.synonyms,
                      materials=[MaterialDraft(m.name, m.originals, m.copies, m.required, m.may_be_missing, m.notes)
                                 for m in old.materials] + [MaterialDraft("新增的承诺书")])
    publish_item(demo.db, admin, draft)
    kiosk = make_kiosk(demo)
    w = kiosk.window
    kiosk.on_scanned(item_qr_payload(old.code, old.version))
    wait_view(qtbot, kiosk, w.item_guide)
    assert w.item_guide.guide.version == old.version and w.item_guide.outdated
    assert "新增的承诺书" not in w.item_guide.material_names()
    assert not w.item_guide.print_button.isVisible() and w.item_guide.current_button.isVisible()
    click(qtbot, w.item_guide.current_button)
    qtbot.waitUntil(lambda: w.item_guide.guide.version == old.version + 1, timeout=WAIT_MS)
    assert "新增的承诺书" in w.item_guide.material_names() and w.item_guide.print_button.isVisible()


def test_bundle_slip_prints_the_merged_list(qtbot, demo, make_kiosk):
    printer = BlockPrinter()
    kiosk = make_kiosk(demo, printer=printer)
    w = kiosk.window
    kiosk.open_bundle("B-BIRTH")
    wait_view(qtbot, kiosk, w.bundle_guide)
    with qtbot.waitSignal(kiosk.slipPrinted, timeout=WAIT_MS) as printed:
        click(qtbot, w.bundle_guide.print_button)
    slip = printed.args[0]
    assert slip.kind == "bundle" and slip.qr_data.startswith("GH1|B|B-BIRTH|")
    bundle = get_bundle_guide(demo.db, "B-BIRTH")
    assert [m.name for m in slip.materials] == [m.name for m in bundle.materials]
    text = "\n".join(getattr(b, "text", "") for b in printer.documents[0])
    assert "一次性告知单" in text and "出生一件事" in text and text.count("户口簿") == 1
    kiosk.go_home()
    kiosk.on_scanned(slip.qr_data)  # scanned on the home screen: the same bundle, up to date
    wait_view(qtbot, kiosk, w.bundle_guide)
    assert w.bundle_guide.guide.code == "B-BIRTH" and not w.bundle_guide.outdated


def test_printer_failure_on_a_slip_is_shown_and_the_guide_stays(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo, printer=BlockPrinter("打印机缺纸，请联系工作人员更换纸卷"))
    w = kiosk.window
    kiosk.open_item("GA-002")
    wait_view(qtbot, kiosk, w.item_guide)
    click(qtbot, w.item_guide.print_button)
    qtbot.waitUntil(lambda: w.item_guide.status_label.property("level") == "error", timeout=WAIT_MS)
    assert "缺纸" in w.item_guide.status_label.text() and w.current_view() is w.item_guide


def test_take_a_ticket_from_the_guide_records_the_item(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    type_keys(qtbot, w.guide.keypad, "JMSFZHL")  # 居民身份证换领
    click(qtbot, next(t for t in w.guide.results.visible_tiles() if t.text() == "居民身份证换领"))
    wait_view(qtbot, kiosk, w.item_guide)
    click(qtbot, w.item_guide.ticket_button)
    wait_view(qtbot, kiosk, w.priority)
    click(qtbot, w.priority.back_button)  # 返回 goes back to the guide, not to the queue list
    wait_view(qtbot, kiosk, w.item_guide)
    click(qtbot, w.item_guide.ticket_button)
    wait_view(qtbot, kiosk, w.priority)
    click(qtbot, w.priority.buttons[next(iter(w.priority.buttons))])
    wait_view(qtbot, kiosk, w.phone)
    click(qtbot, w.phone.skip_button)
    wait_view(qtbot, kiosk, w.ticket)
    assert kiosk.ticket.number.startswith("D")  # 户政出入境
    with demo.db.read() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.id == kiosk.ticket.ticket_id))
        assert s.scalar(select(ServiceItem.code).where(ServiceItem.id == ticket.item_id)) == "GA-002"


def test_guide_screens_in_english_and_elderly_mode(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo, printer=BlockPrinter())
    w = kiosk.window
    click(qtbot, w.header.language_button)
    click(qtbot, w.header.elderly_button)
    open_guide(qtbot, kiosk)
    assert w.guide.browse_buttons["bundles"].text() == "Life Events"
    click(qtbot, w.guide.chips["结婚"])
    assert w.guide.chips["结婚"].text() == "Marry" and w.guide.result_names()
    click(qtbot, w.guide.results.visible_tiles()[0])
    wait_view(qtbot, kiosk, w.item_guide)
    click(qtbot, w.item_guide.print_button)
    qtbot.waitUntil(lambda: w.item_guide.status_label.property("level") == "ok", timeout=WAIT_MS)
    assert w.item_guide.print_button.text() == "Print Checklist"
    for key in ("departments", "bundles", "frequent"):
        kiosk.browse(key)
        wait_view(qtbot, kiosk, w.guide_list)
    kiosk.open_bundle("B-BIZ")
    wait_view(qtbot, kiosk, w.bundle_guide)
    assert i18n.missing_translations() == set()


def test_search_index_reloads_when_the_catalog_changes(qtbot, demo, make_kiosk):
    from common.services.catalog import cancel_item
    from common.services.permissions import Actor
    from common.domain import Role

    kiosk = make_kiosk(demo)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    first = kiosk.index
    type_keys(qtbot, w.guide.keypad, "JMSFZHL")
    assert "居民身份证换领" in w.guide.result_names()
    admin = Actor(staff_id=None, staff_no="admin", name="管理员", roles=frozenset({Role.ADMIN}))
    cancel_item(demo.db, admin, "GA-002", "测试")
    kiosk.go_home()
    open_guide(qtbot, kiosk)
    qtbot.waitUntil(lambda: kiosk.index is not first, timeout=WAIT_MS)
    type_keys(qtbot, w.guide.keypad, "JMSFZHL")
    assert "居民身份证换领" not in w.guide.result_names()
    kiosk.go_home()
    open_guide(qtbot, kiosk)
    second = kiosk.index
    kiosk.go_home()
    open_guide(qtbot, kiosk)
    assert kiosk.index is second  # unchanged catalog: not reloaded


def test_idle_timeout_clears_the_search(qtbot, demo, make_kiosk):
    kiosk = make_kiosk(demo, idle_timeout_ms=500)
    w = kiosk.window
    open_guide(qtbot, kiosk)
    type_keys(qtbot, w.guide.keypad, "SB")
    qtbot.waitUntil(lambda: w.current_view() is w.home, timeout=5000)
    assert w.guide.query() == ""
    QApplication.processEvents()


@pytest.mark.parametrize("portrait", [False, True])
def test_guide_touch_targets_are_big(qtbot, demo, make_kiosk, portrait):
    from kiosk.qt import QPushButton
    from kiosk.window import PORTRAIT

    kiosk = make_kiosk(demo)
    w = kiosk.window
    if portrait:
        w.resize_to(*PORTRAIT)
        qtbot.waitUntil(lambda: w.width() == PORTRAIT[0], timeout=WAIT_MS)
    open_guide(qtbot, kiosk)
    for elderly in (False, True):
        w.apply_mode(elderly)
        for view in (w.guide, w.lookup, w.checkin, w.complaint):
            w.stack.setCurrentWidget(view)
            qtbot.wait(10)
            for button in view.findChildren(QPushButton):
                if button.isVisible():
                    assert button.height() >= 96 and button.width() >= 96, (view.name, button.objectName())
    assert w.width() == (PORTRAIT[0] if portrait else 1920)
