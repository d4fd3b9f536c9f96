"""The customer sheet's columns: Chinese headers and their variants, and cell reading.

The headers are a file format, not interface text: the template, the export and the
error workbook always write :data:`COLUMNS`' Chinese headers, and an import recognises
each header's variants (客户名称 / 单位名称 / 企业名称 …) whatever the interface
language, after removing spaces, ``*`` marks and bracketed units (``月消费（元）``).

Cell reading never evaluates anything: a value is turned into text (an integral float
such as a phone number typed as a number loses its ``.0``), and text starting with
``= + - @`` is reported by :func:`looks_like_formula` so the preview can flag it; it is
stored as the text it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "import.missing_columns": N_(
            "The sheet lacks the required columns: {columns}. Download the template to see "
            "the expected headers"
        ),
        "import.problem": N_("{field}: {problem}"),
        "import.formula": N_("{field} starts with '{char}'; it is stored as text, not a formula"),
        "import.not_flag": N_("write 是 or 否"),
        "import.not_number": N_("'{text}' is not a number"),
    }
)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    variants: tuple[str, ...]
    required: bool
    hint: str  # English source, shown through tr() in the template's notes
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "客户名称",
        ("单位名称", "企业名称", "公司名称", "客户全称", "名称", "客户"),
        True,
        N_("Full registered name of the account, at most 200 characters"),
        32,
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一信用代码", "统一代码", "uscc"),
        True,
        N_("18 characters with a valid check digit"),
        22,
    ),
    Column(
        "industry_group",
        "行业组",
        ("行业", "所属行业", "行业分组", "行业组名称"),
        False,
        N_("Name or code of an industry group of this branch; may be empty"),
    ),
    Column(
        "address", "地址", ("单位地址", "注册地址", "详细地址", "办公地址"), False, N_("Address")
    ),
    Column("district", "区县", ("区域", "所属区县", "区"), False, N_("District")),
    Column(
        "phone",
        "联系电话",
        ("电话", "总机", "单位电话", "办公电话", "手机"),
        False,
        N_("Mobile or landline with area code, e.g. 0571-87654321"),
    ),
    Column(
        "owner",
        "客户经理",
        ("归属客户经理", "负责人", "客户经理姓名", "客户经理工号"),
        False,
        N_("Name or login of the account manager; empty: the importing AM"),
    ),
    Column("is_group", "集团客户", ("是否集团", "是否集团客户"), False, N_("是 or 否")),
    Column("strategic", "战略客户", ("是否战略客户", "战略"), False, N_("是 or 否")),
    Column(
        "growth_potential",
        "增长潜力",
        ("潜力", "增长潜力评分"),
        False,
        N_("1 (low) to 5 (high); empty: 3"),
    ),
    Column(
        "monthly_spend",
        "月消费",
        ("月均消费", "月收入", "月消费额", "月均收入"),
        False,
        N_("Monthly spend in CNY, e.g. 12000.50"),
    ),
    Column(
        "competitor_presence",
        "竞争对手情况",
        ("竞争对手", "友商", "友商情况"),
        False,
        N_("Competitors present at the account"),
        24,
    ),
)
"""Template and export order."""

KEY_PERSON_COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code",
        "客户统一社会信用代码",
        ("统一社会信用代码", "信用代码", "客户信用代码", "单位信用代码"),
        True,
        N_("Credit code of an account already in KAMDesk"),
        22,
    ),
    Column(
        "name",
        "姓名",
        ("联系人", "联系人姓名", "关键人", "关键人姓名"),
        True,
        N_("Name of the person"),
        12,
    ),
    Column(
        "decision_role",
        "决策角色",
        ("角色", "决策链角色"),
        True,
        N_("决策者, 影响者, 使用者 or 把关者"),
        12,
    ),
    Column("tier", "层级", ("对接层级", "联系人层级"), False, N_("高层 or 操作层; empty: 操作层")),
    Column("title", "职务", ("职位", "岗位"), False, N_("Job title")),
    Column("department", "部门", ("所在部门",), False, N_("Department")),
    Column("mobile", "手机", ("手机号", "手机号码", "移动电话"), False, N_("Mobile number")),
    Column("landline", "固定电话", ("座机", "办公电话", "电话"), False, N_("With area code")),
    Column("email", "邮箱", ("电子邮箱", "email", "e-mail"), False, N_("E-mail address")),
    Column(
        "relationship", "关系强度", ("关系", "亲密度"), False, N_("1 (cold) to 5 (close); empty: 3")
    ),
)
"""The key-person sheet, in template order."""

PROBLEM_HEADER = "问题"
"""The error workbook's extra column; an import ignores it."""

_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")
_NOISE = re.compile(r"[\s*＊:：]+")
FORMULA_STARTS = ("=", "+", "-", "@")
_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "对"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "不是", ""})


def header_key(text: str) -> str:
    """A header reduced for matching: half-width, lower case, no marks or units."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOISE.sub("", _BRACKETED.sub("", folded))


def map_header(
    header: Sequence[str], columns: Sequence[Column]
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Field → column index for the headers ``columns`` know, and the headers ignored.

    The first of two columns with the same meaning wins; 问题 is ignored silently.
    Raises when a required column is missing.
    """
    known = {
        header_key(name): column.field
        for column in columns
        for name in (column.header, *column.variants)
    }
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, text in enumerate(header):
        key = header_key(text)
        field = known.get(key)
        if field is not None and field not in found:
            found[field] = index
        elif text and key != header_key(PROBLEM_HEADER):
            ignored.append(text)
    missing = [c.header for c in columns if c.required and c.field not in found]
    if missing:
        raise KamdeskError("import.missing_columns", columns="、".join(missing))
    return found, tuple(ignored)


def column_header(columns: Sequence[Column], field: str) -> str:
    return next((c.header for c in columns if c.field == field), field)


def problem_text(columns: Sequence[Column], field: str, error: KamdeskError) -> str:
    """``表头：message`` for a cell's problem."""
    header = column_header(columns, field)
    return KamdeskError("import.problem", field=header, problem=error.message()).message()


def cell_text(value: Any) -> str:
    """A cell as text, trimmed; never evaluated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(FORMULA_STARTS)


def parse_flag(text: str) -> bool | None:
    """是/否 and their variants; None when the text is neither."""
    key = text.strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


_E = TypeVar("_E", bound=StrEnum)


def parse_choice(text: str, words: Mapping[str, _E], labels: Mapping[_E, str]) -> _E | None:
    """A member by its code, a Chinese word for it (``words``), or its label (English
    source in ``labels``) in the current language; ``None`` when the text is none of them."""
    key = header_key(text)
    options: dict[str, _E] = {header_key(word): member for word, member in words.items()}
    for member, label in labels.items():
        options[header_key(member.value)] = member
        options[header_key(tr(label))] = member
    return options.get(key)


def parse_int(text: str) -> int | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else None


def parse_amount(text: str) -> Decimal | None:
    cleaned = re.sub(r"[,，\s¥￥元]", "", unicodedata.normalize("NFKC", text))
    if not cleaned:
        return Decimal("0.00")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(Decimal("0.01"))


def formula_warnings(columns: Sequence[Column], fields: Mapping[str, Any]) -> list[str]:
    """A warning for each cell whose text starts like a formula (it is kept as text)."""
    return [
        KamdeskError(
            "import.formula", field=column_header(columns, name), char=value.lstrip()[0]
        ).message()
        for name, value in fields.items()
        if looks_like_formula(value)
    ]
