"""The order list as a paged table model: the true row count from SQL, rows fetched a
page at a time as they scroll into view, sorting and filtering done by the query.

Guarantee: ``rowCount`` is the count of the query when it was last set; a page is
read once and kept (the most recent :data:`CACHED_PAGES` pages), so scrolling back
costs nothing. Hazard: pages are read on the GUI thread when first shown (one
indexed query of :data:`PAGE_SIZE` rows, a few milliseconds); rows changed by others
show their new values only after :meth:`OrdersTableModel.refresh`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kamdesk.i18n import N_
from kamdesk.services.actor import Actor
from kamdesk.services.workorders import OrderQuery, OrderRow, OrderSort, WorkOrderService
from kamdesk.ui.paged_model import Index, PagedTableModel
from kamdesk.ui.workorders.qtime import shown
from kamdesk.ui.workorders.tags import sla_colours

PAGE_SIZE = 100
CACHED_PAGES = 20

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


class OrdersTableModel(PagedTableModel[OrderQuery, list[OrderRow], None]):
    """Rows of ``service`` for ``actor`` and the current :class:`OrderQuery`."""

    columns = COLUMNS
    cached_pages = CACHED_PAGES

    def __init__(self, service: WorkOrderService, actor: Actor | None, parent: Any = None) -> None:
        super().__init__(OrderQuery(), parent)
        self._service = service
        self._actor = actor
        self._count = 0

    # --- query ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Count again and forget every cached page (the rows change at once)."""
        self.beginResetModel()
        self._pages.clear()
        self._count = self._service.count(self._actor, self._query)
        self.endResetModel()

    # --- rows -----------------------------------------------------------------------

    def row_count(self) -> int:
        return self._count

    def row_label(self, section: int) -> Any:
        """The plain 1-based row number."""
        return section + 1

    def order_id(self, row: int) -> str | None:
        found = self._row(row)
        return None if found is None else found.order_id

    def _row(self, row: int) -> OrderRow | None:
        if not 0 <= row < self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._cached_page(page_no, self._read_page)
        return page[offset] if offset < len(page) else None

    def _read_page(self, page_no: int) -> list[OrderRow]:
        return self._service.list_orders(self._actor, self._query, page_no * PAGE_SIZE, PAGE_SIZE)

    # --- Qt model -------------------------------------------------------------------

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
