"""Import sheets: the customer export, the templates, the error workbook.

Every workbook is streamed by :mod:`kamdesk.reports.flat_xlsx` (rows go to disk as
they are written, so 100k rows cost no more memory than ten) with a frozen, filterable
header. Codes are written as their labels (类别 本地大客户, not ``local_key``). No
cell can ever be a formula: text is always an inline string, so
``=HYPERLINK(...)`` typed into a customer name comes back as that text.

:meth:`CustomerExportService.export` writes *every* account the customer list shows
for a :class:`~kamdesk.services.customers_query.filters.CustomerFilter` (no cap)
and the exporting actor's record rules, reading rows in chunks, and records an
``export`` audit event naming the actor, the rows and the file. It holds account
columns only; an export that adds key persons' contacts must show them through
:mod:`kamdesk.services.personal_data` like every list.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from kamdesk.domain.customers.classification import CATEGORY_LABELS, LEVEL_LABELS
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, label, tr
from kamdesk.reports.flat_xlsx import FlatWorkbook
from kamdesk.services.actor import Actor
from kamdesk.services.audit import events
from kamdesk.services.customer_columns import COLUMNS, PROBLEM_HEADER, Column
from kamdesk.services.customer_file.vocabulary import STATUS_LABELS
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


def _open(path: Path) -> FlatWorkbook:
    try:
        return FlatWorkbook(path)
    except OSError as exc:
        raise KamdeskError("export.cannot_write", path=str(path), error=exc.strerror) from exc


def _close(book: FlatWorkbook, path: Path) -> None:
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
    book.add_sheet(tr("Data"), [(c.header, c.width) for c in columns])
    notes_sheet = book.add_sheet(
        tr("How to fill in this sheet"),
        [(tr("Column"), 18), (tr("Required"), 8), (tr("How to fill in"), 60)],
    )
    for column in columns:
        notes_sheet.append((column.header, tr("yes") if column.required else "", tr(column.hint)))
    for line in (*notes, N_("Leave the header row as it is; one record per row.")):
        notes_sheet.append(("", "", tr(line)))
    _close(book, path)


def write_error_workbook(report: ImportReport, path: Path, sheet_name: str = "客户") -> int:
    """Every row of ``report``, those with problems first, with a 问题 column.

    Fixing the marked rows (or deleting them) and importing this file again imports
    everything; returns how many rows have problems.
    """
    book = _open(path)
    width = len(report.header)
    headers = [(text or " ", 16) for text in report.header] + [(PROBLEM_HEADER, 60)]
    sheet = book.add_sheet(sheet_name, headers)
    bad = [r for r in report.rows if not r.accepted]
    for row in (*bad, *(r for r in report.rows if r.accepted)):
        values = (*row.values[:width], *([None] * (width - len(row.values))))
        notes = "；".join((*row.problems, *row.warnings))
        sheet.append((*values, notes), marked=bool(row.problems))
    _close(book, path)
    return len(bad)


def _export_values(row: CustomerRow) -> tuple[Any, ...]:
    return (
        row.name,
        row.credit_code,
        row.grade,
        label(CATEGORY_LABELS, row.category),
        label(LEVEL_LABELS, row.level),
        row.industry_group,
        row.owner,
        row.phone,
        label(STATUS_LABELS, row.status),
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
        sheet = book.add_sheet("客户", EXPORT_HEADERS)
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
