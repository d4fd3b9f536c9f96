"""The left navigation column: one row per page, icon and text, current page highlighted.

Arrow keys move between rows (and switch pages); the window adds Ctrl+1…Ctrl+6.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

STYLE = """
QListWidget#navigation {
    background: #eef2f7;
    border: none;
    border-right: 1px solid #d5dce6;
    outline: 0;
    padding-top: 8px;
}
QListWidget#navigation::item {
    padding: 9px 10px 9px 14px;
    margin: 1px 6px;
    border-radius: 4px;
    color: #22303f;
}
QListWidget#navigation::item:hover { background: #e1e8f2; }
QListWidget#navigation::item:selected {
    background: #d3e2fa;
    color: #0f3f8c;
    font-weight: bold;
}
"""


class NavigationColumn(QListWidget):
    """Rows of (icon, text); selecting a row asks for its page."""

    page_requested = Signal(int)
    """Fires when the user (or code) selects another row; carries the row index."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setStyleSheet(STYLE)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIconSize(QSize(22, 22))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.currentRowChanged.connect(self._on_row_changed)

    def add_entry(self, icon: QIcon, text: str, tooltip: str) -> None:
        item = QListWidgetItem(icon, text)
        item.setToolTip(tooltip)
        item.setSizeHint(QSize(0, 42))
        self.addItem(item)

    def fit_width(self) -> None:
        """As wide as the longest entry, so no text is cut in either language."""
        widest = max(
            (
                self.fontMetrics().horizontalAdvance(self.item(i).text())
                for i in range(self.count())
            ),
            default=80,
        )
        self.setFixedWidth(widest + self.iconSize().width() + 72)

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.page_requested.emit(row)
