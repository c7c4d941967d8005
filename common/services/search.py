"""Catalog search for the kiosk and the counter: Chinese words, full pinyin, pinyin initials, everyday words.

The kiosk searches on every keystroke, so a query never touches the database. `SearchIndex.load(db)` reads the
catalog once (in-force items with their current version, active bundles) into flat strings; a query is a handful
of C-level `str.find` scans over those strings plus a few dictionary look-ups.

    index = SearchIndex.load(db)
    hits = index.search("yyzz")            # 营业执照 items
    ...
    if index.is_stale(db):                  # cheap: one small query, e.g. when the kiosk returns to its home screen
        index = SearchIndex.load(db)

What matches, best first (`SearchHit.score`):
  100 exact name · 90 name prefix · 80 name substring · 75 exact synonym · 70 synonym substring ·
  68 everyday word (开店, 生孩子… see `EVERYDAY_WORDS`) · 66 a synonym inside a longer query (“我想开店”) ·
  64 a whole item name inside a longer query · 60 department name · 50 pinyin-initials prefix ·
  40 pinyin-initials substring · 32 full-pinyin prefix · 25 full-pinyin substring.
Ties: high-frequency (高频) items first, then shorter names, then code. Cancelled items are never in the index.

Pinyin keys are computed once when an item is published (`name_keys`, stored on the version row); when the index is
built, characters with several readings add alternative initials (行 in 银行 / 行政: both ``yh`` and ``yx``).
"""

from __future__ import annotations

import heapq
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from sqlalchemy import func, select

from common.db.engine import Database
from common.db.models import Bundle, Department, ServiceItem, ServiceItemVersion, Setting
from common.domain import BundleKind, ItemFlag, ItemStatus

# ----------------------------------------------------------------------------------------------- scores

EXACT = 100
NAME_PREFIX = 90
NAME_SUBSTRING = 80
SYNONYM_EXACT = 75
SYNONYM = 70
EVERYDAY = 68
SYNONYM_IN_QUERY = 66
NAME_IN_QUERY = 64
DEPARTMENT = 60
INITIALS_PREFIX = 50
INITIALS = 40
PINYIN_PREFIX = 32
PINYIN = 25

# Everyday words → words of official item names. Admins add their own per item (the “synonyms” column); this
# table covers what people say at the kiosk whatever the local catalog calls it (“口语化”智能检索, 000).
EVERYDAY_WORDS: dict[str, tuple[str, ...]] = {
    "开店": ("个体工商户设立", "企业设立", "食品经营许可"),
    "开公司": ("企业设立", "企业开办", "公司设立"),
    "办执照": ("营业执照", "设立登记"),
    "生孩子": ("出生医学证明", "出生一件事", "出生登记", "生育"),
    "生小孩": ("出生医学证明", "出生一件事", "出生登记", "生育"),
    "上户口": ("出生登记", "户口登记", "户籍"),
    "落户": ("户口迁入", "落户", "户籍"),
    "结婚": ("结婚登记", "婚姻登记"),
    "离婚": ("离婚登记",),
    "买房": ("不动产", "契税", "房屋"),
    "卖房": ("不动产", "转移登记"),
    "过户": ("转移登记", "过户"),
    "房产证": ("不动产权证", "不动产登记"),
    "退休": ("退休", "养老金"),
    "养老": ("养老保险", "养老金"),
    "社保": ("社会保险", "社保"),
    "医保": ("医疗保险", "医保"),
    "看病报销": ("医疗费用", "报销"),
    "公积金": ("住房公积金",),
    "身份证": ("居民身份证",),
    "驾照": ("驾驶证",),
    "车牌": ("机动车登记", "号牌"),
    "去世": ("死亡", "身后", "丧葬"),
    "死亡": ("死亡", "身后", "丧葬"),
    "丧葬费": ("丧葬补助", "丧葬费"),
    "失业": ("失业保险", "失业登记"),
    "找工作": ("就业", "失业登记"),
    "残疾": ("残疾人",),
    "低保": ("最低生活保障",),
    "盖房": ("建设工程规划", "施工许可", "宅基地"),
    "饭店": ("食品经营许可", "餐饮"),
    "餐馆": ("食品经营许可", "餐饮"),
    "药店": ("药品经营许可",),
    "诊所": ("医疗机构执业",),
    "注销公司": ("企业注销", "注销登记"),
    "关店": ("注销登记",),
}

_SEP = "\x00"


# ----------------------------------------------------------------------------------------------- keys


def normalize_query(text: str) -> str:
    """Full-width → half-width, lower case, no spaces or apostrophes (``ying ye`` = ``ying'ye`` = ``yingye``)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "'’`")


@lru_cache(maxsize=20000)
def _char_readings(ch: str) -> tuple[str, ...]:
    """Initial letters of every reading of one Han character; () for anything else."""
    from pypinyin import Style, pinyin

    letters = pinyin(ch, style=Style.FIRST_LETTER, heteronym=True, errors="ignore")
    out: list[str] = []
    for reading in letters[0] if letters else []:
        letter = reading[:1].lower()
        if letter.isascii() and letter.isalpha() and letter not in out:
            out.append(letter)
    return tuple(out)


def _keyed_chars(name: str) -> list[str]:
    """The characters of a name that get a pinyin key: Han characters with a reading, ASCII letters and digits."""
    return [ch for ch in name if (ch.isascii() and ch.isalnum()) or _char_readings(ch)]


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, phrase-aware: 营业执照 → ("yingyezhizhao", "yyzz").

    One initial per keyed character (Han with a reading, ASCII letter or digit); punctuation is left out.
    """
    from pypinyin import lazy_pinyin

    text = unicodedata.normalize("NFKC", name or "")
    syllables = lazy_pinyin(text, errors=lambda chunk: list(chunk))
    full: list[str] = []
    initials: list[str] = []
    if len(syllables) != len(text):  # never seen; fall back to one character at a time
        syllables = [lazy_pinyin(ch, errors=lambda chunk: list(chunk))[0] for ch in text]
    for ch, syl in zip(text, syllables):
        if ch.isascii():
            if ch.isalnum():
                full.append(ch.lower())
                initials.append(ch.lower())
        elif syl != ch and syl.isascii() and syl.isalpha() and _char_readings(ch):
            full.append(syl.lower())
            initials.append(syl[0].lower())
    return "".join(full), "".join(initials)


# Common polyphonic characters whose readings start with different letters (行 xing/hang, 长 chang/zhang…).
# pypinyin's own heteronym lists include rare readings (许 hu, 市 fu) that would only add noise to the kiosk's
# initials search, so alternatives are taken from this short list.
POLYPHONIC_INITIALS: dict[str, str] = {
    "行": "xh", "长": "cz", "重": "zc", "调": "dt", "校": "xj", "会": "hk", "解": "jx", "单": "ds", "参": "cs",
    "省": "sx", "系": "xj", "区": "qo", "朝": "cz", "传": "cz", "曾": "cz", "藏": "cz", "给": "gj", "降": "jx",
    "属": "sz", "宿": "sx", "乐": "ly", "弹": "dt", "石": "sd", "率": "ls", "厦": "sx", "查": "cz", "奇": "qj",
    "便": "bp", "识": "sz", "畜": "cx", "强": "qj", "殖": "zs", "折": "zs", "卡": "kq", "秘": "mb", "沈": "sc",
    "仇": "cq", "缪": "mm", "种": "zc", "差": "cc", "露": "l", "着": "zz", "曝": "pb", "泊": "bp", "翟": "zd",
}


def initials_variants(name: str, initials: str, limit: int = 6) -> list[str]:
    """The stored initials plus variants where one polyphonic character takes another reading (cheap heteronyms)."""
    variants = [initials]
    chars = _keyed_chars(unicodedata.normalize("NFKC", name or ""))
    if len(chars) != len(initials):
        return variants
    for pos, ch in enumerate(chars):
        if ch.isascii():
            continue
        for letter in POLYPHONIC_INITIALS.get(ch, ""):
            if letter != initials[pos]:
                variant = initials[:pos] + letter + initials[pos + 1:]
                if variant not in variants:
                    variants.append(variant)
                    if len(variants) > limit:
                        return variants
    return variants


# ----------------------------------------------------------------------------------------------- index


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "item" | "bundle"
    code: str
    name: str
    department: str  # department name for items, the bundle kind (个人一件事 / 企业一件事) for bundles
    score: int
    matched: str  # what matched, for people: 名称 / 同义词“开店” / 拼音首字母 …


@dataclass(frozen=True)
class SearchEntry:
    """One searchable thing, as the index holds it (also the way to build an index without a database)."""

    kind: str
    code: str
    name: str
    department: str = ""
    department_short: str = ""
    high_frequency: bool = False
    synonyms: tuple[str, ...] = ()
    pinyin: str = ""  # full pinyin of the name; computed from the name when empty
    initials: str = ""


class _Blob:
    """Many short strings joined by NUL, searched with str.find; each position maps back to its owner entry."""

    __slots__ = ("text", "starts", "owners", "lengths")

    def __init__(self, pairs: Iterable[tuple[int, str]]):
        starts: list[int] = []
        owners: list[int] = []
        lengths: list[int] = []
        parts: list[str] = []
        pos = 0
        for owner, s in pairs:
            if not s:
                continue
            starts.append(pos)
            owners.append(owner)
            lengths.append(len(s))
            parts.append(s)
            pos += len(s) + 1
        self.text = _SEP.join(parts)
        self.starts = starts
        self.owners = owners
        self.lengths = lengths

    def find(self, q: str) -> Iterable[tuple[int, int, bool]]:
        """(owner, part index, at start) for the first occurrence of q in every part containing it."""
        text, starts, owners = self.text, self.starts, self.owners
        find = text.find
        pos = find(q)
        while pos >= 0:
            part = bisect_right(starts, pos) - 1
            yield owners[part], part, pos == starts[part]
            nxt = part + 1
            if nxt >= len(starts):
                break
            pos = find(q, starts[nxt])


class SearchIndex:
    """The whole searchable catalog in memory. Build with `load(db)` or `from_entries(...)`; query with `search`.

    Names and initials are scanned with list comprehensions (`q in s` runs in C; single letters match thousands of
    entries, where one pass beats a find-per-hit loop); synonyms and full pinyin, whose hits are few, with
    `str.find` over one joined string. Ranking uses one precomputed integer per entry, so sorting thousands of
    hits for a one-letter query stays cheap.
    """

    def __init__(self, entries: Sequence[SearchEntry], revision: tuple | None = None):
        self.revision = revision
        self._entries = list(entries)
        n = len(self._entries)
        self._names = [normalize_query(e.name) for e in self._entries]
        self._name_exact: dict[str, list[int]] = {}
        for i, name in enumerate(self._names):
            self._name_exact.setdefault(name, []).append(i)
        self._synonym_exact: dict[str, list[tuple[int, str]]] = {}
        syn_pairs: list[tuple[int, str]] = []
        self._syn_labels: list[str] = []
        for i, e in enumerate(self._entries):
            for syn in e.synonyms:
                key = normalize_query(syn)
                if not key:
                    continue
                self._synonym_exact.setdefault(key, []).append((i, syn))
                syn_pairs.append((i, key))
                self._syn_labels.append(syn)
        self._synonyms = _Blob(syn_pairs)
        self._max_syn_len = max((len(k) for k in self._synonym_exact), default=0)
        self._max_name_len = max((len(k) for k in self._name_exact), default=0)
        # departments: few, so a query scans their names and takes all their entries
        self._departments: dict[str, list[int]] = {}
        for i, e in enumerate(self._entries):
            if e.kind != "item":
                continue
            for dname in {normalize_query(e.department), normalize_query(e.department_short)}:
                if dname:
                    self._departments.setdefault(dname, []).append(i)
        self._initials: list[tuple[int, str]] = []
        pinyin_pairs: list[tuple[int, str]] = []
        for i, e in enumerate(self._entries):
            full, initials = e.pinyin, e.initials
            if not full and not initials:
                full, initials = name_keys(e.name)
            for variant in initials_variants(e.name, initials):
                if variant:
                    self._initials.append((i, variant))
            pinyin_pairs.append((i, full))
        self._pinyin = _Blob(pinyin_pairs)
        # rank of each entry among equal scores: high-frequency first, then shorter names, then code
        order = sorted(range(n), key=lambda i: (
            0 if self._entries[i].high_frequency else 1, len(self._entries[i].name), self._entries[i].code))
        self._rank = [0] * n
        for r, i in enumerate(order):
            self._rank[i] = r
        self._by_rank = order
        self._stride = max(n, 1)

    # -- building

    @classmethod
    def from_entries(cls, entries: Iterable[SearchEntry], revision: tuple | None = None) -> "SearchIndex":
        return cls(list(entries), revision)

    @classmethod
    def load(cls, db: Database) -> "SearchIndex":
        """Read the catalog (one read transaction) and build the index."""
        hf = ItemFlag.HIGH_FREQUENCY.value
        entries: list[SearchEntry] = []
        with db.read() as s:
            revision = _revision(s)
            rows = s.execute(
                select(
                    ServiceItem.code, ServiceItemVersion.name, Department.name, Department.short_name,
                    ServiceItemVersion.flags, ServiceItemVersion.synonyms, ServiceItemVersion.pinyin,
                    ServiceItemVersion.initials,
                )
                .join(ServiceItemVersion, ServiceItemVersion.id == ServiceItem.current_version_id)
                .join(Department, Department.id == ServiceItem.department_id)
                .where(ServiceItem.status == ItemStatus.IN_FORCE)
                .order_by(ServiceItem.code)
            ).all()
            for code, name, dname, dshort, flags, synonyms, full, initials in rows:
                entries.append(SearchEntry(
                    "item", code, name, dname, dshort or "", hf in (flags or []),
                    tuple(synonyms or ()), full or "", initials or "",
                ))
            for code, name, kind, synonyms, full, initials in s.execute(
                select(Bundle.code, Bundle.name, Bundle.kind, Bundle.synonyms, Bundle.pinyin, Bundle.initials)
                .where(Bundle.active.is_(True)).order_by(Bundle.code)
            ).all():
                entries.append(SearchEntry(
                    "bundle", code, name, BundleKind(kind).label, "", False, tuple(synonyms or ()),
                    full or "", initials or "",
                ))
        return cls(entries, revision)

    def is_stale(self, db: Database) -> bool:
        return catalog_revision(db) != self.revision

    def __len__(self) -> int:
        return len(self._entries)

    # -- querying

    def search(self, query: str, limit: int = 20, kinds: Sequence[str] = ("item", "bundle")) -> list[SearchHit]:
        """Best hits first; `limit` 0 returns every hit."""
        q = normalize_query(query)
        if not q:
            return []
        score: dict[int, int] = {}
        why: dict[int, str] = {}

        # 1. the name
        for i in self._name_exact.get(q, ()):
            score[i], why[i] = EXACT, "名称"
        for i, name in [(i, name) for i, name in enumerate(self._names) if q in name]:
            if i not in score:
                if name.startswith(q):
                    score[i], why[i] = NAME_PREFIX, "名称开头"
                else:
                    score[i], why[i] = NAME_SUBSTRING, "名称"
        # 2. synonyms typed in full or in part
        for i, syn in self._synonym_exact.get(q, ()):
            if score.get(i, 0) < SYNONYM_EXACT:
                score[i], why[i] = SYNONYM_EXACT, f"同义词“{syn}”"
        labels = self._syn_labels
        for i, part, _at_start in self._synonyms.find(q):
            if score.get(i, 0) < SYNONYM:
                score[i], why[i] = SYNONYM, f"同义词“{labels[part]}”"
        # 3. longer questions: an everyday word, a synonym or a whole item name inside the query; departments
        if not q.isascii() and len(q) >= 2:
            names = self._names
            for word, targets in EVERYDAY_WORDS.items():
                if word in q:
                    label = f"常用说法“{word}”"
                    for target in targets:
                        t = normalize_query(target)
                        for i in [i for i, name in enumerate(names) if t in name]:
                            if score.get(i, 0) < EVERYDAY:
                                score[i], why[i] = EVERYDAY, label
            for sub in _substrings(q, max(self._max_syn_len, self._max_name_len)):
                for i, syn in self._synonym_exact.get(sub, ()):
                    if score.get(i, 0) < SYNONYM_IN_QUERY:
                        score[i], why[i] = SYNONYM_IN_QUERY, f"同义词“{syn}”"
                for i in self._name_exact.get(sub, ()):
                    if score.get(i, 0) < NAME_IN_QUERY:
                        score[i], why[i] = NAME_IN_QUERY, "名称"
            for dname, members in self._departments.items():
                if q in dname:
                    for i in members:
                        if score.get(i, 0) < DEPARTMENT:
                            score[i], why[i] = DEPARTMENT, "部门"
        # 4. pinyin: initials (with polyphonic variants), then full pinyin
        if q.isascii() and q.isalnum():
            for i, at_start in [(i, v.startswith(q)) for i, v in self._initials if q in v]:
                sc = INITIALS_PREFIX if at_start else INITIALS
                if score.get(i, 0) < sc:
                    score[i], why[i] = sc, "拼音首字母"
            if len(q) >= 2:
                for i, _part, at_start in self._pinyin.find(q):
                    sc = PINYIN_PREFIX if at_start else PINYIN
                    if score.get(i, 0) < sc:
                        score[i], why[i] = sc, "全拼"

        entries = self._entries
        if tuple(kinds) != ("item", "bundle"):
            score = {i: sc for i, sc in score.items() if entries[i].kind in kinds}
        # one integer per hit: higher score first, then the precomputed tie-break rank
        stride, rank, by_rank = self._stride, self._rank, self._by_rank
        keys = [(EXACT - sc) * stride + rank[i] for i, sc in score.items()]
        keys = heapq.nsmallest(limit, keys) if limit else sorted(keys)
        out = []
        for key in keys:
            i = by_rank[key % stride]
            e = entries[i]
            out.append(SearchHit(e.kind, e.code, e.name, e.department, score[i], why[i]))
        return out


def _substrings(q: str, max_len: int) -> Iterable[str]:
    n = len(q)
    for length in range(min(n - 1, max_len), 1, -1):  # proper substrings only: the whole query was tried above
        for start in range(0, n - length + 1):
            yield q[start:start + length]


# ----------------------------------------------------------------------------------------------- revision


CATALOG_REVISION_KEY = "catalog_revision"


def _revision(session) -> tuple:
    v = session.execute(select(func.max(ServiceItemVersion.id), func.count(ServiceItemVersion.id))).one()
    cancelled = session.scalar(
        select(func.count(ServiceItem.id)).where(ServiceItem.status == ItemStatus.CANCELLED)
    )
    b = session.execute(select(func.max(Bundle.id), func.count(Bundle.id))).one()
    counter = session.scalar(
        select(Setting.value).where(Setting.key == CATALOG_REVISION_KEY, Setting.site_id.is_(None)).limit(1)
    )
    return (v[0] or 0, v[1] or 0, cancelled or 0, b[0] or 0, b[1] or 0, counter or "")


def catalog_revision(db: Database) -> tuple:
    """A cheap fingerprint of the catalog; it changes whenever an item, bundle or department is changed."""
    with db.read() as s:
        return _revision(s)


_CACHE: dict[str, SearchIndex] = {}


def search(db: Database, query: str, limit: int = 20) -> list[SearchHit]:
    """Convenience for one-off callers (CLI, counter): a cached index, reloaded when the catalog changed."""
    index = _CACHE.get(db.url)
    if index is None or index.is_stale(db):
        index = _CACHE[db.url] = SearchIndex.load(db)
    return index.search(query, limit)
