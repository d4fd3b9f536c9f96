"""The top strip of every page: its title, its search field (only on pages that
search), and room for the page's actions on the right."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from kamdesk.i18n import tr


class PageHeader(QWidget):
    """Title, optional search field and action buttons of one page.

    A page without search passes no placeholder and gets no field: the window's
    Ctrl+F then does nothing there rather than offering a search that finds nothing.
    """

    search_changed = Signal(str)
    """Fires whenever the text of the search field changes (pages with search only)."""

    def __init__(
        self, title: str, *, search_placeholder: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pageHeader")
        self.title_label = QLabel(title)
        self.title_label.setObjectName("pageTitle")
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title_label.setFont(font)

        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(20, 14, 20, 10)
        self._layout.addWidget(self.title_label)
        self._layout.addStretch(1)
        self.search_field: QLineEdit | None = None
        if search_placeholder is not None:
            self.search_field = QLineEdit()
            self.search_field.setPlaceholderText(search_placeholder)
            self.search_field.setClearButtonEnabled(True)
            self.search_field.setMinimumWidth(260)
            self.search_field.setToolTip(tr("Search (Ctrl+F)"))
            self.search_field.textChanged.connect(self.search_changed)
            self._layout.addWidget(self.search_field)

    def add_action(self, widget: QWidget) -> None:
        """Put a page action (a button) at the right end of the header."""
        self._layout.addWidget(widget)

    def focus_search(self) -> bool:
        """Focus and select the search field; False if this page has none."""
        if self.search_field is None:
            return False
        self.search_field.setFocus()
        self.search_field.selectAll()
        return True
