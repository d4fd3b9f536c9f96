"""我的工作台: headline counts of the open database and 我的一天 of the signed-in person;
an empty database offers demo data instead."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr
from kamdesk.services.my_day import MyDay
from kamdesk.services.shell import ShellCounts
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.pages.my_day import MyDayPage

TILE_STYLE = """
QFrame#tile { background: #ffffff; border: 1px solid #d5dce6; border-radius: 6px; }
QLabel#tileValue { color: #0f3f8c; }
QLabel#tileCaption { color: #5b6775; }
"""


class CountTile(QFrame):
    """A caption over a big number; shows "…" until the number is known."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setMinimumWidth(200)
        self.caption_label = QLabel(caption)
        self.caption_label.setObjectName("tileCaption")
        self.value_label = QLabel("…")
        self.value_label.setObjectName("tileValue")
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = QFont(self.value_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.value_label.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.value_label)

    def set_value(self, value: int) -> None:
        self.value_label.setText(f"{value:,}")


class HomePage(QWidget):
    """Headline counts and the signed-in person's day (:class:`MyDayPage`)."""

    demo_requested = Signal()
    """Fires when the user asks for demo data from the empty-database hint."""
    customer_opened = Signal(str)
    """Fires when the user activates a line of the day; carries the account id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(TILE_STYLE)
        self.header = PageHeader(tr("My desk"))
        self.customers_tile = CountTile(tr("Key accounts"))
        self.orders_tile = CountTile(tr("Work orders"))

        tiles = QHBoxLayout()
        tiles.setSpacing(16)
        tiles.addWidget(self.customers_tile)
        tiles.addWidget(self.orders_tile)
        tiles.addStretch(1)

        self.empty_hint = QLabel(
            tr(
                "This database has no key accounts yet. To look around KAMDesk, "
                "generate demo data into a new database file."
            )
        )
        self.empty_hint.setWordWrap(True)
        self.demo_button = QPushButton(tr("Generate demo data…"))
        self.demo_button.clicked.connect(self.demo_requested)
        empty_row = QHBoxLayout()
        empty_row.addWidget(self.empty_hint, 1)
        empty_row.addWidget(self.demo_button)
        self.empty_box = QWidget()
        self.empty_box.setLayout(empty_row)
        self.empty_box.setVisible(False)

        self.my_day = MyDayPage()
        self.my_day.customer_opened.connect(self.customer_opened)

        body = QVBoxLayout()
        body.setContentsMargins(20, 4, 20, 20)
        body.setSpacing(16)
        body.addLayout(tiles)
        body.addWidget(self.empty_box)
        body.addWidget(self.my_day, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)

    def show_day(self, my_day: MyDay | None) -> None:
        """Show the day's lines, or that nobody is signed in (``None``)."""
        if my_day is None:
            self.my_day.show_no_user()
        else:
            self.my_day.show_day(my_day)

    def show_counts(self, counts: ShellCounts) -> None:
        self.customers_tile.set_value(counts.customers)
        self.orders_tile.set_value(counts.work_orders)
        self.empty_box.setVisible(counts.customers == 0)
