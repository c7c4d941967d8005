"""Printing: layouts rendered to ESC/POS and PNG, decoded back; backends. No Qt."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps

from common.printing import (
    Columns,
    PrinterError,
    PrinterSettings,
    QrBlock,
    Text,
    TicketSlip,
    print_test,
    query_status,
    render_escpos,
    render_png,
    render_raster,
    save_png,
    send,
    ticket_layout,
)
from common.printing import backends
from common.printing.fonts import (
    bundled_font_path,
    fallback_font_paths,
    font_for_char,
    has_glyph,
    missing_chars,
    pil_font,
    primary_face,
    register_reportlab_fonts,
    reportlab_markup,
)
from common.printing.layout import Paper, display_width, wrap_columns
from common.printing.raster import ink_pixels

pyzbar = pytest.importorskip("pyzbar.pyzbar")

PAPERS = [58, 80]
RARE = "𠮷"  # U+20BB7, CJK Ext-B
NOT_A_CHAR = "\U000F0000"  # private use plane 15: no bundled font has it -> .notdef


def make_slip(**kw) -> TicketSlip:
    values = dict(
        hall_name="示例政务服务中心",
        display_number="A012",
        queue_name="不动产登记",
        people_ahead=12,
        issued_at=datetime(2025, 3, 4, 9, 30),
        qr_data="https://hall.example.gov.cn/t/20250304-A012?k=9f8e7d",
        footer="请留意叫号，过号请重新取号",
        priority_label=None,
        estimated_wait="约 10–20 分钟",
    )
    values.update(kw)
    return TicketSlip(**values)


# --- ESC/POS parsing helpers ---------------------------------------------------


def raster_bands(data: bytes) -> list[Image.Image]:
    """Every `GS v 0` image in the stream, as L images (0 = ink)."""
    bands = []
    pos = 0
    while True:
        i = data.find(b"\x1dv0", pos)
        if i < 0:
            return bands
        m, xl, xh, yl, yh = data[i + 3 : i + 8]
        assert m in (0, 1, 2, 3, 48, 49, 50, 51)
        width_bytes, height = xl + 256 * xh, yl + 256 * yh
        start = i + 8
        payload = data[start : start + width_bytes * height]
        assert len(payload) == width_bytes * height
        # ESC/POS raster: bit 1 = print (black); PIL mode "1": bit 1 = white.
        img = Image.frombytes("1", (width_bytes * 8, height), payload)
        bands.append(ImageOps.invert(img.convert("L")))
        pos = start + len(payload)


def stack(bands: list[Image.Image]) -> Image.Image:
    width = max(b.width for b in bands)
    out = Image.new("L", (width, sum(b.height for b in bands)), 255)
    y = 0
    for band in bands:
        out.paste(band, (0, y))
        y += band.height
    return out


def decode_qr(img: Image.Image) -> list[str]:
    return [s.data.decode("utf-8") for s in pyzbar.decode(img.convert("L")) if s.type == "QRCODE"]


# --- raster mode -----------------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS)
def test_raster_escpos_round_trip_decodes_qr(paper):
    slip = make_slip()
    data = render_escpos(ticket_layout(slip), paper=paper)
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1dV\x00")  # full cut
    assert b"\x1c\x26" not in data  # raster mode sends no text
    bands = raster_bands(data)
    assert bands, "no GS v 0 image"
    assert all(b.width == Paper.from_width(paper).dots for b in bands)
    image = stack(bands)
    # The printed pixels are exactly the preview's pixels.
    preview = render_raster(ticket_layout(slip), paper).convert("L")
    assert ImageChops.difference(image, preview).getbbox() is None
    assert decode_qr(image) == [slip.qr_data]


@pytest.mark.parametrize("paper", PAPERS)
def test_png_preview_decodes_qr(tmp_path, paper):
    slip = make_slip(priority_label="优先")
    img = render_png(ticket_layout(slip), paper)
    assert img.mode == "1"
    assert img.width == Paper.from_width(paper).dots
    assert decode_qr(img) == [slip.qr_data]
    path = save_png(ticket_layout(slip), tmp_path / "t.png", paper)
    with Image.open(path) as saved:
        assert saved.size == img.size
        assert decode_qr(saved) == [slip.qr_data]


def test_partial_cut_option():
    blocks = [Text("测试")]
    assert render_escpos(blocks, cut="partial").endswith(b"\x1dV\x01")
    assert render_escpos(blocks, cut="full").endswith(b"\x1dV\x00")
    assert b"\x1dV" not in render_escpos(blocks, cut="none")


def test_long_slip_is_split_into_several_bands_that_still_decode():
    blocks = [Text(f"第 {i} 行") for i in range(40)] + [QrBlock("HALL-LONG-0001")]
    data = render_escpos(blocks, paper=58)
    bands = raster_bands(data)
    assert len(bands) >= 2  # python-escpos splits images taller than 960 dots
    assert decode_qr(stack(bands)) == ["HALL-LONG-0001"]


def test_huge_number_stays_on_one_line_and_is_big():
    for paper in PAPERS:
        img = render_raster([Text("A012", size="huge", bold=True, align="center")], paper)
        bbox = ImageOps.invert(img.convert("L")).getbbox()
        glyph_height = bbox[3] - bbox[1]
        assert glyph_height >= 10 * 8  # ≥ 10 mm tall digits at 8 dots/mm
        long_img = render_raster([Text("VIP0012", size="huge", align="center")], paper)
        assert long_img.height <= img.height  # shrunk to fit on one line, not wrapped


def test_text_never_leaves_the_paper():
    text = "申请人须携带本人有效身份证件原件及复印件，委托办理的还需提供授权委托书。" * 3
    for paper in PAPERS:
        img = render_raster([Text(text), Columns("很长的标签" * 4, "很长的值" * 5)], paper)
        assert img.width == Paper.from_width(paper).dots
        bbox = ImageOps.invert(img.convert("L")).getbbox()
        assert bbox[0] >= 1 and bbox[2] <= img.width - 1


# --- GB18030 text mode -----------------------------------------------------------


def test_gb18030_mode_bytes():
    slip = make_slip()
    data = render_escpos(ticket_layout(slip), paper=58, mode="gb18030")
    assert b"\x1c\x26" in data and b"\x1c\x2e" in data
    hall = slip.hall_name.encode("gb18030")
    number = slip.display_number.encode("gb18030")
    assert b"\x1c\x26" + hall + b"\x1c\x2e" in data
    assert number in data
    assert data.index(b"\x1c\x26") < data.index(hall) < data.index(b"\x1c\x2e", data.index(hall))
    assert b"\x1d!\x22" in data  # GS ! 3x3 for the huge number
    assert b"\x1ba\x01" in data  # ESC a centre
    # QR defaults to an image
    assert b"\x1d(k" not in data
    assert decode_qr(stack(raster_bands(data))) == [slip.qr_data]
    assert data.endswith(b"\x1dV\x00")


def test_gb18030_native_qr():
    slip = make_slip()
    data = render_escpos(ticket_layout(slip), paper=80, mode="gb18030", native_qr=True)
    assert b"\x1d(k" in data
    assert b"\x1dv0" not in data
    store = b"\x1d(k" + (len(slip.qr_data) + 3).to_bytes(2, "little") + b"1P0" + slip.qr_data.encode()
    assert store in data
    assert b"\x1d(k\x03\x001Q0" in data  # print the stored symbol


def test_gb18030_rare_character_is_encodable():
    data = render_escpos([Text(f"姓名：吉{RARE}")], mode="gb18030")
    assert RARE.encode("gb18030") in data
    assert len(RARE.encode("gb18030")) == 4


def test_gb18030_lines_fit_columns():
    data = render_escpos([Text("请" * 40), Columns("前面等候", "12 人")], paper=58, mode="gb18030")
    lines = [seg.split(b"\x1c\x2e")[0] for seg in data.split(b"\x1c\x26")[1:]]
    assert lines
    for raw in lines:
        assert display_width(raw.decode("gb18030")) <= 32


def test_display_width_and_wrap():
    assert display_width("A012") == 4
    assert display_width("排队人数") == 8
    assert display_width(RARE) == 2
    lines = wrap_columns("前面还有十二人，请耐心等候。谢谢配合。", 8)
    assert all(display_width(line) <= 8 for line in lines)
    assert not any(line.startswith(("，", "。")) for line in lines)
    assert wrap_columns("——" * 30, 16) == ["—" * 8] * 7 + ["—" * 4]


# --- fonts -------------------------------------------------------------------------


def test_bundled_fonts_exist_with_licenses():
    assert bundled_font_path().is_file()
    assert bundled_font_path().suffix == ".ttc"
    fonts_dir = bundled_font_path().parent
    assert (fonts_dir / "wqy-microhei.LICENSE.txt").is_file()
    assert fallback_font_paths(), "no fallback font for rare characters"
    assert (fonts_dir / "hanazono.LICENSE.txt").is_file()
    total = sum(p.stat().st_size for p in fonts_dir.iterdir())
    assert total < 32 * 1024 * 1024


def test_rare_character_uses_fallback_and_prints_ink():
    primary = primary_face()
    # Micro Hei has no 𠮷: its rendering is the same .notdef box as a missing code point.
    mh = pil_font(primary, 48)
    assert bytes(mh.getmask(RARE)) == bytes(mh.getmask(NOT_A_CHAR))
    face = font_for_char(RARE)
    assert not face.is_primary and has_glyph(face, RARE)
    assert missing_chars(f"王{RARE}祥") == []
    assert missing_chars(NOT_A_CHAR) == [NOT_A_CHAR]

    rare_img = render_raster([Text(RARE, size="large")])
    box_img = render_raster([Text(NOT_A_CHAR, size="large")])
    assert ink_pixels(rare_img) > 50
    assert ImageChops.difference(rare_img.convert("L"), box_img.convert("L")).getbbox() is not None
    # and it is not simply drawn as 吉 either
    ji_img = render_raster([Text("吉", size="large")])
    assert ImageChops.difference(rare_img.convert("L"), ji_img.convert("L")).getbbox() is not None


def test_ext_a_character_uses_fallback():
    ch = "\u3400"  # 㐀, CJK Ext-A: Micro Hei lacks most of the block
    assert has_glyph(font_for_char(ch), ch)
    assert ink_pixels(render_raster([Text(ch)])) > 20


@pytest.mark.parametrize("line", ["——————", "。。。", "※※※", "……", "！？", "---", "·"])
def test_punctuation_only_line_has_ink(line):
    for paper in PAPERS:
        img = render_raster([Text(line, align="center")], paper)
        assert ink_pixels(img) > 3, line
    assert b"\x1c\x26" + line.encode("gb18030") + b"\x1c\x2e" in render_escpos([Text(line)], mode="gb18030")


def test_reportlab_registration(tmp_path):
    name = register_reportlab_fonts()
    assert name == "HallSans"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    assert pdfmetrics.getFont("HallSans") and pdfmetrics.getFont("HallRareB")
    assert 'face="HallRareB"' in reportlab_markup(f"王{RARE}")
    pdf = tmp_path / "t.pdf"
    c = canvas.Canvas(str(pdf))
    c.setFont(name, 18)
    c.drawString(72, 720, "示例政务服务中心 A001")
    c.save()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "示例政务服务中心" in text


def test_printing_does_not_import_qt():
    code = "import sys, common.printing; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


# --- backends ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_dummy():
    backends.reset_dummy()
    yield
    backends.reset_dummy()


def test_dummy_backend_records_bytes():
    settings = PrinterSettings(kind="dummy", paper_width_mm=58)
    send(settings, b"abc")
    send(settings, b"\x1b@def")
    assert backends.dummy_jobs() == [b"abc", b"\x1b@def"]
    assert query_status(settings).ready


def test_dummy_fault_simulation():
    settings = PrinterSettings(kind="dummy")
    backends.set_dummy_fault(PrinterError("打印机缺纸", "paper_out"))
    with pytest.raises(PrinterError, match="缺纸"):
        send(settings, b"x")
    assert backends.dummy_jobs() == []


def test_file_backend_appends(tmp_path):
    path = tmp_path / "printer.bin"
    settings = PrinterSettings(kind="file", file_path=str(path))
    send(settings, b"one")
    send(settings, b"two")
    assert path.read_bytes() == b"onetwo"
    assert query_status(settings).online is None  # unknown, not an error
    bad = PrinterSettings(kind="file", file_path=str(tmp_path / "missing-dir" / "lp0"))
    with pytest.raises(PrinterError, match="找不到"):
        send(bad, b"x")


class FakePrinter:
    """A TCP "printer" on 127.0.0.1: records bytes, answers DLE EOT if told to."""

    def __init__(self, status_replies: dict[int, int] | None = None):
        self.status_replies = status_replies
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.received += chunk
                if self.status_replies is not None and chunk.startswith(b"\x10\x04") and len(chunk) == 3:
                    reply = self.status_replies.get(chunk[2])
                    if reply is not None:
                        conn.sendall(bytes([reply]))

    def finish(self) -> bytes:
        self.thread.join(timeout=10)
        self.server.close()
        return bytes(self.received)


def test_network_backend_sends_exact_bytes():
    fake = FakePrinter()
    data = render_escpos(ticket_layout(make_slip()), paper=80)
    send(PrinterSettings(kind="network", host="127.0.0.1", port=fake.port, timeout_s=3), data)
    assert fake.finish() == data


def test_network_printer_not_there_fails_fast_in_chinese():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens here now
    settings = PrinterSettings(kind="network", host="127.0.0.1", port=port, timeout_s=1.0)
    start = time.monotonic()
    with pytest.raises(PrinterError) as info:
        send(settings, b"data")
    assert time.monotonic() - start < 3
    assert f"无法连接到打印机 127.0.0.1:{port}" in str(info.value)
    status = query_status(settings)
    assert status.online is False and "无法连接到打印机" in status.message_zh


def test_network_connect_timeout_is_short():
    # A listener whose backlog is full drops further SYNs: connect() hangs like an
    # unplugged printer would, without relying on the network outside this machine.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(3):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(c)
    time.sleep(0.2)
    settings = PrinterSettings(kind="network", host="127.0.0.1", port=port, timeout_s=0.5)
    try:
        start = time.monotonic()
        with pytest.raises(PrinterError) as info:
            send(settings, b"data")
        elapsed = time.monotonic() - start
    finally:
        for c in fillers:
            c.close()
        server.close()
    assert elapsed < 2.5
    assert info.value.message_zh.startswith(f"无法连接到打印机 127.0.0.1:{port}")
    assert "超时" in info.value.message_zh and info.value.code == "timeout"


def test_network_status_ok_and_paper_out():
    ok = FakePrinter({1: 0x12, 4: 0x12})
    status = query_status(PrinterSettings(kind="network", host="127.0.0.1", port=ok.port))
    ok.finish()
    assert (status.online, status.paper_ok, status.paper_near_end, status.message_zh) == (True, True, False, "正常")

    near = FakePrinter({1: 0x12, 4: 0x1E})
    status = query_status(PrinterSettings(kind="network", host="127.0.0.1", port=near.port))
    near.finish()
    assert status.paper_near_end and status.paper_ok and "即将用完" in status.message_zh

    empty = FakePrinter({1: 0x1A, 2: 0x32, 4: 0x72})
    settings = PrinterSettings(kind="network", host="127.0.0.1", port=empty.port)
    status = query_status(settings)
    empty.finish()
    assert status.online is False and status.paper_ok is False and status.message_zh == "打印机缺纸"

    empty2 = FakePrinter({1: 0x1A, 2: 0x32, 4: 0x72})
    with pytest.raises(PrinterError, match="打印机缺纸") as info:
        send(PrinterSettings(kind="network", host="127.0.0.1", port=empty2.port), b"ticket", check_paper=True)
    assert info.value.code == "paper_out"
    assert b"ticket" not in empty2.finish()


def test_network_status_unknown_when_printer_is_silent():
    silent = FakePrinter(status_replies={})
    settings = PrinterSettings(kind="network", host="127.0.0.1", port=silent.port, timeout_s=0.5)
    start = time.monotonic()
    status = query_status(settings)
    silent.finish()
    assert time.monotonic() - start < 3
    assert status.online is None and "未知" in status.message_zh


def test_unconfigured_and_unsupported_backends_raise_chinese_errors(monkeypatch):
    with pytest.raises(PrinterError, match="未配置") as info:
        send(PrinterSettings(kind="none"), b"x")
    assert info.value.code == "not_configured"
    with pytest.raises(PrinterError, match="未知的打印机类型"):
        send(PrinterSettings(kind="laser"), b"x")
    if sys.platform != "win32":
        with pytest.raises(PrinterError, match="仅适用于 Windows"):
            send(PrinterSettings(kind="win32raw", win32_name="POS-80"), b"x")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PrinterError, match="lp"):
        send(PrinterSettings(kind="cups", cups_queue="pos"), b"x")
    assert "lpstat" in query_status(PrinterSettings(kind="cups", cups_queue="pos")).message_zh


def test_usb_and_serial_errors_are_chinese():
    with pytest.raises(PrinterError) as info:
        send(PrinterSettings(kind="usb", usb_vendor="0x0416", usb_product="0x5011"), b"x")
    assert "USB" in info.value.message_zh
    with pytest.raises(PrinterError) as info:
        send(PrinterSettings(kind="serial", serial_device="/dev/does-not-exist"), b"x")
    assert "串口" in info.value.message_zh
    with pytest.raises(PrinterError, match="未设置 USB 打印机的厂商 ID") as info:
        send(PrinterSettings(kind="usb", usb_vendor=0, usb_product=0), b"x")
    assert info.value.code == "config"


def test_settings_from_mapping_ignores_unknown_keys():
    s = PrinterSettings.from_mapping({"kind": "network", "host": "192.168.1.50", "extra": 1})
    assert s.kind == "network" and s.port == 9100
    assert "192.168.1.50:9100" in s.describe()

    class Options:  # shaped like common.config.PrinterOptions
        kind, host, port, paper_width_mm, mode, native_qr = "network", "10.0.0.9", 9100, 58, "gb18030", True

    s = PrinterSettings.from_config(Options())
    assert (s.host, s.paper_width_mm, s.mode, s.native_qr) == ("10.0.0.9", 58, "gb18030", True)


# --- print test ----------------------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS)
def test_print_test_png(tmp_path, paper):
    out = print_test(PrinterSettings(kind="none", paper_width_mm=paper), out_png=tmp_path / "p.png")
    with Image.open(out) as img:
        assert img.width == Paper.from_width(paper).dots
        assert decode_qr(img) == ["GH1|T|TEST|00000000|A001|0|TEST"]


@pytest.mark.parametrize("mode", ["raster", "gb18030"])
def test_print_test_to_dummy(mode):
    settings = PrinterSettings(kind="dummy", paper_width_mm=58, mode=mode)
    assert print_test(settings) is None
    (job,) = backends.dummy_jobs()
    if mode == "raster":
        assert decode_qr(stack(raster_bands(job))) == ["GH1|T|TEST|00000000|A001|0|TEST"]
    else:
        assert "示例政务服务中心".encode("gb18030") in job
        assert RARE.encode("gb18030") in job
