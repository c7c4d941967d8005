"""Every QR payload the hall prints, in one place: `GH1|<kind>|…`.

    GH1|T|<site>|<yyyymmdd>|<number>|<ticket id>|<check>   a queue ticket (排队号票)
    GH1|C|<case no>|<check code>                           a case document (受理通知书 …): opens the progress lookup
    GH1|G|<item code>|v<version>                           an item's guide version (一次性告知单)
    GH1|B|<bundle code>|<revision>                         a 一件事 bundle's guide

"GH1" is the format version. Parsers raise InvalidInput with a Chinese message a citizen can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Optional

from common.errors import InvalidInput

PREFIX = "GH1|"
_CASE_RE = re.compile(r"^GH1\|C\|([^|\s]{3,40})\|([A-Za-z0-9]{4,8})$")
_CASE_NO_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}-\d{8}-\d{5,}$")
_ITEM_RE = re.compile(r"^GH1\|G\|([^|\s]{1,64})\|[vV](\d{1,6})$")
_BUNDLE_RE = re.compile(r"^GH1\|B\|([^|\s]{1,32})\|([0-9a-fA-F]{8})$")


def kind_of(text: str) -> Optional[str]:
    """"ticket", "case", "guide" or None: where a scanner's input should go."""
    raw = (text or "").strip()
    return {"GH1|T|": "ticket", "GH1|C|": "case", "GH1|G|": "guide", "GH1|B|": "guide"}.get(raw[:6])


# --------------------------------------------------------------------------------------------- tickets


def ticket_payload(site_code: str, day: dt.date, number: str, ticket_id: int, check_code: str) -> str:
    return f"GH1|T|{site_code}|{day.year:04d}{day.month:02d}{day.day:02d}|{number}|{ticket_id}|{check_code}"


def parse_ticket_qr(data: str) -> dict[str, Any]:
    parts = (data or "").strip().split("|")
    if len(parts) != 7 or parts[0] != "GH1" or parts[1] != "T":
        raise InvalidInput("无法识别的取号凭证二维码")
    try:
        return {
            "site_code": parts[2],
            "business_day": dt.datetime.strptime(parts[3], "%Y%m%d").date(),
            "number": parts[4],
            "ticket_id": int(parts[5]),
            "check_code": parts[6],
        }
    except ValueError:
        raise InvalidInput("无法识别的取号凭证二维码") from None


# --------------------------------------------------------------------------------------------- cases


def case_payload(case_no: str, check_code: str) -> str:
    return f"GH1|C|{case_no}|{check_code}"


def parse_case_qr(text: str) -> tuple[str, str]:
    """→ (case_no, check_code)."""
    raw = (text or "").strip()
    if raw.startswith("GH1|T|"):
        raise InvalidInput("这是排队取号凭证的二维码，请扫描受理通知书上的办件二维码。")
    m = _CASE_RE.match(raw)
    if m is None or not _CASE_NO_RE.match(m.group(1)):
        raise InvalidInput("无法识别的二维码：请扫描受理通知书（或告知书）上的办件二维码，"
                           "或手动输入案件编号和查询码。")
    return m.group(1), m.group(2).upper()


# --------------------------------------------------------------------------------------------- guides


@dataclass(frozen=True)
class GuideRef:
    """What a guide QR code points at."""

    kind: str  # "item" | "bundle"
    code: str
    version: Optional[int] = None  # items
    revision: Optional[str] = None  # bundles


def item_guide_payload(code: str, version: int) -> str:
    return f"GH1|G|{code}|v{int(version)}"


def bundle_guide_payload(code: str, revision: str) -> str:
    return f"GH1|B|{code}|{revision}"


def is_guide_qr(text: str) -> bool:
    return kind_of(text) == "guide"


def parse_guide_qr(text: str) -> GuideRef:
    raw = (text or "").strip()
    m = _ITEM_RE.match(raw)
    if m:
        return GuideRef("item", m.group(1), version=int(m.group(2)))
    m = _BUNDLE_RE.match(raw)
    if m:
        return GuideRef("bundle", m.group(1), revision=m.group(2).lower())
    raise InvalidInput("无法识别的二维码：请扫描一次性告知单上的二维码。")
