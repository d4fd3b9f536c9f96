"""Import sheets written with XlsxWriter: the customer export, the templates, the error
workbook.

Every workbook is written in constant-memory mode (rows stream to disk, so 100k rows
cost no more memory than ten) with a frozen, filterable header. No cell can ever be a
formula: text goes through ``write_string`` and the workbook is opened with
``strings_to_formulas`` off, so ``=HYPERLINK(...)`` typed into a customer name comes
back as that text.

:meth:`CustomerExportService.export` writes *every* account the customer list shows
for a :class:`~kamdesk.services.customers_query.filters.CustomerFilter` (no cap)
and the exporting actor's record rules, reading rows in chunks, and records an
``export`` audit event naming the actor, the rows and the file. It holds account
columns only; an export that adds key persons' contacts must show them through
:mod:`kamdesk.services.personal_data` like every list.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.audit import events
from kamdesk.services.customer_columns import COLUMNS, PROBLEM_HEADER, Column
from kamdesk.services.customer_list import CustomerFilter, CustomerListService, CustomerRow
from kamdesk.services.sheet_import import ImportReport
from kamdesk.services.uow import write_session

define({"export.cannot_write": N_("{path} cannot be written: {error}")})

EXPORT_CHUNK = 2000
EXPORT_HEADERS: tuple[tuple[str, int], ...] = (
    ("客户名称", 32),
    ("统一社会信用代码", 22),
    ("等级", 6),
    ("类别", 14),
    ("级别", 10),
    ("行业组", 14),
    ("客户经理", 12),
    ("联系电话", 16),
    ("状态", 8),
    ("最近拜访", 12),
    ("流失风险分", 10),
    ("月消费", 14),
)
"""The export's columns; the shared ones carry the import's headers."""

_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


class _Sheet:
    """One worksheet written row by row; every value by its type, text never a formula.

    Rows go through XlsxWriter's own ``write_row`` (strings, numbers, booleans, blanks
    by type), with handlers for the types it would write otherwise: money (``Decimal``)
    with two decimals, dates as ``YYYY-MM-DD`` text, a naive time read from an import
    sheet to the second.
    """

    def __init__(self, book: Any, name: str, headers: Sequence[tuple[str, int]]) -> None:
        self._sheet = book.add_worksheet(name)
        self._bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        self._money = book.add_format({"num_format": "#,##0.00"})
        self._width = len(headers)
        self._sheet.freeze_panes(1, 0)
        for index, (text, width) in enumerate(headers):
            self._sheet.set_column(index, index, width)
            self._sheet.write_string(0, index, text, self._bold)
        self._sheet.add_write_handler(Decimal, self._write_money)
        self._sheet.add_write_handler(date, self._write_day)
        self._sheet.add_write_handler(datetime, self._write_day)
        for as_text in (time, timedelta):  # what else a sheet cell may hold
            self._sheet.add_write_handler(as_text, self._write_text)
        self.rows = 0

    def append(self, values: Sequence[Any], style: Any = None) -> None:
        self.rows += 1
        self._sheet.write_row(self.rows, 0, values, style)

    def _write_money(self, sheet: Any, row: int, col: int, value: Decimal, style: Any) -> int:
        return int(sheet.write_number(row, col, float(value), style or self._money))

    def _write_day(self, sheet: Any, row: int, col: int, value: date, style: Any) -> int:
        if isinstance(value, datetime) and value.tzinfo is None and value.time() != time(0):
            text = value.isoformat(sep=" ", timespec="seconds")  # as the import reads it
        else:
            text = value.isoformat()[:10]
        return int(sheet.write_string(row, col, text, style))

    def _write_text(self, sheet: Any, row: int, col: int, value: object, style: Any) -> int:
        return int(sheet.write_string(row, col, str(value), style))

    def finish(self) -> None:
        self._sheet.autofilter(0, 0, max(self.rows, 1), self._width - 1)


def _open(path: Path) -> Any:
    import xlsxwriter  # heavy: loaded when a sheet is written

    return xlsxwriter.Workbook(str(path), _OPTIONS)


def _close(book: Any, path: Path) -> None:
    try:
        book.close()
    except OSError as exc:
        raise KamdeskError("export.cannot_write", path=str(path), error=exc.strerror) from exc


def write_template(
    path: Path, columns: Sequence[Column] = COLUMNS, notes: Sequence[str] = ()
) -> None:
    """An empty import sheet (customers by default, or ``KEY_PERSON_COLUMNS``,
    ``ORDER_COLUMNS``) with its headers, and a sheet of notes: one line per column,
    then ``notes`` (English sources, shown through ``tr``)."""
    book = _open(path)
    sheet = _Sheet(book, tr("Data"), [(c.header, c.width) for c in columns])
    sheet.finish()
    notes_sheet = _Sheet(
        book,
        tr("How to fill in this sheet"),
        [(tr("Column"), 18), (tr("Required"), 8), (tr("How to fill in"), 60)],
    )
    for column in columns:
        notes_sheet.append((column.header, tr("yes") if column.required else "", tr(column.hint)))
    for line in (*notes, N_("Leave the header row as it is; one record per row.")):
        notes_sheet.append(("", "", tr(line)))
    notes_sheet.finish()
    _close(book, path)


def write_error_workbook(report: ImportReport, path: Path, sheet_name: str = "客户") -> int:
    """Every row of ``report``, those with problems first, with a 问题 column.

    Fixing the marked rows (or deleting them) and importing this file again imports
    everything; returns how many rows have problems.
    """
    book = _open(path)
    width = len(report.header)
    headers = [(text or " ", 16) for text in report.header] + [(PROBLEM_HEADER, 60)]
    sheet = _Sheet(book, sheet_name, headers)
    marked = book.add_format({"bg_color": "#FFF2CC"})
    bad = [r for r in report.rows if not r.accepted]
    for row in (*bad, *(r for r in report.rows if r.accepted)):
        values = (*row.values[:width], *([None] * (width - len(row.values))))
        notes = "；".join((*row.problems, *row.warnings))
        sheet.append((*values, notes), marked if row.problems else None)
    sheet.finish()
    _close(book, path)
    return len(bad)


def _export_values(row: CustomerRow) -> tuple[Any, ...]:
    return (
        row.name,
        row.credit_code,
        row.grade,
        row.category,
        row.level,
        row.industry_group,
        row.owner,
        row.phone,
        row.status,
        row.last_visit_on,
        row.churn_score,
        row.monthly_spend,
    )


class CustomerExportService:
    """Exports of the customer list; each call one unit of work."""

    def __init__(self, engine: Engine, listing: CustomerListService | None = None) -> None:
        self._engine = engine
        self._listing = listing or CustomerListService(engine)

    def export(
        self,
        query: CustomerFilter,
        path: Path,
        actor: Actor,
        *,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> int:
        """Write every account matching ``query`` that ``actor`` may read, in its
        order; returns the row count.

        A cancel stops before the file is complete; the partial file is removed.
        """
        ids = self._listing.ordered_ids(query, actor=actor)
        book = _open(path)
        sheet = _Sheet(book, "客户", EXPORT_HEADERS)
        try:
            for done, rows in self._chunks(ids, actor):
                check_cancel(cancel)
                for row in rows:
                    sheet.append(_export_values(row))
                if progress is not None:
                    progress(done, len(ids), tr("Exporting"))
        except BaseException:
            _close(book, path)
            path.unlink(missing_ok=True)
            raise
        sheet.finish()
        _close(book, path)
        with write_session(self._engine, actor=actor) as s:
            events.record(
                s, "export", entity="customers", details={"rows": sheet.rows, "file": path.name}
            )
        return sheet.rows

    def _chunks(self, ids: Sequence[str], actor: Actor) -> Iterator[tuple[int, list[CustomerRow]]]:
        """``(ids done, rows)`` per chunk of ``ids``, each chunk its own read. (Reading
        the next chunk on a second thread gained nothing: building the rows needs the
        GIL as much as writing the sheet does.)"""
        for start in range(0, len(ids), EXPORT_CHUNK):
            done = min(start + EXPORT_CHUNK, len(ids))
            yield done, self._listing.rows(ids[start:done], actor=actor)
