"""The customer list as a table model over an id snapshot (UI.md "Tables").

:meth:`CustomerListModel.set_query` asks the service, on the task runner's read lane,
for the ordered ids of every matching account plus the rows of the first page; when
they arrive the model resets to them. ``rowCount`` is then the true count, and a row
outside the cached pages is read with its page (:data:`PAGE_SIZE` rows by primary
key, a few milliseconds) the first time the view paints it, so the scrollbar is
honest and the last row is as cheap as the first.

Guarantees: only the answer to the latest query is shown (answers to queries
overtaken by a newer one are dropped); at most :data:`CACHED_PAGES` pages are kept.
Hazards: the snapshot is not live — :meth:`CustomerListModel.refresh` re-runs the
query; a page read happens on the GUI thread; an account deleted after the snapshot
shows as an empty row until then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor

from kamdesk.domain.customers.churn import ChurnRisk
from kamdesk.domain.customers.classification import CATEGORY_LABELS, LEVEL_LABELS
from kamdesk.domain.customers.visits import VisitState
from kamdesk.i18n import N_, label, tr
from kamdesk.services.actor import Actor
from kamdesk.services.customer_list import (
    CustomerFilter,
    CustomerListService,
    CustomerRow,
    ListSnapshot,
    SortKey,
)
from kamdesk.ui.customer_file.formatting import day, money
from kamdesk.ui.paged_model import Index, PagedTableModel
from kamdesk.ui.tasks import TaskHandle, TaskRunner

PAGE_SIZE = 100
CACHED_PAGES = 30

COLUMNS: tuple[tuple[str, SortKey], ...] = (
    (N_("Name"), SortKey.NAME),
    (N_("Unified social credit code"), SortKey.CREDIT_CODE),
    (N_("Grade"), SortKey.GRADE),
    (N_("Category"), SortKey.CATEGORY),
    (N_("Level"), SortKey.LEVEL),
    (N_("Industry group"), SortKey.INDUSTRY_GROUP),
    (N_("Account manager"), SortKey.OWNER),
    (N_("Last visit"), SortKey.LAST_VISIT),
    (N_("Churn risk"), SortKey.CHURN),
    (N_("Monthly spend"), SortKey.MONTHLY_SPEND),
)
COL_GRADE, COL_LAST_VISIT, COL_CHURN, COL_SPEND = 2, 7, 8, 9

VISIT_LABELS: dict[VisitState, str] = {
    VisitState.OK: N_("Visited"),
    VisitState.DUE_SOON: N_("Visit due soon"),
    VisitState.OVERDUE: N_("Visit overdue"),
}
RISK_LABELS: dict[ChurnRisk, str] = {
    ChurnRisk.LOW: N_("Low risk"),
    ChurnRisk.MEDIUM: N_("Medium risk"),
    ChurnRisk.HIGH: N_("High risk"),
}

_GREEN, _AMBER, _RED = ("#e3f4e8", "#1d6b35"), ("#fff3d6", "#8a5a00"), ("#fde4e1", "#a4261b")
_VISIT_COLOURS = {VisitState.OK: _GREEN, VisitState.DUE_SOON: _AMBER, VisitState.OVERDUE: _RED}
_RISK_COLOURS = {ChurnRisk.LOW: _GREEN, ChurnRisk.MEDIUM: _AMBER, ChurnRisk.HIGH: _RED}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)


class CustomerListModel(PagedTableModel[CustomerFilter, dict[str, CustomerRow], TaskHandle]):
    """The accounts of the current :class:`CustomerFilter`, one page read at a time."""

    columns = COLUMNS
    cached_pages = CACHED_PAGES

    loading_changed = Signal(bool)
    """Fires when a query starts (True) and when its answer was shown or failed (False)."""
    snapshot_shown = Signal(int)
    """Fires after the model reset to a new answer; carries its row count."""
    query_failed = Signal(object)
    """Fires when the latest query raised; carries the exception (the old rows stay)."""

    def __init__(
        self,
        service: CustomerListService,
        runner: TaskRunner,
        parent: Any = None,
        *,
        reader: Callable[[], Actor | None] | None = None,
    ) -> None:
        """``reader`` names the person the list is for (asked at every query, in the
        background); the list holds only the accounts they may read."""
        super().__init__(CustomerFilter(), parent)
        self._service = service
        self._runner = runner
        self._reader = reader
        self._actor: Actor | None = None
        self._ids: list[str] = []
        self._pending: TaskHandle | None = None

    # --- query ----------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._pending is not None

    def refresh(self) -> TaskHandle:
        """Run the current query again in the background (new, changed and deleted
        accounts show up when its answer comes; only the latest answer is shown)."""
        if self._pending is not None:
            self._pending.cancel()
        service, query, reader = self._service, self._query, self._reader

        def work(progress: object, cancel: object) -> tuple[Actor | None, ListSnapshot]:
            actor = None if reader is None else reader()
            return actor, service.snapshot(query, PAGE_SIZE, actor=actor)

        handle = self._runner.run(
            work,
            title=tr("Searching the key accounts"),
            show_progress=False,
            on_failure=_reported_by_the_model,
        )
        # Connected here, to bound methods: Qt drops them if the model goes first, and
        # sender() tells an answer to the latest query from an overtaken one.
        handle.succeeded.connect(self._answered)
        handle.failed.connect(self._failed)
        was_loading = self.loading
        self._pending = handle
        if not was_loading:
            self.loading_changed.emit(True)
        return handle

    def _answered(self, answer: tuple[Actor | None, ListSnapshot]) -> None:
        if self.sender() is not self._pending:
            return
        self._actor, snapshot = answer
        self.beginResetModel()
        self._ids = snapshot.ids
        self._pages.clear()
        if snapshot.first_rows:
            self._pages[0] = {r.id: r for r in snapshot.first_rows}
        self.endResetModel()
        self._pending = None
        self.loading_changed.emit(False)
        self.snapshot_shown.emit(len(self._ids))

    def _failed(self, exc: BaseException) -> None:
        if self.sender() is not self._pending:
            return
        self._pending = None
        self.loading_changed.emit(False)
        self.query_failed.emit(exc)

    # --- rows -----------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self._ids)

    def customer_id(self, row: int) -> str | None:
        """The account id of ``row`` in the snapshot (known without reading the row)."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def customer_row(self, row: int) -> CustomerRow | None:
        """The row's values, read with its page if not cached; None if it was deleted."""
        customer_id = self.customer_id(row)
        if customer_id is None:
            return None
        return self._cached_page(row // PAGE_SIZE, self._read_page).get(customer_id)

    def _read_page(self, page_no: int) -> dict[str, CustomerRow]:
        first = page_no * PAGE_SIZE
        rows = self._service.rows(self._ids[first : first + PAGE_SIZE], actor=self._actor)
        return {r.id: r for r in rows}

    # --- Qt model -------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.customer_id(index.row())
        row = self.customer_row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_CHURN:
            return tr("Churn score {score} of 100", score=row.churn_score)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_SPEND:
                return _RIGHT
            if column == COL_GRADE:
                return _CENTRE
            return None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = _colours(row, column)
            if colours is not None:
                return QColor(colours[0 if role == Qt.ItemDataRole.BackgroundRole else 1])
        return None


def _reported_by_the_model(exc: BaseException) -> None:
    """The runner's failure callback: the model's ``query_failed`` tells the page."""


def _display(row: CustomerRow, column: int) -> str:
    if column == COL_LAST_VISIT:
        shown = day(row.last_visit_on) or tr("Never")
        if row.visit is None:
            return shown
        return f"{shown} · {tr(VISIT_LABELS[row.visit.state])}"
    if column == COL_CHURN:
        return f"{tr(RISK_LABELS[row.churn_risk])} ({row.churn_score})"
    values = (
        row.name,
        row.credit_code,
        row.grade,
        label(CATEGORY_LABELS, row.category),
        label(LEVEL_LABELS, row.level),
        row.industry_group,
        row.owner,
    )
    if column < len(values):
        return values[column]
    return money(row.monthly_spend)


def _colours(row: CustomerRow, column: int) -> tuple[str, str] | None:
    if column == COL_LAST_VISIT and row.visit is not None:
        return _VISIT_COLOURS[row.visit.state]
    if column == COL_CHURN:
        return _RISK_COLOURS[row.churn_risk]
    return None
