"""The workbook's data rows written by openpyxl write-only, for comparison with the
XlsxWriter constant-memory writer the KPI workbook uses (issue 5: keep the faster).

Same cells as :func:`kamdesk.reports.kpi_xlsx.render_kpi_xlsx` writes on its data
sheets: text as text, numbers with their format, datetimes (Shanghai wall clock) with a
date format, booleans; frozen header row and an autofilter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from kamdesk.reports.kpi_context import CellKind, DataSheet

FORMATS = {
    CellKind.INT: "#,##0",
    CellKind.NUMBER: "#,##0.00",
    CellKind.DATETIME: "yyyy-mm-dd hh:mm",
}


def write_openpyxl(sheets: Sequence[DataSheet], path: Path) -> int:
    """Write every sheet's rows with openpyxl write-only; returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.freeze_panes = "A2"
        ws.append(list(sheet.headers))
        templates = []
        for kind in sheet.kinds:
            cell = WriteOnlyCell(ws)
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
            templates.append(cell)
        for values in sheet.rows:
            out: list[object] = []
            for kind, value, template in zip(sheet.kinds, values, templates, strict=True):
                if value is None:
                    out.append(None)
                    continue
                cell = WriteOnlyCell(ws, value=_cell_value(kind, value))
                cell.number_format = template.number_format
                if kind is CellKind.TEXT:
                    cell.data_type = "s"  # never a formula, like the workbook
                out.append(cell)
            ws.append(out)
            written += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{written + 1}"
    book.save(path)
    return written


def _cell_value(kind: CellKind, value: object) -> object:
    if kind is CellKind.TEXT:
        return str(value)
    if kind is CellKind.DATETIME:
        assert isinstance(value, datetime)
        return value  # Shanghai wall-clock time already
    if kind is CellKind.BOOL:
        return bool(value)
    return float(value)  # type: ignore[arg-type]
