"""Reference data files for ``kamdesk-hq publish``: JSON or Excel, one table per key/sheet.

JSON: ``{"products": [{"id": …, "code": …}, …], "calendar_overrides": […], …}``.
Excel (.xlsx): one sheet per table, named like the table; the first row holds the
column names, each further non-empty row is one row. Every row needs a stable ``id``
(publishing the same id again updates that row). Only reference tables are accepted
(:data:`PUBLISHABLE`). Values become JSON-safe: dates and instants as ISO text
(an Excel date-time without a zone is read as Asia/Shanghai), ``Decimal`` as text,
cells holding JSON objects or lists (grading rules) as JSON.

:func:`publish_file` sends a row that names a ``branch_id`` (staff, workstations,
targets; by branch id or code) only to that branch, and every other row to every
chosen branch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kamdesk.domain.clock import SHANGHAI
from kamdesk.errors import KamdeskError, define
from kamdesk.hq.admin import BranchInfo, list_branches
from kamdesk.hq.publish import publish_rows
from kamdesk.i18n import N_
from kamdesk.sync.policies import Policy, policy_of

PUBLISHABLE = (
    "industry_groups",
    "workstations",
    "staff",
    "products",
    "sla_rules",
    "grading_rule_sets",
    "calendar_overrides",
    "targets",
    "incentive_schedules",
    "workorder_policies",
)
"""Reference tables in the order they are published (rows they point to come first)."""

define(
    {
        "hq.reference_file_unreadable": N_("Cannot read the reference data file {path}: {detail}"),
        "hq.reference_table_unknown": N_(
            "{table} in {path} is not reference data HQ publishes (one of: {allowed})."
        ),
        "hq.reference_row_invalid": N_("Row {row} of {table} in {path} has no id."),
    }
)


@dataclass(frozen=True)
class Published:
    """What one table did in one branch: rows offered and rows that changed."""

    branch_code: str
    table: str
    offered: int
    changed: int


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
        return aware.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the file must hold one JSON object of tables")
    return data


def _read_xlsx(path: Path) -> dict[str, Any]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        tables: dict[str, Any] = {}
        for sheet in book.worksheets:
            lines = sheet.iter_rows(values_only=True)
            header = [str(c).strip() if c is not None else "" for c in next(lines, ())]
            rows = []
            for line in lines:
                if all(c is None or c == "" for c in line):
                    continue
                rows.append({name: cell for name, cell in zip(header, line, strict=False) if name})
            tables[sheet.title] = rows
        return tables
    finally:
        book.close()


def load_reference_file(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The file's tables, checked and JSON-safe, in :data:`PUBLISHABLE` order."""
    try:
        raw = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_json(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KamdeskError("hq.reference_file_unreadable", path=path, detail=str(exc)) from exc
    for table in raw:
        if table not in PUBLISHABLE or policy_of(table) is not Policy.REFERENCE:
            allowed = ", ".join(PUBLISHABLE)
            raise KamdeskError(
                "hq.reference_table_unknown", table=table, path=path, allowed=allowed
            )
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in PUBLISHABLE:
        rows = raw.get(table)
        if not rows:
            continue
        clean = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or not row.get("id"):
                raise KamdeskError("hq.reference_row_invalid", row=number, table=table, path=path)
            values = {str(k): json_safe(v) for k, v in row.items()}
            values["id"] = str(values["id"])
            values.setdefault("deleted_at", None)
            values.setdefault("deleted_by", None)
            clean.append(values)
        tables[table] = clean
    return tables


def _rows_for(rows: list[dict[str, Any]], branch: BranchInfo) -> list[dict[str, Any]]:
    """The rows of ``branch``: those naming it (by id or code) and those naming none."""
    mine = []
    for row in rows:
        owner = row.get("branch_id")
        if owner in (None, ""):
            mine.append(row)
        elif owner in (branch.id, branch.code):
            mine.append({**row, "branch_id": branch.id})
    return mine


def publish_file(
    engine: sa.Engine, path: Path, branch_codes: Sequence[str] = ()
) -> list[Published]:
    """Publish ``path`` to ``branch_codes`` (every branch when empty); one transaction
    per branch and table."""
    tables = load_reference_file(path)
    known = list_branches(engine)
    wanted = {c.strip().upper() for c in branch_codes}
    chosen: list[BranchInfo] = [b for b in known if not wanted or b.code in wanted]
    missing = wanted - {b.code for b in known}
    if missing:
        raise KamdeskError("hq.unknown_branch", branch=", ".join(sorted(missing)))
    done = []
    for branch in chosen:
        for table, rows in tables.items():
            mine = _rows_for(rows, branch)
            if mine:
                changed = publish_rows(engine, branch.code, table, mine)
                done.append(Published(branch.code, table, len(mine), changed))
    return done
