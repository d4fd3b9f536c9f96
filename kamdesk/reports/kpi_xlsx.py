"""The KPI workbook (XlsxWriter, constant-memory): summary, one sheet per dimension
(for the context's ``parts`` dimensions another with every KPI's numerator and
denominator), data sheets of the rows behind the figures, native charts and the
definitions.

Guarantees: rows are written as they stream in (memory does not grow with the data);
text is always written with ``write_string``, so no cell can be executed as a
formula (``=cmd|...`` stays text); numbers keep full precision and only the cell
format rounds, percent figures are stored as fractions with a percent format.
Hazard: constant-memory mode writes row by row, so each sheet is written top to
bottom exactly once. ``progress``/``cancel`` are honoured every 5,000 data rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kamdesk.domain.clock import local
from kamdesk.domain.kpi.definitions import (
    COMMON_RULES,
    DIRECTION_LABELS,
    KPIS,
    UNIT_LABELS,
    KpiDef,
    Unit,
)
from kamdesk.domain.kpi.figures import DIMENSION_LABELS, KpiRow
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.i18n import tr
from kamdesk.reports.kpi_context import CellKind, DataSheet, KpiReportContext

CHUNK = 5_000
MAX_SHEET_NAME = 31


class _Formats:
    def __init__(self, book: Workbook) -> None:
        self.head = book.add_format({"bold": True, "bg_color": "#D5DEE9", "border": 1,
                                     "text_wrap": True, "valign": "vcenter"})  # fmt: skip
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.number = book.add_format({"num_format": "#,##0.00"})
        self.integer = book.add_format({"num_format": "#,##0"})
        self.when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def value(self, kpi: KpiDef) -> Any:
        return self.percent if kpi.unit is Unit.PERCENT else self.number


def _text(ws: Worksheet, row: int, col: int, value: str, fmt: Any = None) -> None:
    ws.write_string(row, col, value, fmt)


def _number(ws: Worksheet, row: int, col: int, value: float | None, fmt: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, value, fmt)


def _part_format(f: _Formats, value: float) -> Any:
    return f.integer if float(value).is_integer() else f.number


def _summary(book: Workbook, f: _Formats, ctx: KpiReportContext) -> None:
    ws = book.add_worksheet(tr("Summary"))
    pack = ctx.pack
    _text(ws, 0, 0, tr("Key-account KPI report"), f.title)
    _text(ws, 1, 0, tr("Branch: {branch}", branch=pack.branch_name))
    _text(ws, 2, 0, tr("Period: {period}", period=pack.period.label))
    generated = local(ctx.generated_at).strftime("%Y-%m-%d %H:%M")
    _text(ws, 3, 0, tr("Generated {when}", when=generated))
    headers = [tr("Code"), tr("KPI"), tr("Value"), tr("Numerator"), tr("Denominator"),
               tr("Unit"), tr("Previous period")]  # fmt: skip
    top = 5
    for c, h in enumerate(headers):
        _text(ws, top, c, h, f.head)
    for i, kpi in enumerate(KPIS, start=top + 1):
        fig = pack.total.figures[kpi.code]
        _text(ws, i, 0, kpi.code)
        _text(ws, i, 1, tr(kpi.name))
        _number(ws, i, 2, fig.value, f.value(kpi))
        _number(ws, i, 3, fig.numerator, _part_format(f, fig.numerator))
        _number(ws, i, 4, fig.denominator, _part_format(f, fig.denominator))
        _text(ws, i, 5, tr(UNIT_LABELS[kpi.unit]))
        before = pack.previous_total.figures[kpi.code].value if pack.previous_total else None
        _number(ws, i, 6, before, f.value(kpi))
    last = top + len(KPIS)
    ws.freeze_panes(top + 1, 2)
    ws.autofilter(top, 0, last, len(headers) - 1)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 6, 16)
    percent_rows = [top + 1 + i for i, k in enumerate(KPIS) if k.unit is Unit.PERCENT]
    chart = book.add_chart({"type": "bar"})
    name = ws.get_name()
    for r in percent_rows:
        chart.add_series({"name": [name, r, 1], "values": [name, r, 2, r, 2]})
    chart.set_title({"name": tr("Percent KPIs")})
    chart.set_x_axis({"num_format": "0%"})
    chart.set_size({"width": 620, "height": 520})
    ws.insert_chart(top, len(headers) + 1, chart)


def _dimension_sheet(
    book: Workbook, f: _Formats, title: str, rows: Sequence[KpiRow], sheet_name: str
) -> None:
    ws = book.add_worksheet(sheet_name)
    _text(ws, 0, 0, title, f.head)
    for c, kpi in enumerate(KPIS, start=1):
        _text(ws, 0, c, f"{kpi.code} {tr(kpi.name)}", f.head)
    for r, row in enumerate(rows, start=1):
        _text(ws, r, 0, row.name)
        for c, kpi in enumerate(KPIS, start=1):
            _number(ws, r, c, row.figures[kpi.code].value, f.value(kpi))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(len(rows), 1), len(KPIS))
    ws.set_row(0, 45)
    ws.set_column(0, 0, 22)
    ws.set_column(1, len(KPIS), 12)
    if rows:
        name = ws.get_name()
        chart = book.add_chart({"type": "column"})
        col = 1 + next(i for i, k in enumerate(KPIS) if k.code == "K01")
        chart.add_series({"name": [name, 0, col], "categories": [name, 1, 0, len(rows), 0],
                          "values": [name, 1, col, len(rows), col]})  # fmt: skip
        chart.set_y_axis({"num_format": "0%"})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 320})
        ws.insert_chart(len(rows) + 3, 0, chart)


def _parts_sheet(
    book: Workbook, f: _Formats, title: str, rows: Sequence[KpiRow], sheet_name: str
) -> None:
    """One line per row: every KPI as value, numerator and denominator side by side."""
    ws = book.add_worksheet(sheet_name)
    _text(ws, 0, 0, title, f.head)
    for i, kpi in enumerate(KPIS):
        c = 1 + 3 * i
        _text(ws, 0, c, f"{kpi.code} {tr(kpi.name)}", f.head)
        _text(ws, 0, c + 1, f"{kpi.code} {tr('Numerator')}", f.head)
        _text(ws, 0, c + 2, f"{kpi.code} {tr('Denominator')}", f.head)
    for r, row in enumerate(rows, start=1):
        _text(ws, r, 0, row.name)
        for i, kpi in enumerate(KPIS):
            fig = row.figures[kpi.code]
            c = 1 + 3 * i
            _number(ws, r, c, fig.value, f.value(kpi))
            _number(ws, r, c + 1, fig.numerator, _part_format(f, fig.numerator))
            _number(ws, r, c + 2, fig.denominator, _part_format(f, fig.denominator))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(len(rows), 1), 3 * len(KPIS))
    ws.set_row(0, 45)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 3 * len(KPIS), 13)


def _data_sheet(
    book: Workbook,
    f: _Formats,
    sheet: DataSheet,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> int:
    ws = book.add_worksheet(sheet.title[:MAX_SHEET_NAME])
    for c, h in enumerate(sheet.headers):
        _text(ws, 0, c, h, f.head)
    formats = {CellKind.INT: f.integer, CellKind.NUMBER: f.number, CellKind.DATETIME: f.when,
               CellKind.TEXT: None, CellKind.BOOL: None}  # fmt: skip
    writers = {CellKind.TEXT: ws.write_string, CellKind.BOOL: ws.write_boolean,
               CellKind.DATETIME: ws.write_datetime, CellKind.INT: ws.write_number,
               CellKind.NUMBER: ws.write_number}  # fmt: skip
    columns = [(c, writers[k], formats[k]) for c, k in enumerate(sheet.kinds)]
    r = 0
    for r, values in enumerate(sheet.rows, start=1):
        for c, write, fmt in columns:
            value = values[c]
            if value is not None:
                write(r, c, value, fmt)  # text stays text: write_string, never a formula
        if r % CHUNK == 0:
            check_cancel(cancel)
            if progress is not None:
                progress(r, r + CHUNK, tr("Writing {sheet}…", sheet=sheet.title))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), len(sheet.headers) - 1)
    ws.set_column(0, len(sheet.headers) - 1, 16)
    return r


def _definitions(book: Workbook, f: _Formats) -> None:
    ws = book.add_worksheet(tr("Definitions"))
    headers = [tr("Code"), tr("KPI"), tr("Numerator"), tr("Denominator"), tr("Unit"),
               tr("Direction"), tr("Note")]  # fmt: skip
    for c, h in enumerate(headers):
        _text(ws, 0, c, h, f.head)
    for r, k in enumerate(KPIS, start=1):
        cells = [k.code, tr(k.name), tr(k.numerator), tr(k.denominator),
                 tr(UNIT_LABELS[k.unit]), tr(DIRECTION_LABELS[k.direction]),
                 tr(k.note) if k.note else ""]  # fmt: skip
        for c, v in enumerate(cells):
            _text(ws, r, c, v, f.wrap)
    for i, rule in enumerate(COMMON_RULES, start=len(KPIS) + 2):
        _text(ws, i, 0, tr(rule))
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 3, 50)
    ws.set_column(4, 6, 16)


def render_kpi_xlsx(
    ctx: KpiReportContext,
    out: Path | BinaryIO,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> int:
    """Write the workbook; returns the number of data rows written."""
    options = {"constant_memory": True, "strings_to_formulas": False,
               "strings_to_urls": False, "strings_to_numbers": False,
               "in_memory": not isinstance(out, Path)}  # fmt: skip
    book = xlsxwriter.Workbook(str(out) if isinstance(out, Path) else out, options)
    written = 0
    try:
        f = _Formats(book)
        _summary(book, f, ctx)
        for dim in ctx.dimensions:
            label = tr(DIMENSION_LABELS[dim])
            _dimension_sheet(book, f, label, ctx.pack.rows.get(dim, ()), label[:MAX_SHEET_NAME])
            if dim in ctx.parts:
                name = tr("{dimension} in detail", dimension=label)[:MAX_SHEET_NAME]
                _parts_sheet(book, f, label, ctx.pack.rows.get(dim, ()), name)
        for sheet in ctx.data_sheets:
            check_cancel(cancel)
            written += _data_sheet(book, f, sheet, progress, cancel)
        _definitions(book, f)
    finally:
        book.close()
    return written
