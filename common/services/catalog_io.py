"""Import and export of the whole catalog: `.json` (the `govhall-catalog` format) and `.xlsx` (for Excel).

JSON (also the format of resources/demo/catalog.json)::

    {"format": "govhall-catalog", "version": 1,
     "departments": [{"code", "name", "short_name"}],
     "items": [{"code", "name", "department", "category", "handling_type": "immediate"|"promised",
                "statutory_days", "promised_days", "conditions", "procedure", "fee", "fee_basis", "legal_basis",
                "zone", "queue", "online", "flags": [...], "major_project", "status", "synonyms": [...],
                "materials": [{"name", "originals", "copies", "required", "may_be_missing", "notes"}]}],
     "bundles": [{"code", "name", "kind": "life_event"|"business_event", "description", "items": [codes],
                  "synonyms": [...]}]}

Excel: sheets 部门, 事项, 材料 (one row per material, keyed by 事项编码 and 序号) and 一件事, with Chinese headers
(see `SHEETS`); yes/no columns take 是/否; lists (同义词, 包含事项) are separated by commas or 、.

Import is all-or-nothing: every row is checked first and ALL problems are reported at once (`ImportReport.errors`,
each naming sheet, row and column in Chinese); with any error nothing is written. Items and bundles not in the file
are left as they are (use `hall catalog cancel` to withdraw an item). Content changes publish a new guide version;
an export imported back reports every row unchanged.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from common.db.engine import Database
from common.db.models import Bundle, Department, Queue, ServiceItem, ServiceItemVersion
from common.domain import BundleKind, ItemFlag, ItemHandling, ItemStatus, Role
from common.errors import InvalidInput
from common.services import audit
from common.services.catalog import (
    BUNDLE_LABELS,
    DEPARTMENT_LABELS,
    ITEM_LABELS,
    MATERIAL_LABELS,
    BundleDraft,
    DepartmentDraft,
    ItemDraft,
    MaterialDraft,
    apply_bundle,
    apply_department,
    apply_item,
    bump_revision,
    check_bundle_draft,
    check_department_draft,
    check_item_draft,
    create_items,
    load_items_for_update,
    normalize_bundle_draft,
    normalize_item_draft,
    queue_ids_by_prefix,
)
from common.services.permissions import Actor, require

FORMAT = "govhall-catalog"
FORMAT_VERSION = 1

SHEET_DEPARTMENTS = "部门"
SHEET_ITEMS = "事项"
SHEET_MATERIALS = "材料"
SHEET_BUNDLES = "一件事"

_FLAG_COLUMNS = [(f.value, f.label) for f in ItemFlag]  # 最多跑一次 / 高频事项 / 告知承诺 / 无差别受理

# Column order of each sheet: (field, header)
SHEETS: dict[str, list[tuple[str, str]]] = {
    SHEET_DEPARTMENTS: [("code", "部门编码"), ("name", "部门名称"), ("short_name", "部门简称")],
    SHEET_ITEMS: [
        ("code", ITEM_LABELS["code"]), ("name", ITEM_LABELS["name"]), ("department", ITEM_LABELS["department"]),
        ("category", ITEM_LABELS["category"]), ("handling", ITEM_LABELS["handling"]),
        ("statutory_days", ITEM_LABELS["statutory_days"]), ("promised_days", ITEM_LABELS["promised_days"]),
        ("conditions", ITEM_LABELS["conditions"]), ("procedure", ITEM_LABELS["procedure"]),
        ("fee", ITEM_LABELS["fee"]), ("fee_basis", ITEM_LABELS["fee_basis"]),
        ("legal_basis", ITEM_LABELS["legal_basis"]), ("zone", ITEM_LABELS["zone"]), ("queue", ITEM_LABELS["queue"]),
        ("online", ITEM_LABELS["online"]),
        *[(f"flag:{value}", label) for value, label in _FLAG_COLUMNS],
        ("major_project", ITEM_LABELS["major_project"]), ("status", ITEM_LABELS["status"]),
        ("synonyms", ITEM_LABELS["synonyms"]),
    ],
    SHEET_MATERIALS: [
        ("item", MATERIAL_LABELS["item"]), ("position", MATERIAL_LABELS["position"]), ("name", MATERIAL_LABELS["name"]),
        ("originals", MATERIAL_LABELS["originals"]), ("copies", MATERIAL_LABELS["copies"]),
        ("required", MATERIAL_LABELS["required"]), ("may_be_missing", MATERIAL_LABELS["may_be_missing"]),
        ("notes", MATERIAL_LABELS["notes"]),
    ],
    SHEET_BUNDLES: [("code", "编码"), ("name", "名称"), ("kind", "类型"), ("description", "说明"),
                    ("items", "包含事项"), ("synonyms", "同义词")],
}
# Extra headers accepted on import (English field names always work too).
_HEADER_ALIASES = {
    SHEET_ITEMS: {"事项标签": "flags", "标签": "flags", "承诺时限": "promised_days", "法定时限": "statutory_days",
                  "部门": "department", "队列": "queue", "办件类型": "handling"},
    SHEET_BUNDLES: {"一件事编码": "code", "一件事名称": "name", "事项编码": "items"},
    SHEET_MATERIALS: {"是否必要": "required", "必需": "required", "容缺": "may_be_missing"},
    SHEET_DEPARTMENTS: {"编码": "code", "名称": "name", "简称": "short_name"},
}
_REQUIRED_COLUMNS = {
    SHEET_DEPARTMENTS: ["code", "name"],
    SHEET_ITEMS: ["code", "name", "department"],
    SHEET_MATERIALS: ["item", "name"],
    SHEET_BUNDLES: ["code", "name", "items"],
}

_YES = {"是", "y", "yes", "true", "1", "√", "✓", "有", "需要", "必需", "必须"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "无", "不需要", "非必需"}
_HANDLING = {"即办件": "immediate", "即办": "immediate", "immediate": "immediate",
             "承诺件": "promised", "承诺": "promised", "promised": "promised"}
_STATUS = {"在用": "in_force", "有效": "in_force", "in_force": "in_force", "": "in_force",
           "已取消": "cancelled", "取消": "cancelled", "cancelled": "cancelled"}
_KIND = {"个人一件事": "life_event", "个人": "life_event", "life_event": "life_event",
         "企业一件事": "business_event", "企业": "business_event", "business_event": "business_event"}
_FLAG_BY_NAME = {**{f.value: f.value for f in ItemFlag}, **{f.label: f.value for f in ItemFlag},
                 "高频": "high_frequency", "承诺即办": "notify_commit", "告知承诺制": "notify_commit"}
_LIST_SPLIT = re.compile(r"[,，、;；\n]+")


# ----------------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class RowError:
    sheet: str  # 部门 / 事项 / 材料 / 一件事 (JSON: the same names), or 文件
    row_number: int  # Excel row (header = 1); JSON: position in its list, from 1; 0 = the whole file
    column: str  # the Chinese column header
    message_zh: str  # the whole message, naming sheet, row and column


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)  # departments / items / bundles → counts
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, kind: str, outcome: str) -> None:
        self.by_kind.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})[outcome] += 1
        setattr(self, outcome, getattr(self, outcome) + 1)


# ----------------------------------------------------------------------------------------------- parsed rows


@dataclass
class _Row:
    sheet: str
    row: int
    json: bool


@dataclass
class _ItemRow(_Row):
    draft: ItemDraft
    material_rows: list[int] = field(default_factory=list)  # per material: its Excel row (or JSON position)


@dataclass
class ParsedCatalog:
    departments: list[tuple[_Row, DepartmentDraft]] = field(default_factory=list)
    items: list[_ItemRow] = field(default_factory=list)
    bundles: list[tuple[_Row, BundleDraft]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


def _where(sheet: str, row: int, column: str, json_mode: bool) -> str:
    if row <= 0:
        return f"文件【{column}】" if column else "文件"
    if json_mode:
        return f"{sheet}第 {row} 条【{column}】"
    return f"“{sheet}”表第 {row} 行【{column}】"


def _error(sheet: str, row: int, column: str, message: str, json_mode: bool = False) -> RowError:
    return RowError(sheet, row, column, f"{_where(sheet, row, column, json_mode)}：{message}")


class _Cells:
    """Converts one row's raw values, collecting errors instead of raising."""

    def __init__(self, sheet: str, row: int, labels: dict[str, str], errors: list[RowError], json_mode: bool):
        self.sheet, self.row, self.labels, self.errors, self.json = sheet, row, labels, errors, json_mode

    def err(self, key: str, message: str, column: Optional[str] = None) -> None:
        self.errors.append(_error(self.sheet, self.row, column or self.labels.get(key, key), message, self.json))

    def text(self, key: str, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, (dict, list)):
            self.err(key, "应为文字。")
            return ""
        return str(value)

    def integer(self, key: str, value: Any, default: int) -> int:
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        if isinstance(value, bool):
            self.err(key, f"应为整数，当前为“{value}”。")
            return default
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            self.err(key, f"应为整数，当前为“{value:g}”。")
            return default
        t = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"[+-]?\d+", t):
            return int(t)
        self.err(key, f"应为整数，当前为“{t[:20]}”。")
        return default

    def boolean(self, key: str, value: Any, default: bool, column: Optional[str] = None) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        t = unicodedata.normalize("NFKC", str(value)).strip().lower()
        if not t:
            return default
        if t in _YES:
            return True
        if t in _NO:
            return False
        self.err(key, f"应填“是”或“否”，当前为“{str(value)[:20]}”。", column)
        return default

    def str_list(self, key: str, value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, (list, tuple)):
            out = []
            for v in value:
                if isinstance(v, (dict, list)):
                    self.err(key, "列表中每一项应为文字。")
                    continue
                out.append(str(v))
            return out
        if isinstance(value, str):
            return [x for x in _LIST_SPLIT.split(value) if x.strip()]
        return [self.text(key, value)]

    def choice(self, key: str, value: Any, table: dict[str, str], what: str, fallback: str) -> str:
        """The stored value for a label or value; empty stays empty (the draft check reports it if required)."""
        t = self.text(key, value).strip()
        if not t:
            return table.get("", "")
        found = table.get(t) or table.get(t.lower())
        if found is None:
            self.err(key, f"{what}“{t[:20]}”无效，应为{_choices(table)}。")
            return fallback
        return found


def _choices(table: dict[str, str]) -> str:
    labels = [k for k in table if k and not k.isascii()]
    return "“" + "”或“".join(dict.fromkeys(labels[:2] if len(labels) > 2 else labels)) + "”"


def _flags(cells: _Cells, value: Any) -> list[str]:
    out = []
    for name in cells.str_list("flags", value):
        n = name.strip()
        flag = _FLAG_BY_NAME.get(n) or _FLAG_BY_NAME.get(n.lower())
        if flag is None:
            valid = "、".join(f"{f.value}（{f.label}）" for f in ItemFlag)
            cells.err("flags", f"未知事项标签“{n[:20]}”。可用标签：{valid}。")
        elif flag not in out:
            out.append(flag)
    return out


# ----------------------------------------------------------------------------------------------- reading JSON


def parse_json_data(data: Any) -> ParsedCatalog:
    out = ParsedCatalog()
    errs = out.errors
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        errs.append(_error("文件", 0, "format", f"不是 GovHall 事项目录文件（应有 \"format\": \"{FORMAT}\"）。", True))
        return out
    if data.get("version") != FORMAT_VERSION:
        errs.append(_error("文件", 0, "version", f"不支持的文件版本“{data.get('version')}”，本程序读取第 "
                                                 f"{FORMAT_VERSION} 版。", True))
        return out
    for key in ("departments", "items", "bundles"):
        if not isinstance(data.get(key, []), list):
            errs.append(_error("文件", 0, key, "应为列表。", True))
            return out

    for n, raw in enumerate(data.get("departments", []), start=1):
        c = _Cells(SHEET_DEPARTMENTS, n, DEPARTMENT_LABELS, errs, True)
        if not isinstance(raw, dict):
            c.err("code", "应为对象。")
            continue
        out.departments.append((_Row(SHEET_DEPARTMENTS, n, True), DepartmentDraft(
            c.text("code", raw.get("code")).strip(), c.text("name", raw.get("name")).strip(),
            c.text("short_name", raw.get("short_name")).strip(),
        )))

    for n, raw in enumerate(data.get("items", []), start=1):
        c = _Cells(SHEET_ITEMS, n, ITEM_LABELS, errs, True)
        if not isinstance(raw, dict):
            c.err("code", "应为对象。")
            continue
        mats: list[MaterialDraft] = []
        raw_mats = raw.get("materials") or []
        if not isinstance(raw_mats, list):
            c.err("materials", "材料清单应为列表。", "材料清单")
            raw_mats = []
        for k, m in enumerate(raw_mats, start=1):
            mc = _Cells(SHEET_MATERIALS, n, {key: f"第 {k} 条材料·{label}" for key, label in MATERIAL_LABELS.items()},
                        errs, True)
            if not isinstance(m, dict):
                mc.err("name", "应为对象。")
                continue
            mats.append(MaterialDraft(
                name=mc.text("name", m.get("name")), originals=mc.integer("originals", m.get("originals"), 1),
                copies=mc.integer("copies", m.get("copies"), 0), required=mc.boolean("required", m.get("required"), True),
                may_be_missing=mc.boolean("may_be_missing", m.get("may_be_missing"), False),
                notes=mc.text("notes", m.get("notes")),
            ))
        flags_raw = raw.get("flags") or []
        if not isinstance(flags_raw, list):
            c.err("flags", "应为列表。")
            flags_raw = []
        draft = ItemDraft(
            code=c.text("code", raw.get("code")), name=c.text("name", raw.get("name")),
            department=c.text("department", raw.get("department")),
            handling=c.choice("handling", raw.get("handling_type", raw.get("handling")), _HANDLING, "办理类型", "promised"),
            category=c.text("category", raw.get("category")),
            statutory_days=c.integer("statutory_days", raw.get("statutory_days"), 0),
            promised_days=c.integer("promised_days", raw.get("promised_days"), 0),
            conditions=c.text("conditions", raw.get("conditions")), procedure=c.text("procedure", raw.get("procedure")),
            fee=c.text("fee", raw.get("fee")), fee_basis=c.text("fee_basis", raw.get("fee_basis")),
            legal_basis=c.text("legal_basis", raw.get("legal_basis")), zone=c.text("zone", raw.get("zone")),
            queue=c.text("queue", raw.get("queue")) or None, online=c.boolean("online", raw.get("online"), False),
            flags=_flags(c, flags_raw), major_project=c.boolean("major_project", raw.get("major_project"), False),
            status=c.choice("status", raw.get("status"), _STATUS, "状态", "in_force"),
            synonyms=c.str_list("synonyms", raw.get("synonyms")), materials=mats,
        )
        out.items.append(_ItemRow(SHEET_ITEMS, n, True, draft, [n] * len(mats)))

    for n, raw in enumerate(data.get("bundles", []), start=1):
        c = _Cells(SHEET_BUNDLES, n, BUNDLE_LABELS, errs, True)
        if not isinstance(raw, dict):
            c.err("code", "应为对象。")
            continue
        out.bundles.append((_Row(SHEET_BUNDLES, n, True), BundleDraft(
            code=c.text("code", raw.get("code")), name=c.text("name", raw.get("name")),
            kind=c.choice("kind", raw.get("kind"), _KIND, "一件事类型", "life_event"),
            description=c.text("description", raw.get("description")),
            items=c.str_list("items", raw.get("items")), synonyms=c.str_list("synonyms", raw.get("synonyms")),
        )))
    return out


# ----------------------------------------------------------------------------------------------- reading Excel


def _header_map(sheet: str, header: Iterable[Any]) -> dict[str, int]:
    known = {label: key for key, label in SHEETS[sheet]}
    known.update(_HEADER_ALIASES.get(sheet, {}))
    known.update({key: key for key, _label in SHEETS[sheet]})
    out: dict[str, int] = {}
    for idx, cell in enumerate(header):
        if cell is None:
            continue
        h = unicodedata.normalize("NFKC", str(cell)).strip().lstrip("*").strip()
        key = known.get(h) or known.get(unicodedata.normalize("NFKC", h)) or known.get(h.replace(" ", ""))
        if key is None:
            # headers are written with full-width brackets; accept what Excel users type
            for label, k in known.items():
                if unicodedata.normalize("NFKC", label) == h:
                    key = k
                    break
        if key is not None and key not in out:
            out[key] = idx
    return out


def parse_xlsx(path: Union[str, Path]) -> ParsedCatalog:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    out = ParsedCatalog()
    errs = out.errors
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        errs.append(_error("文件", 0, "", f"无法打开 Excel 文件：{exc}"))
        return out
    try:
        present = [s for s in SHEETS if s in wb.sheetnames]
        if not present:
            errs.append(_error("文件", 0, "", f"找不到工作表：应至少包含“{SHEET_ITEMS}”“{SHEET_DEPARTMENTS}”"
                                             f"“{SHEET_MATERIALS}”“{SHEET_BUNDLES}”之一。"))
            return out
        rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for sheet in present:
            ws = wb[sheet]
            it = ws.iter_rows(values_only=True)
            header = next(it, None)
            if header is None:
                rows[sheet] = []
                continue
            cols = _header_map(sheet, header)
            labels = dict(SHEETS[sheet])
            missing = [labels[k] for k in _REQUIRED_COLUMNS[sheet] if k not in cols]
            if missing:
                errs.append(_error(sheet, 1, "、".join(missing), "缺少必需的列。"))
                rows[sheet] = []
                continue
            data: list[tuple[int, dict[str, Any]]] = []
            for n, values in enumerate(it, start=2):
                if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                data.append((n, {k: (values[i] if i < len(values) else None) for k, i in cols.items()}))
            rows[sheet] = data
    finally:
        wb.close()

    dept_labels = dict(SHEETS[SHEET_DEPARTMENTS])
    for n, r in rows.get(SHEET_DEPARTMENTS, []):
        c = _Cells(SHEET_DEPARTMENTS, n, dept_labels, errs, False)
        out.departments.append((_Row(SHEET_DEPARTMENTS, n, False), DepartmentDraft(
            c.text("code", r.get("code")).strip(), c.text("name", r.get("name")).strip(),
            c.text("short_name", r.get("short_name")).strip(),
        )))

    item_labels = dict(SHEETS[SHEET_ITEMS])
    item_labels["flags"] = ITEM_LABELS["flags"]
    by_code: dict[str, _ItemRow] = {}
    for n, r in rows.get(SHEET_ITEMS, []):
        c = _Cells(SHEET_ITEMS, n, item_labels, errs, False)
        flags = _flags(c, r.get("flags")) if r.get("flags") is not None else []
        for value, label in _FLAG_COLUMNS:
            key = f"flag:{value}"
            if key in r and c.boolean(key, r[key], False, label) and value not in flags:
                flags.append(value)
        draft = ItemDraft(
            code=c.text("code", r.get("code")), name=c.text("name", r.get("name")),
            department=c.text("department", r.get("department")),
            handling=c.choice("handling", r.get("handling"), _HANDLING, "办理类型", "promised"),
            category=c.text("category", r.get("category")),
            statutory_days=c.integer("statutory_days", r.get("statutory_days"), 0),
            promised_days=c.integer("promised_days", r.get("promised_days"), 0),
            conditions=c.text("conditions", r.get("conditions")), procedure=c.text("procedure", r.get("procedure")),
            fee=c.text("fee", r.get("fee")), fee_basis=c.text("fee_basis", r.get("fee_basis")),
            legal_basis=c.text("legal_basis", r.get("legal_basis")), zone=c.text("zone", r.get("zone")),
            queue=c.text("queue", r.get("queue")) or None, online=c.boolean("online", r.get("online"), False),
            flags=flags, major_project=c.boolean("major_project", r.get("major_project"), False),
            status=c.choice("status", r.get("status"), _STATUS, "状态", "in_force"),
            synonyms=c.str_list("synonyms", r.get("synonyms")),
        )
        row = _ItemRow(SHEET_ITEMS, n, False, draft)
        out.items.append(row)
        code = draft.code.strip()
        if code and code not in by_code:
            by_code[code] = row

    mat_labels = dict(SHEETS[SHEET_MATERIALS])
    pending: dict[str, list[tuple[int, int, int, MaterialDraft]]] = {}
    for order, (n, r) in enumerate(rows.get(SHEET_MATERIALS, [])):
        c = _Cells(SHEET_MATERIALS, n, mat_labels, errs, False)
        code = c.text("item", r.get("item")).strip()
        if not code:
            c.err("item", "事项编码不能为空。")
            continue
        if code not in by_code:
            c.err("item", f"事项编码“{code[:40]}”不在“{SHEET_ITEMS}”表中。")
            continue
        position = c.integer("position", r.get("position"), 10**6)
        m = MaterialDraft(
            name=c.text("name", r.get("name")), originals=c.integer("originals", r.get("originals"), 1),
            copies=c.integer("copies", r.get("copies"), 0), required=c.boolean("required", r.get("required"), True),
            may_be_missing=c.boolean("may_be_missing", r.get("may_be_missing"), False),
            notes=c.text("notes", r.get("notes")),
        )
        pending.setdefault(code, []).append((position, order, n, m))
    for code, mats in pending.items():
        mats.sort(key=lambda x: (x[0], x[1]))
        row = by_code[code]
        row.draft.materials = [m for _p, _o, _n, m in mats]
        row.material_rows = [n for _p, _o, n, _m in mats]

    bundle_labels = dict(SHEETS[SHEET_BUNDLES])
    for n, r in rows.get(SHEET_BUNDLES, []):
        c = _Cells(SHEET_BUNDLES, n, bundle_labels, errs, False)
        out.bundles.append((_Row(SHEET_BUNDLES, n, False), BundleDraft(
            code=c.text("code", r.get("code")), name=c.text("name", r.get("name")),
            kind=c.choice("kind", r.get("kind"), _KIND, "一件事类型", "life_event"),
            description=c.text("description", r.get("description")),
            items=c.str_list("items", r.get("items")), synonyms=c.str_list("synonyms", r.get("synonyms")),
        )))
    return out


def read_catalog_file(path: Union[str, Path]) -> ParsedCatalog:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return parse_xlsx(path)
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise InvalidInput(f"无法读取文件 {path}：{exc.strerror or exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            out = ParsedCatalog()
            where = f"第 {exc.lineno} 行第 {exc.colno} 列" if isinstance(exc, json.JSONDecodeError) else ""
            out.errors.append(_error("文件", 0, "", f"不是有效的 JSON（UTF-8）文件{where}：{exc}", True))
            return out
        return parse_json_data(data)
    raise InvalidInput(f"不支持的文件类型“{path.suffix or path.name}”：请使用 .json 或 .xlsx。")


# ----------------------------------------------------------------------------------------------- validation & apply


def _problem_location(row: _ItemRow, problem_field: str) -> tuple[str, int, str]:
    if problem_field.startswith("materials."):
        _m, k, key = problem_field.split(".", 2)
        k = int(k)
        if row.json:
            return SHEET_MATERIALS, row.row, f"第 {k} 条材料·{MATERIAL_LABELS.get(key, key)}"
        rownum = row.material_rows[k - 1] if k - 1 < len(row.material_rows) else row.row
        return SHEET_MATERIALS, rownum, MATERIAL_LABELS.get(key, key)
    label = ITEM_LABELS.get(problem_field, problem_field)
    return SHEET_ITEMS, row.row, label


def import_into_session(s: Session, actor: Optional[Actor], parsed: ParsedCatalog) -> ImportReport:
    """Check everything, then (when there is no error) write it. The caller owns the transaction."""
    report = ImportReport(errors=list(parsed.errors), warnings=list(parsed.warnings))
    errs = report.errors

    # departments
    dept_drafts: list[tuple[_Row, DepartmentDraft]] = []
    seen: dict[str, int] = {}
    for row, d in parsed.departments:
        for p in check_department_draft(d):
            errs.append(_error(row.sheet, row.row, DEPARTMENT_LABELS[p.field], p.message, row.json))
        if d.code:
            if d.code in seen:
                errs.append(_error(row.sheet, row.row, DEPARTMENT_LABELS["code"],
                                   f"部门编码“{d.code}”重复（第 {seen[d.code]} {'条' if row.json else '行'}已有）。",
                                   row.json))
                continue
            seen[d.code] = row.row
        dept_drafts.append((row, d))
    existing_depts = {d.code: d for d in s.scalars(select(Department)).all()}
    known_depts = set(existing_depts) | {d.code for _r, d in dept_drafts if d.code}

    # items
    queue_ids = queue_ids_by_prefix(s)
    item_rows: list[_ItemRow] = []
    seen = {}
    for row in parsed.items:
        row.draft = normalize_item_draft(row.draft)
        d = row.draft
        for p in check_item_draft(d):
            sheet, rownum, column = _problem_location(row, p.field)
            errs.append(_error(sheet, rownum, column, p.message, row.json))
        if d.department and len(d.department) <= 32 and d.department not in known_depts:
            errs.append(_error(row.sheet, row.row, ITEM_LABELS["department"],
                               f"部门编码“{d.department}”不存在：请先在“{SHEET_DEPARTMENTS}”中登记该部门。", row.json))
        if d.queue and len(d.queue) <= 4 and d.queue not in queue_ids:
            if queue_ids:
                errs.append(_error(row.sheet, row.row, ITEM_LABELS["queue"],
                                   f"叫号队列“{d.queue}”不存在，现有队列：{'、'.join(sorted(queue_ids))}。", row.json))
            else:
                report.warnings.append(_error(row.sheet, row.row, ITEM_LABELS["queue"],
                                              f"尚未设置任何叫号队列，队列“{d.queue}”暂不关联。", row.json))
        if d.code:
            if d.code in seen:
                errs.append(_error(row.sheet, row.row, ITEM_LABELS["code"],
                                   f"事项编码“{d.code[:64]}”重复（第 {seen[d.code]} {'条' if row.json else '行'}已有）。",
                                   row.json))
                continue
            seen[d.code] = row.row
        item_rows.append(row)
    file_items = {r.draft.code for r in item_rows if r.draft.code}

    # bundles
    bundle_drafts: list[tuple[_Row, BundleDraft]] = []
    seen = {}
    needed_codes = set()
    for row, d in parsed.bundles:
        d = normalize_bundle_draft(d)
        for p in check_bundle_draft(d):
            errs.append(_error(row.sheet, row.row, BUNDLE_LABELS.get(p.field, p.field), p.message, row.json))
        if d.code:
            if d.code in seen:
                errs.append(_error(row.sheet, row.row, BUNDLE_LABELS["code"],
                                   f"一件事编码“{d.code}”重复（第 {seen[d.code]} {'条' if row.json else '行'}已有）。",
                                   row.json))
                continue
            seen[d.code] = row.row
        needed_codes.update(d.items)
        bundle_drafts.append((row, d))
    db_item_ids = dict(
        s.execute(select(ServiceItem.code, ServiceItem.id).where(ServiceItem.code.in_(needed_codes - file_items)))
        .all()
    ) if needed_codes - file_items else {}
    for row, d in bundle_drafts:
        missing = [c for c in d.items if c not in file_items and c not in db_item_ids]
        if missing:
            errs.append(_error(row.sheet, row.row, BUNDLE_LABELS["items"],
                               f"事项编码不存在：{'、'.join(missing[:10])}{'等' if len(missing) > 10 else ''}。", row.json))

    if errs:
        order = {name: n for n, name in enumerate(["文件", SHEET_DEPARTMENTS, SHEET_ITEMS, SHEET_MATERIALS, SHEET_BUNDLES])}
        errs.sort(key=lambda e: (order.get(e.sheet, 9), e.row_number))
        return report

    # ---- write
    dept_ids: dict[str, int] = {code: d.id for code, d in existing_depts.items()}
    for _row, d in dept_drafts:
        outcome, dept = apply_department(s, d, existing_depts.get(d.code))
        dept_ids[d.code] = dept.id
        report.count("departments", outcome)
    existing_items = load_items_for_update(s, [r.draft.code for r in item_rows])
    item_ids = dict(db_item_ids)
    changed_items: list[str] = []
    new_rows = []
    for row in item_rows:
        d = row.draft
        queue_id = queue_ids.get(d.queue) if d.queue else None
        if d.code not in existing_items:
            new_rows.append((d, dept_ids[d.department], queue_id))
            continue
        outcome, item = apply_item(s, d, dept_ids[d.department], queue_id, existing_items[d.code])
        item_ids[d.code] = item.id
        report.count("items", outcome)
        if outcome != "unchanged":
            changed_items.append(d.code)
    for start in range(0, len(new_rows), 1000):
        for item in create_items(s, new_rows[start:start + 1000]):
            item_ids[item.code] = item.id
            report.count("items", "created")
            changed_items.append(item.code)
    existing_bundles = {
        b.code: b for b in s.scalars(select(Bundle).options(selectinload(Bundle.items))).all()
    }
    for _row, d in bundle_drafts:
        outcome, _b = apply_bundle(s, d, [item_ids[c] for c in d.items], existing_bundles.get(d.code))
        report.count("bundles", outcome)
    if report.created or report.updated:
        bump_revision(s)
        audit.record(s, actor, "catalog.import", "catalog", "", {
            "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "by_kind": report.by_kind, "items_changed": changed_items[:200],
        })
    return report


class _Rollback(Exception):
    def __init__(self, report: ImportReport):
        super().__init__("rollback")
        self.report = report


def import_catalog(
    db: Database,
    actor: Actor,
    source: Union[str, Path, dict, ParsedCatalog],
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Import a catalog file (.json / .xlsx), a parsed JSON dict, or a `ParsedCatalog`. Manager/admin.

    All-or-nothing: with any error, nothing is written and `report.errors` lists every problem. With `dry_run`
    the changes are made inside the transaction, counted and rolled back.
    """
    require(actor, Role.MANAGER, Role.ADMIN, action="导入事项目录")
    if isinstance(source, ParsedCatalog):
        parsed = source
    elif isinstance(source, dict):
        parsed = parse_json_data(source)
    else:
        parsed = read_catalog_file(source)
    try:
        with db.write() as s:
            report = import_into_session(s, actor, parsed)
            report.dry_run = dry_run
            if report.errors or dry_run:
                raise _Rollback(report)
    except _Rollback as rb:
        report = rb.report
        if report.errors:
            report.created = report.updated = report.unchanged = 0
            report.by_kind = {}
    return report


# ----------------------------------------------------------------------------------------------- export


def catalog_to_dict(db: Database) -> dict[str, Any]:
    """The whole catalog (all departments, every item with its current version, active bundles) as JSON data."""
    with db.read() as s:
        departments = s.scalars(select(Department).order_by(Department.code)).all()
        dept_code = {d.id: d.code for d in departments}
        queue_prefix = dict(s.execute(select(Queue.id, Queue.prefix)).all())
        rows = s.execute(
            select(ServiceItem, ServiceItemVersion)
            .join(ServiceItemVersion, ServiceItemVersion.id == ServiceItem.current_version_id)
            .options(selectinload(ServiceItem.current_version).selectinload(ServiceItemVersion.materials))
            .order_by(ServiceItem.code)
        ).all()
        items = []
        for item, v in rows:
            items.append({
                "code": item.code, "name": v.name, "department": dept_code[item.department_id],
                "category": v.category, "handling_type": ItemHandling(v.handling).value,
                "statutory_days": v.statutory_days, "promised_days": v.promised_days, "conditions": v.conditions,
                "procedure": v.procedure, "fee": v.fee, "fee_basis": v.fee_basis, "legal_basis": v.legal_basis,
                "zone": v.zone, "queue": queue_prefix.get(item.queue_id) if item.queue_id else None,
                "online": bool(v.online), "flags": list(v.flags or []), "major_project": bool(v.major_project),
                "status": ItemStatus(item.status).value, "synonyms": list(v.synonyms or []),
                "materials": [
                    {"name": m.name, "originals": m.originals, "copies": m.copies, "required": bool(m.required),
                     "may_be_missing": bool(m.may_be_missing), "notes": m.notes}
                    for m in v.materials
                ],
            })
        code_of = {i.id: i.code for i, _v in rows}
        bundles = []
        for b in s.scalars(
            select(Bundle).where(Bundle.active.is_(True)).order_by(Bundle.code).options(selectinload(Bundle.items))
        ).all():
            bundles.append({
                "code": b.code, "name": b.name, "kind": BundleKind(b.kind).value, "description": b.description,
                "items": [code_of[bi.item_id] for bi in b.items if bi.item_id in code_of],
                "synonyms": list(b.synonyms or []),
            })
        return {
            "format": FORMAT, "version": FORMAT_VERSION,
            "departments": [{"code": d.code, "name": d.name, "short_name": d.short_name} for d in departments],
            "items": items, "bundles": bundles,
        }


@dataclass(frozen=True)
class ExportSummary:
    path: str
    departments: int
    items: int
    materials: int
    bundles: int


def export_catalog(db: Database, path: Union[str, Path]) -> ExportSummary:
    """Write the catalog to `path`: .json or .xlsx by the extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise InvalidInput(f"不支持的文件类型“{path.suffix or path.name}”：请使用 .json 或 .xlsx。")
    data = catalog_to_dict(db)
    try:
        if suffix == ".json":
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            tmp.replace(path)
        else:
            _write_xlsx(data, path)
    except OSError as exc:
        raise InvalidInput(f"无法写入文件 {path}：{exc.strerror or exc}") from None
    return ExportSummary(
        str(path), len(data["departments"]), len(data["items"]),
        sum(len(i["materials"]) for i in data["items"]), len(data["bundles"]),
    )


def _yn(value: bool) -> str:
    return "是" if value else "否"


def _write_xlsx(data: dict[str, Any], path: Path) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill

    handling_label = {h.value: h.label for h in ItemHandling}
    status_label = {s.value: s.label for s in ItemStatus}
    kind_label = {k.value: k.label for k in BundleKind}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)

    def sheet(name: str, rows: Iterable[list[Any]], widths: dict[str, int]) -> None:
        ws = wb.create_sheet(name)
        headers = [label for _key, label in SHEETS[name]]
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        wrap = Alignment(wrap_text=True, vertical="top")
        for c, header in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=c, value=header)
            cell.font, cell.fill = bold, fill
        for r, values in enumerate(rows, start=2):
            for c, v in enumerate(values, start=1):
                if v is None or v == "":
                    continue
                if isinstance(v, str):
                    v = ILLEGAL_CHARACTERS_RE.sub("", v)
                cell = ws.cell(row=r, column=c, value=v)
                if isinstance(v, str):
                    if v.startswith("="):
                        cell.data_type = "s"  # text, never a formula
                    if len(v) > 30:
                        cell.alignment = wrap
        ws.freeze_panes = "A2"
        for idx, header in enumerate(headers, start=1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(idx)].width = widths.get(header, 12)

    sheet(SHEET_DEPARTMENTS, ([d["code"], d["name"], d["short_name"]] for d in data["departments"]),
          {"部门名称": 30, "部门简称": 14})
    sheet(SHEET_ITEMS, (
        [i["code"], i["name"], i["department"], i["category"], handling_label[i["handling_type"]],
         i["statutory_days"], i["promised_days"], i["conditions"], i["procedure"], i["fee"], i["fee_basis"],
         i["legal_basis"], i["zone"], i["queue"] or "", _yn(i["online"]),
         *[_yn(value in i["flags"]) for value, _label in _FLAG_COLUMNS],
         _yn(i["major_project"]), status_label[i["status"]], "，".join(i["synonyms"])]
        for i in data["items"]
    ), {"事项编码": 14, "事项名称": 36, "受理条件": 40, "办理流程": 40, "设定依据": 40, "收费依据": 24, "同义词": 30,
        "法定时限（工作日）": 10, "承诺时限（工作日）": 10})
    sheet(SHEET_MATERIALS, (
        [i["code"], n, m["name"], m["originals"], m["copies"], _yn(m["required"]), _yn(m["may_be_missing"]), m["notes"]]
        for i in data["items"] for n, m in enumerate(i["materials"], start=1)
    ), {"事项编码": 14, "序号": 6, "材料名称": 40, "备注": 40})
    sheet(SHEET_BUNDLES, (
        [b["code"], b["name"], kind_label[b["kind"]], b["description"], "，".join(b["items"]), "，".join(b["synonyms"])]
        for b in data["bundles"]
    ), {"名称": 24, "说明": 50, "包含事项": 40, "同义词": 30})
    tmp = path.with_name(path.name + ".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
