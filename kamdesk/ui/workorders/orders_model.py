"""The order list as a paged table model: the true row count from SQL, rows fetched a
page at a time as they scroll into view, sorting and filtering done by the query.

Guarantee: ``rowCount`` is the count of the query when it was last set; a page is
read once and kept (the most recent :data:`CACHED_PAGES` pages), so scrolling back
costs nothing. Hazard: pages are read on the GUI thread when first shown (one
indexed query of :data:`PAGE_SIZE` rows, a few milliseconds); rows changed by others
show their new values only after :meth:`OrdersTableModel.refresh`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.workorders import OrderQuery, OrderRow, OrderSort, WorkOrderService
from kamdesk.ui.workorders.qtime import shown
from kamdesk.ui.workorders.tags import sla_colours

PAGE_SIZE = 100
CACHED_PAGES = 20

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, OrderSort | None], ...] = (
    (N_("Order no."), OrderSort.ORDER_NO),
    (N_("Customer"), OrderSort.CUSTOMER),
    (N_("Product"), None),
    (N_("State"), OrderSort.STATE),
    (N_("Deadline"), OrderSort.DUE),
    (N_("Deadline state"), None),
    (N_("Account manager"), None),
    (N_("Returns"), None),
    (N_("Updated"), OrderSort.UPDATED),
)
COL_SLA = 5
COL_RETURNS = 7


class OrdersTableModel(QAbstractTableModel):
    """Rows of ``service`` for ``actor`` and the current :class:`OrderQuery`."""

    def __init__(self, service: WorkOrderService, actor: Actor | None, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._actor = actor
        self._query = OrderQuery()
        self._count = 0
        self._pages: OrderedDict[int, list[OrderRow]] = OrderedDict()

    # --- query ----------------------------------------------------------------------

    @property
    def query(self) -> OrderQuery:
        return self._query

    def set_query(self, query: OrderQuery) -> None:
        """Show ``query``'s rows from the first page on."""
        self._query = query
        self.refresh()

    def refresh(self) -> None:
        """Count again and forget every cached page."""
        self.beginResetModel()
        self._pages.clear()
        self._count = self._service.count(self._actor, self._query)
        self.endResetModel()

    def order_id(self, row: int) -> str | None:
        found = self._row(row)
        return None if found is None else found.order_id

    def _row(self, row: int) -> OrderRow | None:
        if not 0 <= row < self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._service.list_orders(
                self._actor, self._query, page_no * PAGE_SIZE, PAGE_SIZE
            )
            self._pages[page_no] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    # --- Qt model -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return tr(COLUMNS[section][0])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_RETURNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = sla_colours(row.sla_status) if column == COL_SLA else None
            if colours is not None:
                return colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1]
        if role == Qt.ItemDataRole.UserRole:
            return row.order_id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's key (columns without one keep the order)."""
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][1]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self._query, sort=key, descending=descending))


def _display(row: OrderRow, column: int) -> str:
    values = (
        row.order_no,
        row.customer_name,
        row.product_name,
        row.state_label,
        shown(row.due_at),
        row.sla_label,
        row.owner_name,
        f"{row.return_count:,}",
        shown(row.updated_at),
    )
    return values[column]
