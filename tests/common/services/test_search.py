"""Catalog search: Chinese words, pinyin, initials, everyday words, ranking, staleness, speed."""

from __future__ import annotations

import json

from common.paths import resource_path
from common.services import catalog as cat
from common.services.search import SearchEntry, SearchIndex, catalog_revision, name_keys, search
from tests.common.services.test_catalog import MANAGER, load_small


def _codes(hits):
    return [h.code for h in hits]


def test_search_on_both_back_ends(db):
    load_small(db)
    index = SearchIndex.load(db)
    assert len(index) == 9 + 2  # in-force items + bundles

    # pinyin initials: 营业执照 items, high-frequency first
    hits = index.search("yyzz")
    assert _codes(hits)[:2] == ["SCJGJ-009", "SCJGJ-008"]
    assert all("营业执照" in h.name for h in hits) and hits[0].matched == "拼音首字母"
    # initials as a substring of the name's initials: zz = 执照
    assert {"SCJGJ-008", "SCJGJ-009"} <= set(_codes(index.search("zz")))
    # full pinyin, with or without spaces
    for q in ("yingyezhizhao", "ying ye zhi zhao", "YingYe"):
        assert set(_codes(index.search(q))[:2]) == {"SCJGJ-008", "SCJGJ-009"}, q
    # everyday words
    shop = _codes(index.search("开店"))
    assert {"SCJGJ-005", "SCJGJ-001", "SCJGJ-010"} <= set(shop)
    birth = index.search("生孩子")
    assert {("item", "WJ-001"), ("bundle", "B-BIRTH")} <= {(h.kind, h.code) for h in birth}
    assert {"SCJGJ-005"} <= set(_codes(index.search("我想开个店")) + _codes(index.search("我想开店")))
    # synonyms, department short names, bundles by name
    assert _codes(index.search("开公司"))[0] == "SCJGJ-001"
    assert set(_codes(index.search("卫健"))) == {"WJ-001"}
    assert index.search("出生一件事")[0].kind == "bundle"
    assert index.search("csyjs")[0].code == "B-BIRTH"


def test_cancelled_items_are_never_found(db):
    load_small(db)
    index = SearchIndex.load(db)
    for q in ("暂住证核发", "暂住证", "zzz", "zanzhuzheng"):
        assert "GA-099" not in _codes(index.search(q)), q
    assert "SCJGJ-009" in _codes(index.search("营业执照换发"))
    cat.cancel_item(db, MANAGER, "SCJGJ-009")
    assert index.is_stale(db)
    index = SearchIndex.load(db)
    assert "SCJGJ-009" not in _codes(index.search("营业执照换发"))
    assert "SCJGJ-009" not in _codes(search(db, "yyzz"))


def test_revision_changes_with_the_catalog(db):
    load_small(db)
    r1 = catalog_revision(db)
    assert catalog_revision(db) == r1
    g = cat.get_item_guide(db, "GA-005")
    cat.publish_item(db, MANAGER, cat.ItemDraft(code="GA-005", name="出生登记（新生儿入户）", department="GA",
                                                handling=g.handling, statutory_days=20, promised_days=5))
    r2 = catalog_revision(db)
    assert r2 != r1
    assert search(db, "新生儿入户")[0].code == "GA-005"


def _entries(names):
    return [SearchEntry("item", f"X{n:03d}", name, "县某局", "某局", False, ()) for n, name in enumerate(names)]


def test_ranking_order():
    index = SearchIndex.from_entries([
        SearchEntry("item", "A", "营业执照", "县市场监督管理局", "市场监管"),
        SearchEntry("item", "B", "营业执照遗失补领", "县市场监督管理局", "市场监管"),
        SearchEntry("item", "C", "个体户营业执照换发", "县市场监督管理局", "市场监管"),
        SearchEntry("item", "D", "企业设立登记", "县市场监督管理局", "市场监管", synonyms=("办营业执照",)),
        SearchEntry("item", "E", "某某营业执照事项", "县市场监督管理局", "市场监管", high_frequency=True),
    ])
    hits = index.search("营业执照")
    assert _codes(hits) == ["A", "B", "E", "C", "D"]  # exact > prefix > substring (高频 first) > synonym
    assert [h.score for h in hits] == [100, 90, 80, 80, 70]
    # initials prefix beats initials substring, which beats full pinyin
    index = SearchIndex.from_entries(_entries(["营业执照", "换发营业执照", "英语"]))
    hits = index.search("yy")
    assert _codes(hits) == ["X002", "X000", "X001"]  # ties: shorter name first
    assert [h.score for h in hits] == [50, 50, 40]
    assert index.search("") == [] and index.search("   ") == []


def test_heteronyms_in_initials():
    assert name_keys("银行开户") == ("yinhangkaihu", "yhkh")
    assert name_keys("行政许可（ABC）") == ("xingzhengxukeabc", "xzxkabc")
    index = SearchIndex.from_entries(_entries(["银行开户", "行政许可"]))
    assert _codes(index.search("yhkh")) == ["X000"]
    assert _codes(index.search("yxkh")) == ["X000"]  # 行 read xing
    assert _codes(index.search("xzxk")) == ["X001"]
    assert _codes(index.search("hzxk")) == ["X001"]  # 行 read hang


def _demo_entries(target: int) -> list[SearchEntry]:
    data = json.loads(resource_path("demo", "catalog.json").read_text(encoding="utf-8"))
    dept = {d["code"]: d for d in data["departments"]}
    base = [i for i in data["items"] if i.get("status", "in_force") == "in_force"]
    prefixes = ["", "县级", "乡镇", "市级", "跨省", "企业", "个人", "临时", "延续", "变更", "注销", "补发", "简易",
                "网上", "专项", "重大", "特殊", "一般", "年度", "季度", "首次", "再次", "补充", "快速", "普通", "联合"]
    out: list[SearchEntry] = []
    for p in prefixes:
        for i in base:
            d = dept[i["department"]]
            out.append(SearchEntry("item", f"{p}{i['code']}", p + i["name"], d["name"], d["short_name"],
                                   "high_frequency" in i["flags"], tuple(i["synonyms"])))
            if len(out) >= target:
                return out
    return out


def test_search_stays_right_on_5000_items():
    """A large catalog must not push the right answers down (speed is measured in benchmarks/search_latency.py)."""
    entries = _demo_entries(5000)
    assert len(entries) == 5000
    keyed = [SearchEntry(e.kind, e.code, e.name, e.department, e.department_short, e.high_frequency, e.synonyms,
                         *name_keys(e.name)) for e in entries]
    index = SearchIndex.from_entries(keyed)
    for q in ["y", "yyzz", "营业执照", "开店", "生孩子", "sfz", "kaidian", "x"]:
        assert len(index.search(q, limit=20)) <= 20
    top = index.search("yyzz", limit=5)
    assert top and all("营业执照" in hit.name for hit in top)
