"""A table model over a query answered in SQL, its rows read a page at a time (UI.md
"Tables").

:class:`PagedTableModel` holds the query, a least-recently-used cache of pages, the
columns (each a msgid and the query's sort key, or None where the column does not sort)
and the Qt plumbing these give; a subclass says how many rows the answer has, how the
query is run (:meth:`PagedTableModel.refresh`), how a page is read and what a cell shows.

Guarantees: at most :attr:`PagedTableModel.cached_pages` pages are kept, the least
recently used dropped first; sorting by a column runs the query again only when that
changes its order. Hazards: a page is read on the GUI thread the first time it is asked
for; the query must be a dataclass with ``sort`` and ``descending`` fields.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kamdesk.i18n import tr

Index = QModelIndex | QPersistentModelIndex

QueryT = TypeVar("QueryT")
PageT = TypeVar("PageT")
AskedT = TypeVar("AskedT")


class PagedTableModel(QAbstractTableModel, Generic[QueryT, PageT, AskedT]):
    """The rows of the current query (``QueryT``), cached as pages (``PageT``);
    ``AskedT`` is what running the query returns (a task handle, or None)."""

    columns: tuple[tuple[str, Any], ...] = ()
    """(header msgid, the query's sort key or None) for each column."""
    cached_pages = 20
    """How many pages are kept at the most."""

    def __init__(self, query: QueryT, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = query
        self._pages: OrderedDict[int, PageT] = OrderedDict()

    # --- query ----------------------------------------------------------------------

    @property
    def query(self) -> QueryT:
        """The query asked last."""
        return self._query

    def set_query(self, query: QueryT) -> AskedT:
        """Show ``query``'s rows (see :meth:`refresh` for when they change)."""
        self._query = query
        return self.refresh()

    def refresh(self) -> AskedT:
        """Run the current query again and forget every cached page."""
        raise NotImplementedError

    # --- pages ----------------------------------------------------------------------

    def row_count(self) -> int:
        """How many rows the answer shown has."""
        raise NotImplementedError

    def _cached_page(self, page_no: int, read: Callable[[int], PageT]) -> PageT:
        """Page ``page_no``, from the cache or read by ``read(page_no)`` and kept."""
        page = self._pages.get(page_no)
        if page is None:
            page = read(page_no)
            self._pages[page_no] = page
            while len(self._pages) > self.cached_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page

    def row_label(self, section: int) -> Any:
        """The vertical header of row ``section``: its 1-based number with separators."""
        return f"{section + 1:,}" if 0 <= section < self.row_count() else None

    # --- Qt model -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return tr(self.columns[section][0]) if 0 <= section < len(self.columns) else None
        return self.row_label(section)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's key (columns without one keep the order)."""
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column][1]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        query = replace(self._query, sort=key, descending=descending)
        if query != self._query:
            self.set_query(query)
