"""The monthly evaluation sheets as a workbook (XlsxWriter): an overview of every
person, every KPI against its target (one row per person and KPI), each incentive's
computation step by step, and the schedule in force.

Guarantees: text is always written with ``write_string`` (a name such as ``=cmd|…``
stays text, never a formula); numbers keep full precision and only the cell format
rounds (money ``#,##0.00``, percent KPIs as fractions with a percent format), so the
sheet agrees with the PDF and the KPI report; headers are frozen and filtered.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kamdesk.domain.clock import local
from kamdesk.domain.evaluation import ROLE_LABELS, STATUS_LABELS, EvaluationReport, schedule_rows
from kamdesk.domain.kpi.definitions import UNIT_LABELS, Unit
from kamdesk.domain.progress import CancelCheck, check_cancel
from kamdesk.i18n import tr


class _Formats:
    def __init__(self, book: Workbook) -> None:
        self.head = book.add_format({"bold": True, "bg_color": "#D5DEE9", "border": 1,
                                     "text_wrap": True, "valign": "vcenter"})  # fmt: skip
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.number = book.add_format({"num_format": "#,##0.00"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


class _Sheet:
    """Rows written top to bottom under a frozen, filtered header."""

    def __init__(self, book: Workbook, name: str, headers: list[str], f: _Formats) -> None:
        self.ws: Worksheet = book.add_worksheet(name[:31])
        self.f = f
        self.headers = headers
        self.top = 0
        self.row = 0

    def lines(self, *texts: str) -> None:
        """Title lines above the header (the first in the title format)."""
        for i, text in enumerate(texts):
            self.ws.write_string(self.row, 0, text, self.f.title if i == 0 else None)
            self.row += 1
        self.row += 1

    def header(self) -> None:
        self.top = self.row
        for c, text in enumerate(self.headers):
            self.ws.write_string(self.row, c, text, self.f.head)
        self.row += 1

    def add(self, *cells: tuple[object, Any]) -> None:
        """One row of ``(value, format)``: str as text, numbers as numbers, None blank."""
        for c, (value, fmt) in enumerate(cells):
            if value is None:
                self.ws.write_blank(self.row, c, None, fmt)
            elif isinstance(value, str):
                self.ws.write_string(self.row, c, value, fmt)
            elif isinstance(value, int | float | Decimal):
                self.ws.write_number(self.row, c, float(value), fmt)
            else:
                raise TypeError(f"unexpected cell value {value!r}")
        self.row += 1

    def finish(self, widths: list[int]) -> None:
        self.ws.freeze_panes(self.top + 1, 1)
        self.ws.autofilter(self.top, 0, max(self.row - 1, self.top + 1), len(self.headers) - 1)
        for c, width in enumerate(widths):
            self.ws.set_column(c, c, width)


def _overview(book: Workbook, f: _Formats, report: EvaluationReport) -> None:
    headers = [tr("Name"), tr("Login"), tr("Industry group"), tr("Staff type"),
               tr("Targets set"), tr("Targets met"), tr("Revenue"), tr("Revenue target"),
               tr("Sales attainment"), tr("Incentive")]  # fmt: skip
    sheet = _Sheet(book, tr("Overview"), headers, f)
    generated = local(report.generated_at).strftime("%Y-%m-%d %H:%M")
    sheet.lines(
        f"{tr('Monthly evaluation sheets')} · {report.period.label}",
        tr("Branch: {branch}", branch=report.branch_name),
        tr("Incentive schedule: {schedule}", schedule=report.schedule.label()),
        tr("Generated {when}", when=generated),
    )
    sheet.header()
    for person in report.people:
        k14 = person.line("K14").figure
        sheet.add(
            (person.name, None), (person.login, None), (person.group, None),
            (tr(ROLE_LABELS[person.incentive.role]), None),
            (person.targets_set, None), (person.targets_met, None),
            (person.revenue, f.money), (k14.denominator or None, f.money),
            (k14.value, f.percent), (person.incentive.amount, f.money),
        )  # fmt: skip
    sheet.finish([14, 12, 16, 12, 10, 10, 16, 16, 12, 14])


def _targets(book: Workbook, f: _Formats, report: EvaluationReport) -> None:
    headers = [tr("Name"), tr("Industry group"), tr("Code"), tr("KPI"), tr("Unit"),
               tr("Target"), tr("Value"), tr("Numerator"), tr("Denominator"),
               tr("Result")]  # fmt: skip
    sheet = _Sheet(book, tr("KPIs against targets"), headers, f)
    sheet.header()
    for person in report.people:
        for line in person.lines:
            fmt = f.percent if line.kpi.unit is Unit.PERCENT else f.number
            fig = line.figure
            sheet.add(
                (person.name, None), (person.group, None), (line.kpi.code, None),
                (tr(line.kpi.name), None), (tr(UNIT_LABELS[line.kpi.unit]), None),
                (line.target, fmt), (fig.value, fmt), (fig.numerator, f.number),
                (fig.denominator, f.number), (tr(STATUS_LABELS[line.status]), None),
            )  # fmt: skip
    sheet.finish([14, 16, 8, 30, 14, 12, 12, 14, 14, 10])


def _computation(book: Workbook, f: _Formats, report: EvaluationReport) -> None:
    headers = [tr("Name"), tr("Step"), tr("How the incentive was computed")]
    sheet = _Sheet(book, tr("Incentive computation"), headers, f)
    sheet.header()
    for person in report.people:
        for number, text in enumerate(person.incentive.explanation(), start=1):
            sheet.add((person.name, None), (number, None), (text, f.wrap))
    sheet.finish([14, 6, 110])


def _schedule(book: Workbook, f: _Formats, report: EvaluationReport) -> None:
    sheet = _Sheet(book, tr("Schedule"), [tr("Rule"), tr("Value")], f)
    sheet.lines(tr("Appendix: incentive schedule"), report.schedule.label())
    sheet.header()
    for what, value in schedule_rows(report.schedule.schedule):
        sheet.add((what, None), (value, None))
    sheet.finish([44, 40])


def render_evaluation_xlsx(
    report: EvaluationReport, out: Path | BinaryIO, cancel: CancelCheck | None = None
) -> None:
    """Write the workbook of ``report`` to a path or a binary file object."""
    options = {"strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False,
               "in_memory": not isinstance(out, Path)}  # fmt: skip
    book = xlsxwriter.Workbook(str(out) if isinstance(out, Path) else out, options)
    try:
        f = _Formats(book)
        for part in (_overview, _targets, _computation, _schedule):
            check_cancel(cancel)
            part(book, f, report)
    finally:
        book.close()
