"""我的一天: the sections of :class:`MyDay` as one tree; activating a line opens its account.

Each section is a top-level row titled with its count ("拜访逾期或将到期（12）"); its
lines show the account, what to do, the due day or deadline and a coloured tag with
text (never colour alone). A section cut to its most urgent lines says how many more
there are. The widget only shows what it is given: the window loads the day in the
background and calls :meth:`MyDayPage.show_day`.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import N_, tr
from kamdesk.services.my_day import DayLine, MyDay, Section, Urgency
from kamdesk.ui.customer_file.formatting import NOTE_STYLE, day, instant

CUSTOMER_ROLE = Qt.ItemDataRole.UserRole
"""Item data of a line: the account's id (absent on section and note rows)."""

URGENCY_COLOURS: dict[Urgency, tuple[str, str]] = {
    Urgency.URGENT: ("#b3261e", "#fdecea"),
    Urgency.SOON: ("#8a5a00", "#fff4d6"),
}
"""Text colour and background of each urgency's tag."""
TAGS: dict[Urgency, str] = {Urgency.URGENT: N_("Urgent"), Urgency.SOON: N_("Soon")}
RISK_TAGS: dict[Urgency, str] = {Urgency.URGENT: N_("High risk"), Urgency.SOON: N_("Medium risk")}

COLUMNS = (N_("Account"), N_("What to do"), N_("Due"), N_("Urgency"))


class MyDayPage(QWidget):
    """The sections of one person's day; the lines are keyboard-navigable."""

    customer_opened = Signal(str)
    """Fires when the user activates a line (double-click or Enter); carries the account id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(tr("Loading your day…"))
        self.caption.setStyleSheet(NOTE_STYLE)
        self.caption.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(tr("My day"))
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([tr(c) for c in COLUMNS])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.tree.setColumnWidth(0, 260)
        self.tree.itemActivated.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.caption)
        layout.addWidget(self.tree, 1)

    def show_no_user(self) -> None:
        """Say that nobody is signed in, so there is no day to show."""
        self.tree.clear()
        self.caption.setText(
            tr("Nobody is signed in to this database, so there is no day to show.")
        )

    def show_day(self, my_day: MyDay) -> None:
        self.tree.clear()
        self.caption.setText(
            tr("{name}, here is your day for {day}.", name=my_day.staff_name, day=day(my_day.day))
        )
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for section in my_day.sections:
            top = QTreeWidgetItem(
                [tr("{title} ({count})", title=section.title, count=f"{section.total:,}")]
            )
            top.setFirstColumnSpanned(True)
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            tags = RISK_TAGS if section.section is Section.CHURN else TAGS
            for line in section.lines:
                top.addChild(_line_item(line, tr(tags[line.urgency])))
            hidden = section.total - len(section.lines)
            if hidden > 0:
                note = QTreeWidgetItem(
                    [tr("{count} more not shown (the most urgent come first)", count=f"{hidden:,}")]
                )
                note.setFlags(Qt.ItemFlag.ItemIsEnabled)
                top.addChild(note)
                note.setFirstColumnSpanned(True)
            top.setExpanded(section.total > 0)
        self.tree.resizeColumnToContents(2)
        self.tree.resizeColumnToContents(3)

    def lines(self) -> list[QTreeWidgetItem]:
        """Every line row (not section titles or notes), in display order."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                child = top.child(j)
                if child.data(0, CUSTOMER_ROLE):
                    out.append(child)
        return out

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        customer_id = item.data(0, CUSTOMER_ROLE)
        if customer_id:
            self.customer_opened.emit(str(customer_id))


def _line_item(line: DayLine, tag: str) -> QTreeWidgetItem:
    name = f"{line.customer_name}（{line.grade}）" if line.grade else line.customer_name
    when = instant(line.when) if isinstance(line.when, datetime) else day(line.when)
    colour, background = URGENCY_COLOURS[line.urgency]
    item = QTreeWidgetItem([name, line.text, when, tag])
    item.setData(0, CUSTOMER_ROLE, line.customer_id)
    item.setToolTip(1, line.text)
    item.setForeground(3, QBrush(QColor(colour)))
    item.setBackground(3, QBrush(QColor(background)))
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item
