"""Tests for common.validation: ID numbers, mobiles, USCC, names, generic text."""

from __future__ import annotations

from datetime import date

import pytest

from common.validation import (
    MIDDLE_DOT,
    ResidentId,
    ValidationError,
    id_check_char,
    limit_text,
    mask_id_number,
    mask_mobile,
    uscc_check_char,
    validate_id_number,
    validate_mobile,
    validate_person_name,
    validate_uscc,
)

TODAY = date(2026, 5, 20)


# -- independent reference implementations (different algorithms from the module) -------


def ref_id_check(first17: str) -> str:
    """ISO 7064 MOD 11-2, computed recursively (not with the weight table)."""
    p = 0
    for ch in first17:
        p = ((p + int(ch)) * 2) % 11
    r = (12 - p) % 11
    return "X" if r == 10 else str(r)


def make_id(region: str, birth: str, seq: str) -> str:
    body = region + birth + seq
    assert len(body) == 17
    return body + ref_id_check(body)


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def ref_uscc_check(first17: str) -> str:
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]  # GB 32100 table
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, weights))
    return USCC_ALPHABET[(31 - total % 31) % 31]


# -- 身份证号码 ----------------------------------------------------------------------------


def test_reference_matches_published_example():
    assert ref_id_check("11010519491231002") == "X"
    assert id_check_char("11010519491231002") == "X"


def test_published_example_with_lowercase_x():
    rid = validate_id_number("11010519491231002x", today=TODAY)
    assert rid == ResidentId("11010519491231002X", date(1949, 12, 31), "女", "110105")
    assert rid.masked == "110***********002X"


@pytest.mark.parametrize(
    "region,birth,seq",
    [
        ("110101", "19900307", "123"),
        ("440305", "20000229", "451"),  # leap day
        ("650102", "19000101", "008"),  # earliest allowed year
        ("820000", "20260520", "019"),  # born today
        ("320106", "19851231", "770"),
    ],
)
def test_generated_ids_validate(region, birth, seq):
    number = make_id(region, birth, seq)
    rid = validate_id_number(number, today=TODAY)
    assert rid.number == number
    assert rid.birth_date == date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    assert rid.sex == ("男" if int(seq[2]) % 2 else "女")
    assert rid.region_code == region


def test_all_check_chars_agree_with_reference():
    # Every residue class 0..10 appears across these sequence numbers.
    seen = set()
    for n in range(200):
        body = f"11010119800101{n:03d}"
        assert id_check_char(body) == ref_id_check(body)
        seen.add(ref_id_check(body))
    assert len(seen) == 11


def test_separators_and_fullwidth_are_normalized():
    number = make_id("110101", "19900307", "123")
    spaced = f" {number[:6]} {number[6:14]}-{number[14:]} "
    assert validate_id_number(spaced, today=TODAY).number == number
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert validate_id_number(fullwidth, today=TODAY).number == number


def test_wrong_check_digit():
    number = make_id("110101", "19900307", "123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_id_number(wrong, today=TODAY)
    assert exc.value.field == "id_number"
    assert str(exc.value) == "身份证号码校验位不正确，请核对后重新输入"


def test_single_digit_typo_is_caught():
    number = make_id("110101", "19900307", "123")
    typo = number[:10] + str((int(number[10]) + 1) % 10) + number[11:]
    with pytest.raises(ValidationError):
        validate_id_number(typo, today=TODAY)


@pytest.mark.parametrize(
    "number,fragment",
    [
        ("", "请输入身份证号码"),
        ("1234", "应为18位，当前为4位"),
        ("110101900307123", "旧版15位"),
        ("11010519491231002Y", "最后一位为数字或字母X"),
        ("1101051949123100X2", "前17位应为数字"),
    ],
)
def test_shape_errors(number, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate_id_number(number, today=TODAY)


@pytest.mark.parametrize("region", ["010101", "910101"])
def test_implausible_region(region):
    with pytest.raises(ValidationError, match="地区代码"):
        validate_id_number(make_id(region, "19900307", "123"), today=TODAY)


@pytest.mark.parametrize(
    "birth,fragment",
    [
        ("19900230", "不存在"),  # 30 February
        ("19011301", "不存在"),  # month 13
        ("18991231", "不合理"),  # before 1900
        ("20260521", "不合理"),  # tomorrow
        ("20990101", "不合理"),
    ],
)
def test_bad_birth_dates(birth, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate_id_number(make_id("110101", birth, "123"), today=TODAY)


def test_non_string_input():
    with pytest.raises(ValidationError, match="请输入"):
        validate_id_number(None)
    with pytest.raises(ValidationError):
        validate_id_number(110101199003071234)


def test_age_on():
    rid = validate_id_number(make_id("110101", "19600520", "123"), today=TODAY)
    assert rid.age_on(date(2026, 5, 19)) == 65
    assert rid.age_on(date(2026, 5, 20)) == 66


def test_mask_id_number():
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert len(mask_id_number("110101199003071234")) == 18
    assert mask_id_number("123") == "***"
    assert mask_id_number("") == ""


# -- 手机号码 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138 1234 5678",
        "+8613812345678",
        "8613812345678",
        "0086-138-1234-5678",
        "138-1234-5678",
        " 138 1234 5678 ",
        "１３８１２３４５６７８",
        "(+86) 138 1234 5678",
    ],
)
def test_mobile_normalized(raw):
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_mobile_prefixes(prefix):
    assert validate_mobile(prefix + "012345678") == prefix + "012345678"


@pytest.mark.parametrize(
    "raw,fragment",
    [
        ("", "请输入手机号码"),
        ("12812345678", "格式不正确"),
        ("10012345678", "格式不正确"),
        ("1381234567", "当前为10位"),
        ("138123456789", "当前为12位"),
        ("138abc45678", "只能包含数字"),
        ("010-12345678", "格式不正确"),
    ],
)
def test_mobile_errors(raw, fragment):
    with pytest.raises(ValidationError, match=fragment) as exc:
        validate_mobile(raw)
    assert exc.value.field == "mobile"


def test_mask_mobile():
    assert mask_mobile("13812345678") == "138****5678"


# -- 统一社会信用代码 ----------------------------------------------------------------------

# Published codes of well-known companies (national enterprise credit information system).
KNOWN_USCC = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
]


@pytest.mark.parametrize("code", KNOWN_USCC)
def test_known_uscc(code):
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code
    assert ref_uscc_check(code[:17]) == code[17]


def test_uscc_generated_and_reference_agree():
    for body in ["91110108MA01ABCD1", "12100000400012345", "52440300MJL000001", "93320583MA1PQRTUW"]:
        assert uscc_check_char(body) == ref_uscc_check(body)
        assert validate_uscc(body + ref_uscc_check(body)) == body + ref_uscc_check(body)


def test_uscc_check_zero_case():
    # Find a body whose check value is 31 -> "0" to cover the wrap-around.
    for n in range(10_000):
        body = f"911101080{n:08d}"
        if ref_uscc_check(body) == "0":
            assert validate_uscc(body + "0") == body + "0"
            break
    else:  # pragma: no cover
        pytest.fail("no body with check 0 found")


def test_uscc_separators():
    assert validate_uscc(" 9144 0300 1922 0382 16 ") == KNOWN_USCC[0]


@pytest.mark.parametrize(
    "code,fragment",
    [
        ("", "请输入"),
        ("91440300192203821", "应为18位"),
        ("914403001922038217", "校验位不正确"),
        ("9144030019220382IO", "不允许的字符「I」"),
        ("91440300S922038216", "不允许的字符「S」"),
        ("91A40300192203821X", "行政区划代码"),
    ],
)
def test_uscc_errors(code, fragment):
    with pytest.raises(ValidationError, match=fragment) as exc:
        validate_uscc(code)
    assert exc.value.field == "uscc"


# -- 姓名 ----------------------------------------------------------------------------------


def test_plain_chinese_name():
    assert validate_person_name("  张三  ") == "张三"


def test_rare_character_outside_bmp_counts_as_one():
    name = "\U00020bb7野家"  # 𠮷野家
    assert validate_person_name(name) == name
    assert len(validate_person_name(name)) == 3
    assert validate_person_name("\U00020bb7" * 5, max_chars=5) == "\U00020bb7" * 5
    with pytest.raises(ValidationError, match="不能超过 5 个字符"):
        validate_person_name("\U00020bb7" * 6, max_chars=5)


def test_newer_cjk_extension_accepted():
    # U+31350 (Extension H) may be unassigned in this Python's Unicode tables.
    assert validate_person_name("王\U00031350") == "王\U00031350"


@pytest.mark.parametrize("dot", ["·", "•", "．", "・", "･", "‧"])
def test_middle_dot_variants_normalized(dot):
    assert validate_person_name(f"阿卜杜拉{dot}买买提") == f"阿卜杜拉{MIDDLE_DOT}买买提"


def test_spaces_around_dot_and_ascii_dot_between_han():
    assert validate_person_name("爱新觉罗 · 溥仪") == "爱新觉罗·溥仪"
    assert validate_person_name("阿依古丽.买买提") == "阿依古丽·买买提"


def test_whitespace_collapsed_and_han_spaces_removed():
    assert validate_person_name("张　三") == "张三"  # ideographic space
    assert validate_person_name("John   F.\tKennedy") == "John F. Kennedy"
    assert validate_person_name("Mary-Jane O’Neil") == "Mary-Jane O'Neil"
    assert validate_person_name("José Álvarez") == "José Álvarez"


def test_decomposed_accent_counts_as_one_char():
    decomposed = "Jose\u0301"
    assert validate_person_name(decomposed) == "José"
    assert len(validate_person_name(decomposed)) == 4


def test_ten_thousand_characters_rejected_clearly():
    with pytest.raises(ValidationError) as exc:
        validate_person_name("张" * 10_000)
    assert "姓名不能超过 50 个字符" in str(exc.value)
    assert "10000" in str(exc.value)
    assert exc.value.field == "name"


def test_length_limit_configurable():
    assert validate_person_name("张" * 50) == "张" * 50
    with pytest.raises(ValidationError, match="不能超过 50"):
        validate_person_name("张" * 51)
    assert validate_person_name("张" * 80, max_chars=100) == "张" * 80


@pytest.mark.parametrize("bad", ["张\x00三", "张\x1b[31m三", "张\u200b三", "张\u202e三", "张\u2028三"])
def test_control_characters_rejected(bad):
    with pytest.raises(ValidationError, match="控制字符"):
        validate_person_name(bad)


@pytest.mark.parametrize(
    "bad,fragment",
    [
        ("", "请输入姓名"),
        ("   ", "请输入姓名"),
        ("张三3", "不能包含字符「3」"),
        ("张三😀", "不能包含字符"),
        ("<script>", "不能包含字符「<」"),
        ("·阿卜杜拉", "开头或结尾"),
        ("阿卜杜拉··买买提", "不能连续"),
        ("...", "格式不正确"),
    ],
)
def test_name_errors(bad, fragment):
    with pytest.raises(ValidationError, match=fragment):
        validate_person_name(bad)


def test_name_none():
    with pytest.raises(ValidationError, match="请输入姓名"):
        validate_person_name(None)


# -- generic text -------------------------------------------------------------------------


def test_limit_text():
    assert limit_text("  你好  ", 10, "备注") == "你好"
    assert limit_text(None, 10, "备注") == ""
    with pytest.raises(ValidationError, match="请输入备注"):
        limit_text(" ", 10, "备注", required=True)
    with pytest.raises(ValidationError) as exc:
        limit_text("字" * 11, 10, "备注")
    assert str(exc.value) == "备注不能超过 10 个字符（当前为 11 个字符）"
    assert exc.value.field == "备注"


def test_limit_text_newlines_and_controls():
    assert limit_text("a\r\nb", 10, "备注", allow_newlines=True) == "a\nb"
    with pytest.raises(ValidationError, match="控制字符"):
        limit_text("a\nb", 10, "事由")
    with pytest.raises(ValidationError, match="控制字符"):
        limit_text("a\x07b", 10, "备注", allow_newlines=True)


def test_limit_text_counts_code_points():
    assert limit_text("\U00020bb7" * 3, 3, "名称") == "\U00020bb7" * 3


def test_validation_error_shape():
    err = ValidationError("mobile", "手机号码格式不正确")
    assert isinstance(err, ValueError)
    assert err.field == "mobile" and err.message == "手机号码格式不正确"
    assert str(err) == "手机号码格式不正确"
