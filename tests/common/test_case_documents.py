"""Case notices: one layout per document, rendered as an A4 PDF (embedded fonts, text, QR) and as a receipt."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from common.printing.case_documents import (
    CaseNotice,
    NoticeKind,
    NoticeMaterial,
    cn_date,
    notice_escpos,
    notice_layout,
    notice_pdf,
)
from common.printing.layout import QrBlock
from common.services import cases
from common.validation import mask_id_number
from tests.common.services.test_cases_support import PERSON_ID, at, make_hall, request
from tests.common.test_printing import decode_qr, raster_bands, stack

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext/pdffonts/pdftoppm) not installed")
MASKED = mask_id_number(PERSON_ID)


def make_notices(db) -> dict[str, CaseNotice]:
    """One real case per document, built through the services."""
    hall = make_hall(db)
    clerk, approver = hall.actors["C001"], hall.actors["A001"]
    health = hall.items["PRO-001"]["从业人员健康证明"]
    accepted = cases.accept_promised(
        db, clerk, request(hall, "PRO-001", provided=hall.material_ids("PRO-001") - {health},
                           deferred={health: dt.date(2026, 10, 9)}), now=at(2026, 9, 30, 9, 40))
    correction = cases.request_correction(
        db, clerk, request(hall, "PRO-001", provided=hall.material_ids("PRO-001", "食品经营许可申请书")),
        now=at(2026, 9, 30, 10))
    rejected = cases.reject(db, clerk, request(hall, "PRO-001", reason="申请经营的项目不属于食品经营许可范围，"
                                               "请向县农业农村局咨询。"), now=at(2026, 9, 30, 10, 30))
    done = cases.accept_promised(db, clerk, request(hall, "PRO-001"), now=at(2026, 9, 30, 11))
    task = next(r for r in cases.inbox(db, approver, now=at(2026, 10, 8)) if r.case_no == done.case_no)
    cases.decide_task(db, approver, task.task_id, True, "准予许可", now=at(2026, 10, 9, 15))
    cases.mark_ready(db, clerk, done.case_no, now=at(2026, 10, 9, 16))
    return {
        "acceptance": cases.case_notice(db, clerk, accepted.case_no, "acceptance", now=at(2026, 9, 30, 9, 41)),
        "correction": cases.case_notice(db, clerk, correction.case_no, "correction", now=at(2026, 9, 30, 10, 1)),
        "rejection": cases.case_notice(db, clerk, rejected.case_no, "rejection", now=at(2026, 9, 30, 10, 31)),
        "completion": cases.case_notice(db, clerk, done.case_no, "completion", now=at(2026, 10, 9, 16, 1)),
    }


@pytest.fixture
def notices(db):
    return make_notices(db)


def test_notice_data_from_the_services(notices):
    acc = notices["acceptance"]
    assert acc.kind == NoticeKind.ACCEPTANCE and acc.deadline == dt.date(2026, 10, 13) and acc.days_limit == 5
    assert acc.applicant_id_masked == MASKED and acc.window_label.startswith("1号窗口") and acc.clerk_name == "张三"
    assert [(m.name, m.due) for m in acc.missing] == [("从业人员健康证明", dt.date(2026, 10, 9))]
    cor = notices["correction"]
    assert [m.name for m in cor.missing] == ["营业执照", "经营场所平面图", "从业人员健康证明"]
    assert cor.deadline is None and cor.days_limit == 5
    assert notices["rejection"].reason.startswith("申请经营的项目")
    com = notices["completion"]
    assert com.approved is True and com.finished_on == dt.date(2026, 10, 9) and "9号窗口" in com.pickup_place
    for n in notices.values():
        [qr] = [b for b in notice_layout(n) if isinstance(b, QrBlock)]
        assert qr.data == f"GH1|C|{n.case_no}|{n.check_code}"


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


KINDS = ["acceptance", "correction", "rejection", "completion"]


@needs_poppler
def test_pdf_embeds_fonts_holds_the_text_and_a_readable_qr(notices, tmp_path):
    for kind in KINDS:
        _check_pdf(notices[kind], kind, tmp_path / kind)


def _check_pdf(n: CaseNotice, kind: str, tmp_path: Path) -> None:
    tmp_path.mkdir()
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(notice_pdf(n))

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [line for line in fonts[2:] if line.strip()]
    assert rows, fonts
    for row in rows:  # name type encoding emb sub uni object ID
        cols = row.split()
        assert cols[-5] == "yes", row  # emb
    assert any("WenQuanYiMicroHei" in row for row in rows)  # the bundled "HallSans" face

    text = _pdf_text(path).replace(" ", "")
    assert n.case_no in text
    assert n.item_name in text
    assert MASKED in text
    assert n.title.replace(" ", "") in text
    assert n.hall_name in text
    if kind in ("acceptance", "completion"):
        assert cn_date(n.deadline) in text
        assert "5个工作日" in text
    if kind == "acceptance":
        assert "承诺书" in text and "从业人员健康证明" in text
    if kind == "correction":
        for m in n.missing:
            assert m.name in text
        assert "第三十二条" in text
    if kind == "rejection":
        assert "行政复议" in text and "六十日" in text and "行政诉讼" in text and "六个月" in text
        assert "食品经营许可范围" in text

    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    [png] = sorted(tmp_path.glob("page*.png"))
    with Image.open(png) as page:
        assert page.width < page.height  # A4 portrait
        assert decode_qr(page) == [n.qr_data]
    if shutil.which("zbarimg"):
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True).stdout
        assert out.strip() == n.qr_data


def test_thermal_receipt_qr_decodes_from_the_raster_bytes(notices):
    for kind in KINDS:
        n = notices[kind]
        data = notice_escpos(n, paper=80)
        assert data.startswith(b"\x1b@") and data.endswith(b"\x1dV\x00")
        assert decode_qr(stack(raster_bands(data))) == [n.qr_data], kind


def test_gb18030_receipt_carries_the_text():
    n = CaseNotice(
        kind=NoticeKind.CORRECTION, hall_name="测试县政务服务中心", case_no="T01-20261013-00001", check_code="ABC234",
        item_name="食品经营许可", item_version=2, department="县市场监督管理局", case_type="correction",
        case_type_label="补办件", applicant_name="王𠮷", applicant_is_enterprise=False, applicant_id_masked=MASKED,
        window_label="1号窗口", clerk_name="张三", issued_on=dt.date(2026, 10, 13),
        missing=(NoticeMaterial("营业执照", 1, 1, "加盖公章"),), days_limit=5,
    )
    data = notice_escpos(n, paper=58, mode="gb18030")
    for text in ("T01-20261013-00001", "食品经营许可", "营业执照", "一次性告知书"):
        assert text.encode("gb18030") in data
    assert decode_qr(stack(raster_bands(data))) == [n.qr_data]


@needs_poppler
def test_rare_character_in_a_name_is_drawn_with_the_fallback_font(tmp_path):
    n = CaseNotice(
        kind=NoticeKind.REJECTION, hall_name="测试县政务服务中心", case_no="T01-20261013-00002", check_code="XYZ789",
        item_name="食品经营许可", item_version=2, department="县市场监督管理局", case_type="rejected",
        case_type_label="退办件", applicant_name="王𠮷", applicant_is_enterprise=False, applicant_id_masked=MASKED,
        window_label="1号窗口", clerk_name="张三", issued_on=dt.date(2026, 10, 13), reason="不属于受理范围",
    )
    path = tmp_path / "rare.pdf"
    path.write_bytes(notice_pdf(n))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "HanaMinB" in fonts  # the bundled "HallRareB" fallback face, embedded
    assert "王𠮷" in _pdf_text(path)
