"""Structure, counts and cross-references of the demo county hall data (resources/demo/*.json).

Pure data checks: only json/pathlib (pypinyin is used by one test when it is installed).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"

CATEGORIES = {"行政许可", "行政确认", "行政给付", "行政征收", "行政裁决", "行政处罚", "行政强制", "行政检查",
              "行政奖励", "公共服务", "其他行政权力"}
FLAGS = {"at_most_once", "high_frequency", "notify_commit", "undifferentiated"}
ROLES = {"clerk", "chief_rep", "approver", "manager", "supervisor", "agent", "admin"}
SITE_LEVELS = ["city", "county", "township", "village"]
WINDOW_KINDS = {"comprehensive", "department", "pickup"}
BUNDLE_KINDS = {"life_event", "business_event"}
# one canonical name per identity document, used by every item (so 一件事 bundles can de-duplicate)
ID_DOCUMENTS = {"申请人身份证", "法定代表人身份证", "经办人身份证", "父母双方身份证", "男女双方身份证", "监护人身份证"}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _load(name: str) -> dict:
    raw = (DEMO / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{name} must be UTF-8 without BOM"
    return json.loads(raw.decode("utf-8"))


@pytest.fixture(scope="module")
def catalog() -> dict:
    return _load("catalog.json")


@pytest.fixture(scope="module")
def hall() -> dict:
    return _load("hall.json")


@pytest.fixture(scope="module")
def items(catalog) -> dict[str, dict]:
    return {i["code"]: i for i in catalog["items"]}


@pytest.fixture(scope="module")
def in_force(catalog) -> list[dict]:
    return [i for i in catalog["items"] if i.get("status", "in_force") == "in_force"]


@pytest.fixture(scope="module")
def by_name(in_force) -> dict[str, dict]:
    return {i["name"]: i for i in in_force}


@pytest.fixture(scope="module")
def queues(hall) -> dict[str, dict]:
    return {q["prefix"]: q for q in hall["queues"]}


@pytest.fixture(scope="module")
def windows(hall) -> dict[int, dict]:
    return {w["number"]: w for w in hall["windows"]}


def _unique(values) -> None:
    dup = [v for v, n in Counter(values).items() if n > 1]
    assert not dup, f"duplicates: {dup}"


# ---------------------------------------------------------------------------------------------- files


def test_files_are_pretty_printed_utf8_without_escapes():
    for name in ("catalog.json", "hall.json"):
        text = (DEMO / name).read_text(encoding="utf-8")
        assert "\\u" not in text, f"{name}: write with ensure_ascii=False"
        assert "\n  " in text, f"{name}: pretty-print with an indent"


def test_headers(catalog, hall):
    assert catalog["format"] == "govhall-catalog" and catalog["version"] == 1
    assert hall["format"] == "govhall-hall" and hall["version"] == 1


# ---------------------------------------------------------------------------------------------- catalog


def test_departments(catalog, in_force):
    depts = catalog["departments"]
    assert len(depts) >= 15
    _unique(d["code"] for d in depts)
    _unique(d["name"] for d in depts)
    for d in depts:
        assert d["code"] and d["name"] and d["short_name"]
    with_items = {i["department"] for i in in_force}
    assert len(with_items) >= 15
    shorts = {d["short_name"] for d in depts}
    for needed in ("市场监管", "公安", "人社", "医保", "民政", "卫健", "不动产登记", "税务", "住建", "自然资源",
                   "交通运输", "农业农村", "教育", "生态环境", "公积金", "残联", "退役军人", "应急管理", "水利"):
        assert needed in shorts, needed


def test_item_counts(catalog, in_force):
    assert len(catalog["items"]) >= 130
    assert len(in_force) >= 130
    cancelled = [i for i in catalog["items"] if i.get("status") == "cancelled"]
    assert len(cancelled) >= 3
    immediate = sum(i["handling_type"] == "immediate" for i in in_force)
    assert 0.40 <= immediate / len(in_force) <= 0.50


def test_item_fields(catalog, hall, queues):
    dept_codes = {d["code"] for d in catalog["departments"]}
    _unique(i["code"] for i in catalog["items"])
    _unique(i["name"] for i in catalog["items"] if i.get("status", "in_force") == "in_force")
    for it in catalog["items"]:
        code = it["code"]
        assert it["department"] in dept_codes, code
        assert code.startswith(it["department"] + "-"), code
        assert it["name"].strip(), code
        assert it["category"] in CATEGORIES, code
        assert it.get("status", "in_force") in ("in_force", "cancelled"), code
        assert it["handling_type"] in ("immediate", "promised"), code
        for key in ("conditions", "procedure", "legal_basis", "fee"):
            assert isinstance(it[key], str) and it[key].strip(), (code, key)
        assert "→" in it["procedure"], code
        assert "《" in it["legal_basis"], code
        assert isinstance(it["fee_basis"], str)
        assert (it["fee"] == "不收费") == (it["fee_basis"] == ""), f"{code}: fee_basis is empty exactly when free"
        assert it["queue"] in queues, code
        assert it["zone"] == queues[it["queue"]]["zone"], code
        assert not queues[it["queue"]]["appointment_only"], code
        assert isinstance(it["online"], bool) and isinstance(it["major_project"], bool), code
        assert set(it["flags"]) <= FLAGS and len(set(it["flags"])) == len(it["flags"]), code
        assert isinstance(it["synonyms"], list) and all(isinstance(s, str) and s for s in it["synonyms"]), code
        _unique(it["synonyms"])


def test_time_limits(catalog):
    for it in catalog["items"]:
        code, stat, prom = it["code"], it["statutory_days"], it["promised_days"]
        assert isinstance(stat, int) and isinstance(prom, int) and stat >= 0 and prom >= 0, code
        assert prom <= stat, f"{code}: promised {prom} > statutory {stat}"
        if it["handling_type"] == "immediate":
            assert prom == 0, code
        else:
            assert prom >= 1 and stat >= 1, code


def test_realistic_anchors(by_name):
    def days(name):
        return by_name[name]["statutory_days"], by_name[name]["promised_days"]

    assert days("企业设立登记") == (3, 1)  # 《市场主体登记管理条例》第十九条: 3 个工作日
    assert days("国有建设用地使用权及房屋所有权转移登记（存量房买卖）") == (30, 5)
    assert days("食品经营许可证核发") == (20, 10)
    assert by_name["建筑工程施工许可证核发"]["statutory_days"] == 15
    assert by_name["建筑工程施工许可证核发"]["major_project"] is True
    assert "20元" in by_name["居民身份证补领"]["fee"]
    for name in ("社会保障卡挂失", "城乡居民基本医疗保险参保登记", "个体工商户变更登记"):
        assert by_name[name]["handling_type"] == "immediate", name
    free = sum(i["fee"] == "不收费" for i in by_name.values())
    assert free / len(by_name) > 0.8, "most items are free"


def test_materials(catalog):
    missing_ok = 0
    for it in catalog["items"]:
        mats = it["materials"]
        assert 2 <= len(mats) <= 8, it["code"]
        _unique(m["name"] for m in mats)
        assert any(m["required"] for m in mats), it["code"]
        for m in mats:
            assert m["name"].strip(), it["code"]
            assert isinstance(m["originals"], int) and isinstance(m["copies"], int), it["code"]
            assert m["originals"] >= 0 and m["copies"] >= 0 and m["originals"] + m["copies"] >= 1, it["code"]
            assert isinstance(m["required"], bool) and isinstance(m["may_be_missing"], bool), it["code"]
            assert isinstance(m["notes"], str)
            if m["may_be_missing"]:  # 容缺 only makes sense for a required material
                assert m["required"], (it["code"], m["name"])
                missing_ok += 1
            if m["name"].endswith("身份证"):
                assert m["name"] in ID_DOCUMENTS, (it["code"], m["name"])
            assert "户口本" not in m["name"], "use the canonical 户口簿"
    assert missing_ok >= 5


def test_shared_documents_use_one_name(catalog):
    names = Counter(m["name"] for it in catalog["items"] for m in it["materials"])
    for doc in ("申请人身份证", "营业执照", "户口簿", "授权委托书", "不动产权证书", "结婚证"):
        assert names[doc] >= 5, doc


def test_cancelled_items_are_not_offered(catalog):
    for it in catalog["items"]:
        if it.get("status") == "cancelled":
            assert it["flags"] == [] and it["online"] is False, it["code"]
            assert "已取消" in it["conditions"], it["code"]


def test_major_projects(in_force):
    major = [i for i in in_force if i["major_project"]]
    assert len(major) >= 5
    for it in major:
        assert it["category"] == "行政许可" and it["handling_type"] == "promised", it["code"]


def test_everyday_words(in_force, by_name, catalog):
    with_licence = [i for i in in_force if "营业执照" in i["name"]]
    assert len(with_licence) >= 2
    for name in ("个体工商户设立登记", "企业设立登记", "食品经营许可证核发"):
        assert "开店" in by_name[name]["synonyms"], name
    assert "生孩子" in by_name["出生医学证明首次签发"]["synonyms"]
    bundles = {b["code"]: b for b in catalog["bundles"]}
    assert "生孩子" in bundles["B-BIRTH"]["synonyms"]
    for word in ("上户口", "办身份证", "买房过户", "退休", "社保卡丢了", "开饭馆", "开公司"):
        assert any(word in i["synonyms"] for i in in_force), word


def test_pinyin_initials_of_licence_items(in_force):
    pypinyin = pytest.importorskip("pypinyin")
    hits = [i for i in in_force
            if "yyzz" in "".join(pypinyin.lazy_pinyin(i["name"], style=pypinyin.Style.FIRST_LETTER))]
    assert len(hits) >= 2 and all("营业执照" in i["name"] for i in hits)


def test_bundles(catalog, items):
    bundles = catalog["bundles"]
    assert len(bundles) >= 6
    _unique(b["code"] for b in bundles)
    _unique(b["name"] for b in bundles)
    dept_codes = {d["code"] for d in catalog["departments"]}
    names = {b["name"] for b in bundles}
    for needed in ("出生一件事", "企业开办一件事", "婚姻登记一件事", "身后一件事", "退休一件事"):
        assert needed in names, needed
    for b in bundles:
        assert b["kind"] in BUNDLE_KINDS, b["code"]
        assert b["description"].strip() and b["synonyms"], b["code"]
        assert b.get("lead_department", "SCJGJ") in dept_codes, b["code"]
        assert len(b["items"]) >= 2, b["code"]
        _unique(b["items"])
        for code in b["items"]:
            assert code in items, (b["code"], code)
            assert items[code].get("status", "in_force") == "in_force", (b["code"], code)
        # several departments, and at least one document shared between items (de-duplication)
        assert len({items[c]["department"] for c in b["items"]}) >= 2, b["code"]
        seen = Counter(m["name"] for c in b["items"] for m in {x["name"]: x for x in items[c]["materials"]}.values())
        assert any(n >= 2 for n in seen.values()), f"{b['code']}: no shared material to de-duplicate"
    startup = next(b for b in bundles if b["name"] == "企业开办一件事")
    assert len({items[c]["department"] for c in startup["items"]}) >= 6
    assert startup["kind"] == "business_event"


# ---------------------------------------------------------------------------------------------- hall


def test_settings(hall):
    s = hall["settings"]
    assert s["hall_name"] == "示例县政务服务中心"
    assert s["timezone"] == "Asia/Shanghai"
    assert s["ticket_footer"] and s["hotline"] == "12345"


def test_sites(hall):
    sites = {s["code"]: s for s in hall["sites"]}
    _unique(s["code"] for s in hall["sites"])
    assert hall["hall_site"] in sites and sites[hall["hall_site"]]["level"] == "county"
    levels = Counter(s["level"] for s in hall["sites"])
    assert levels["city"] == 1 and levels["county"] >= 1 and levels["township"] >= 3 and levels["village"] >= 4
    for s in hall["sites"]:
        assert s["level"] in SITE_LEVELS and s["name"], s["code"]
        if s["level"] == "city":
            assert s["parent"] is None
        else:
            parent = sites[s["parent"]]
            assert SITE_LEVELS.index(parent["level"]) == SITE_LEVELS.index(s["level"]) - 1, s["code"]
    assert sum(s["parent"] == "COUNTY" and s["level"] == "township" for s in hall["sites"]) >= 3


def test_queues(hall):
    qs = hall["queues"]
    assert len(qs) >= 7
    _unique(q["prefix"] for q in qs)
    for q in qs:
        assert re.fullmatch(r"[A-Z]", q["prefix"]), q["prefix"]
        lo, hi = q["range"]
        assert 1 <= lo < hi <= 9999, q["prefix"]
        assert q["daily_cap"] > 0 and q["target_wait_minutes"] > 0, q["prefix"]
        assert HHMM.match(q["opens"]) and HHMM.match(q["closes"]) and q["opens"] < q["closes"], q["prefix"]
        assert isinstance(q["appointment_only"], bool) and q["zone"] and q["name"], q["prefix"]
    assert any(q["appointment_only"] for q in qs)
    names = {q["name"] for q in qs}
    for needed in ("企业开办", "不动产登记", "社保医保", "户政出入境", "综合受理", "预约专窗"):
        assert needed in names, needed


def test_windows(hall, queues, catalog):
    ws = hall["windows"]
    assert len(ws) >= 18
    _unique(w["number"] for w in ws)
    assert len({w["zone"] for w in ws}) >= 4
    dept_codes = {d["code"] for d in catalog["departments"]}
    for w in ws:
        assert w["kind"] in WINDOW_KINDS and w["name"], w["number"]
        assert w["queues"], w["number"]
        for prefix, weight in w["queues"].items():
            assert prefix in queues, (w["number"], prefix)
            assert isinstance(weight, int) and weight >= 1, w["number"]
        if w["kind"] == "department":
            assert w["department"] in dept_codes, w["number"]
        else:
            assert w["department"] is None, w["number"]
    comprehensive = [w for w in ws if w["kind"] == "comprehensive"]
    assert len(comprehensive) >= 3 and all(len(w["queues"]) >= 2 for w in comprehensive)
    assert sum(w["kind"] == "pickup" for w in ws) >= 1
    served = {p for w in ws for p in w["queues"]}
    assert served == set(queues), "every queue is served by some window"


def test_items_reach_a_window(in_force, hall, windows):
    serving = {}
    for w in hall["windows"]:
        for p in w["queues"]:
            serving.setdefault(p, []).append(w)
    for it in in_force:
        ws = serving[it["queue"]]
        assert ws, it["code"]
        if "undifferentiated" in it["flags"]:
            assert any(w["kind"] == "comprehensive" for w in ws), f"{it['code']}: 无差别受理 needs a comprehensive window"
    # a department window serves queues that hold its department's items
    for w in hall["windows"]:
        if w["kind"] == "department":
            depts = {i["department"] for i in in_force if i["queue"] in w["queues"]}
            assert w["department"] in depts, w["number"]


def test_staff(hall, catalog, windows):
    staff = hall["staff"]
    assert len(staff) >= 28
    _unique(s["staff_no"] for s in staff)
    sites = {s["code"] for s in hall["sites"]}
    dept_codes = {d["code"] for d in catalog["departments"]}
    for s in staff:
        assert s["name"] and s["roles"] and set(s["roles"]) <= ROLES, s["staff_no"]
        assert s["department"] in dept_codes, s["staff_no"]
        assert s["post"] in ("A", "B"), s["staff_no"]
        assert s.get("site", hall["hall_site"]) in sites, s["staff_no"]
        if s["window"] is not None:
            assert s["window"] in windows and "clerk" in s["roles"], s["staff_no"]
            w = windows[s["window"]]
            if w["kind"] == "department":
                assert s["department"] == w["department"], s["staff_no"]
        if s["post"] == "B":
            assert s["window"] is not None, s["staff_no"]
    admin = next(s for s in staff if s["staff_no"] == "admin")
    assert "admin" in admin["roles"]
    for w in windows:
        assert any(s["window"] == w and s["post"] == "A" for s in staff), f"window {w} has no A岗"
    assert sum(s["post"] == "B" for s in staff) >= 5
    chiefs = [s["department"] for s in staff if "chief_rep" in s["roles"]]
    assert len(chiefs) >= 5
    _unique(chiefs)
    roles = Counter(r for s in staff for r in s["roles"])
    for role in ("clerk", "chief_rep", "approver", "manager", "supervisor", "admin"):
        assert roles[role] >= 1, role
    names = [s["name"] for s in staff]
    assert any("·" in n for n in names), "a minority name with ·"
    assert any(any(ord(ch) > 0xFFFF or ch == "堃" for ch in n) for n in names), "a rare character"
