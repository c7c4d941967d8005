"""Input validation for what citizens and clerks type in: 身份证号码, 手机号码, 统一社会信用代码, 姓名.

Every check raises one exception type, :class:`ValidationError`, whose message is Chinese and
can be shown on the kiosk or counter as is. Validators return the *normalized* value that should
be stored (upper-case ``X``, digits only, collapsed whitespace, U+00B7 middle dot).

Pure Python, no Qt, no database.
"""

from __future__ import annotations

from common.errors import InvalidInput

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ValidationError",
    "ResidentId",
    "validate_id_number",
    "id_check_char",
    "mask_id_number",
    "validate_mobile",
    "mask_mobile",
    "validate_uscc",
    "uscc_check_char",
    "validate_person_name",
    "limit_text",
    "MIDDLE_DOT",
]


class ValidationError(InvalidInput, ValueError):
    """A user-facing validation failure. ``str(err)`` is the Chinese message alone."""

    def __init__(self, field: str, message: str) -> None:
        InvalidInput.__init__(self, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ValidationError({self.field!r}, {self.message!r})"


def _require_str(value: object, field: str, label: str) -> str:
    if value is None:
        raise ValidationError(field, f"请输入{label}")
    if not isinstance(value, str):
        raise ValidationError(field, f"{label}格式不正确")
    return value


def _too_long_message(label: str, max_chars: int, actual: int) -> str:
    return f"{label}不能超过 {max_chars} 个字符（当前为 {actual} 个字符）"


# Input from on-screen keypads, IMEs and pasted text may hold full-width digits and letters.
def _fold_width(text: str) -> str:
    return "".join(
        chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in text
    )


# ---------------------------------------------------------------------------
# 居民身份证号码 (GB 11643-1999)
# ---------------------------------------------------------------------------

# ISO 7064 MOD 11-2 weights: 2^(17-i) mod 11 for positions 1..17.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_ID_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class ResidentId:
    """A validated 18-digit 居民身份证号码."""

    number: str  # normalized: 18 characters, check character upper-case X
    birth_date: date
    sex: str  # "男" or "女" (17th digit odd = 男)
    region_code: str  # first 6 digits, 行政区划代码 at the time of issue

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)

    def age_on(self, day: date) -> int:
        """Age in full years on ``day`` (周岁), e.g. for the 老年人 priority category."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def id_check_char(first17: str) -> str:
    """The check character for the first 17 digits of a resident ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(value: object, *, today: date | None = None) -> ResidentId:
    """Validate an 18-digit 居民身份证号码 and return its parts.

    Accepts surrounding/inner spaces and dashes, full-width digits and a lower-case ``x``.
    ``today`` is injectable for tests; the birth date must not be after it nor before 1900.
    """
    field, label = "id_number", "身份证号码"
    raw = _require_str(value, field, label)
    text = _ID_SEPARATORS.sub("", _fold_width(raw)).upper()
    if not text:
        raise ValidationError(field, f"请输入{label}")
    if len(text) == 15 and text.isdigit():
        raise ValidationError(field, "这是旧版15位身份证号码，请输入18位身份证号码")
    if len(text) != 18:
        raise ValidationError(
            field, f"身份证号码应为18位，当前为{len(text)}位，请核对后重新输入"
        )
    if not _ID_SHAPE.fullmatch(text):
        raise ValidationError(
            field, "身份证号码前17位应为数字，最后一位为数字或字母X，请核对后重新输入"
        )
    if text[0] not in "12345678":
        raise ValidationError(field, "身份证号码的地区代码不正确，请核对后重新输入")
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(
            field, "身份证号码中的出生日期不存在，请核对后重新输入"
        ) from None
    today = today or date.today()
    if birth.year < 1900 or birth > today:
        raise ValidationError(
            field, "身份证号码中的出生日期不合理，请核对后重新输入"
        )
    if id_check_char(text[:17]) != text[17]:
        raise ValidationError(field, "身份证号码校验位不正确，请核对后重新输入")
    sex = "男" if int(text[16]) % 2 == 1 else "女"
    return ResidentId(number=text, birth_date=birth, sex=sex, region_code=text[:6])


def mask_id_number(number: str) -> str:
    """Mask an ID number for receipts and displays: keep the first 3 and last 4 characters.

    ``"110101199003071234" -> "110***********1234"``. Short or odd input is masked whole,
    never echoed, so a bad value cannot leak through a display.
    """
    text = (number or "").strip()
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


# ---------------------------------------------------------------------------
# 手机号码
# ---------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）.]+")


def validate_mobile(value: object) -> str:
    """Validate a mainland mobile number; return the bare 11 digits.

    Accepts ``+86``/``0086``/``86`` prefixes, spaces, dashes, brackets and full-width digits.
    """
    field, label = "mobile", "手机号码"
    raw = _require_str(value, field, label)
    text = _PHONE_SEPARATORS.sub("", _fold_width(raw))
    if not text:
        raise ValidationError(field, f"请输入{label}")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not text.isascii() or not text.isdigit():
        raise ValidationError(field, "手机号码只能包含数字，请核对后重新输入")
    if len(text) != 11:
        raise ValidationError(
            field, f"手机号码应为11位数字，当前为{len(text)}位，请核对后重新输入"
        )
    if not _MOBILE.fullmatch(text):
        raise ValidationError(field, "手机号码格式不正确（应以13–19开头），请核对后重新输入")
    return text


def mask_mobile(number: str) -> str:
    """``"13812345678" -> "138****5678"`` for displays and receipts."""
    text = (number or "").strip()
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


# ---------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# ---------------------------------------------------------------------------

# The code alphabet leaves out I, O, Z, S, V; a character's value is its index (0..30).
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {ch: i for i, ch in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_SEPARATORS = re.compile(r"[\s\-]+")


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code for its first 17 characters."""
    if len(first17) != 17 or any(ch not in _USCC_VALUES for ch in first17):
        raise ValueError("need exactly 17 characters from the USCC alphabet")
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: object) -> str:
    """Validate a 统一社会信用代码 and return it upper-cased without separators."""
    field, label = "uscc", "统一社会信用代码"
    raw = _require_str(value, field, label)
    text = _USCC_SEPARATORS.sub("", _fold_width(raw)).upper()
    if not text:
        raise ValidationError(field, f"请输入{label}")
    if len(text) != 18:
        raise ValidationError(
            field, f"统一社会信用代码应为18位，当前为{len(text)}位，请核对后重新输入"
        )
    bad = [ch for ch in text if ch not in _USCC_VALUES]
    if bad:
        raise ValidationError(
            field,
            f"统一社会信用代码含有不允许的字符「{bad[0]}」"
            "（不使用字母 I、O、Z、S、V），请核对后重新输入",
        )
    if not text[2:8].isdigit():
        raise ValidationError(
            field, "统一社会信用代码第3–8位应为行政区划代码（数字），请核对后重新输入"
        )
    if uscc_check_char(text[:17]) != text[17]:
        raise ValidationError(field, "统一社会信用代码校验位不正确，请核对后重新输入")
    return text


# ---------------------------------------------------------------------------
# 姓名
# ---------------------------------------------------------------------------

MIDDLE_DOT = "\u00b7"
# Dots people type for the separator in minority and transliterated foreign names.
_DOT_VARIANTS = "\u2022\uff0e\u30fb\uff65\u2027\u2219\u22c5\u0387\u16eb\u2e31\u00b7"
_APOSTROPHES = "\u2019\u2018\u02bc\uff07"
_HYPHENS = "\u2010\u2011\u2012\u2013\uff0d"


_LETTERS = {"Lu", "Ll", "Lt", "Lm", "Lo", "Co"}


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    # Planes 2-3 hold CJK extensions B-I; Python's Unicode tables may predate the newest ones.
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3FFFF
        or ch == "\u3007"  # 〇
    )


def validate_person_name(value: object, max_chars: int = 50, *, field: str = "name") -> str:
    """Validate and normalize a person's name (姓名).

    - Chinese names, including rare characters outside the BMP (𠮷 U+20BB7 counts as one).
    - Minority/foreign names with a middle dot: ``•``, ``．``, ``・`` etc. become U+00B7, and an
      ASCII ``.`` between two Chinese characters too; spaces around the dot are dropped.
    - Latin names with spaces, hyphens, apostrophes and periods (``John F. O'Neil``).
    - Whitespace is stripped and collapsed; spaces between two Chinese characters are removed
      (Chinese names never contain them). Control and format characters are rejected.
    - Length is counted in characters after NFC normalization.
    """
    label = "姓名"
    raw = _require_str(value, field, label)
    text = unicodedata.normalize("NFC", raw.strip())
    if not text:
        raise ValidationError(field, f"请输入{label}")
    # Check length before any per-character work so a huge paste fails fast and clearly.
    if len(text) > max_chars * 4:
        raise ValidationError(field, _too_long_message(label, max_chars, len(text)))

    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in _DOT_VARIANTS:
            out.append(MIDDLE_DOT)
        elif ch in _APOSTROPHES:
            out.append("'")
        elif ch in _HYPHENS:
            out.append("-")
        elif cat == "Zs" or ch in "\t\n\r":  # pasted line breaks count as spaces
            out.append(" ")
        elif cat in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            raise ValidationError(field, "姓名中含有不可见的控制字符，请重新输入")
        else:
            ch = _fold_width(ch)
            out.append(ch)
    text = re.sub(r" {2,}", " ", "".join(out))
    text = re.sub(r" ?\u00b7 ?", MIDDLE_DOT, text)
    # "阿卜杜拉.买买提" -> "阿卜杜拉·买买提"; Latin "John F. Kennedy" keeps its period.
    chars = list(text)
    for i in range(1, len(chars) - 1):
        if chars[i] == "." and _is_han(chars[i - 1]) and _is_han(chars[i + 1]):
            chars[i] = MIDDLE_DOT
        elif chars[i] == " " and _is_han(chars[i - 1]) and _is_han(chars[i + 1]):
            chars[i] = ""
    text = "".join(chars)

    for ch in text:
        cat = unicodedata.category(ch)
        # Co: legacy 生僻字 systems put characters in the private use area; keep them.
        if cat[0] in "LM" or cat == "Co" or _is_han(ch) or ch in " ·'-.":
            continue
        raise ValidationError(field, f"姓名中不能包含字符「{ch}」，请核对后重新输入")
    if not any(unicodedata.category(ch) in _LETTERS or _is_han(ch) for ch in text):
        raise ValidationError(field, "姓名格式不正确，请核对后重新输入")
    if text[0] in "·-'" or text[-1] in "·-'":
        raise ValidationError(field, "姓名不能以间隔号或连字符开头或结尾，请核对后重新输入")
    if "··" in text:
        raise ValidationError(field, "姓名中的间隔号不能连续出现，请核对后重新输入")
    if len(text) > max_chars:
        raise ValidationError(field, _too_long_message(label, max_chars, len(text)))
    return text


# ---------------------------------------------------------------------------
# Generic text
# ---------------------------------------------------------------------------


def limit_text(
    value: object,
    max_chars: int,
    field_label: str,
    *,
    required: bool = False,
    allow_newlines: bool = False,
    field: str | None = None,
) -> str:
    """Strip ``value`` and check it is at most ``max_chars`` characters (code points).

    ``None`` counts as empty. Control characters are rejected except line breaks (and tabs)
    when ``allow_newlines`` is set; ``\\r\\n`` is normalized to ``\\n``.
    """
    field = field or field_label
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, f"{field_label}格式不正确")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError(field, f"请输入{field_label}")
    if len(text) > max_chars:
        raise ValidationError(field, _too_long_message(field_label, max_chars, len(text)))
    allowed = "\n\t" if allow_newlines else ""
    for ch in text:
        if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            raise ValidationError(field, f"{field_label}中含有不可见的控制字符，请重新输入")
    return text
