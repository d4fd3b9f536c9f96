"""客户档案: the key-account list — search as you type, filters, sort by any column,
the true count, and each account opening in its file.

Keyboard: Ctrl+F (the window's Find action) focuses the search field; typing searches
after :data:`SEARCH_DELAY_MS` of quiet; Down moves from the search field into the
table; arrows move; Enter (in the table, or in the search field for the current or
first row) or a double-click opens the account.

The page reads nothing until it is first shown; every query then runs on the task
runner's read lane (see :class:`CustomerListModel`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.customers.churn import ChurnRisk
from kamdesk.domain.customers.classification import (
    CATEGORY_LABELS,
    GRADE_ORDER,
    LEVEL_LABELS,
    AccountLevel,
    KeyAccountCategory,
)
from kamdesk.domain.customers.visits import VisitState
from kamdesk.i18n import N_, tr
from kamdesk.services.container import Services
from kamdesk.services.customer_list import CustomerFilter, ListChoices
from kamdesk.services.customers_query.filters import STATUS_LABELS
from kamdesk.ui.customers.excel_actions import CustomerExcelActions
from kamdesk.ui.customers.list_model import RISK_LABELS, VISIT_LABELS, CustomerListModel
from kamdesk.ui.messages import show_failure
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 150

# (filter field, label of the "any" entry, accessible name)
FILTERS: tuple[tuple[str, str, str], ...] = (
    ("grade", N_("All grades"), N_("Grade filter")),
    ("category", N_("All categories"), N_("Category filter")),
    ("level", N_("All levels"), N_("Level filter")),
    ("industry_group_id", N_("All industry groups"), N_("Industry group filter")),
    ("owner_id", N_("All account managers"), N_("Account manager filter")),
    ("churn_risk", N_("Any churn risk"), N_("Churn risk filter")),
    ("visit", N_("Any visit state"), N_("Visit state filter")),
)


def _filter_combo(accessible_name: str) -> QComboBox:
    """A filter box that may shrink below its longest entry (the list shows it whole)."""
    combo = QComboBox()
    combo.setAccessibleName(accessible_name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


class CustomersPage(QWidget):
    """Search field, filter boxes, the paged table and its count."""

    customer_opened = Signal(str)
    """Fires when the user opens an account (Enter or double-click); carries its id."""
    new_customer_requested = Signal()
    """Fires when the user asks to create an account (button or Ctrl+N)."""

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = services.customer_list
        self._current_actor = services.shell.current_actor
        self._runner = runner
        self._started = False

        self.header = PageHeader(
            tr("Customers"),
            search_placeholder=tr("Name, pinyin initials, credit code, phone or key person"),
        )
        self.new_button = QPushButton(tr("New account…"))
        self.new_button.setShortcut(QKeySequence.StandardKey.New)
        self.new_button.setToolTip(tr("Create a key account (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_customer_requested)
        self.header.add_action(self.new_button)
        self.excel = CustomerExcelActions(services, runner, self.current_filter, self)
        for button in self.excel.buttons:
            self.header.add_action(button)
        self.excel.imported.connect(self.apply_filters)
        search = self.header.search_field
        assert search is not None
        self.search_field: QLineEdit = search
        self.search_field.setAccessibleName(tr("Search key accounts"))
        self.search_field.installEventFilter(self)
        self.search_field.returnPressed.connect(self._open_from_search)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.header.search_changed.connect(self._search_timer.start)

        self.combos: dict[str, QComboBox] = {}
        for field, any_label, accessible in FILTERS:
            self.combos[field] = _filter_combo(tr(accessible))
            self.combos[field].addItem(tr(any_label), None)
        self.status_combo = _filter_combo(tr("Account status filter"))
        for status, text in STATUS_LABELS.items():
            self.status_combo.addItem(tr(text), status)
        self._fill_fixed_filters()
        self.count_label = QLabel()
        self.count_label.setObjectName("listCount")
        # Two rows of four boxes, so the page fits 1366 px at 150 % scaling.
        filter_rows = QGridLayout()
        filter_rows.setContentsMargins(20, 0, 20, 6)
        boxes = [*self.combos.values(), self.status_combo]
        for i, combo in enumerate(boxes):
            filter_rows.addWidget(combo, i // 4, i % 4)
        filter_rows.setColumnStretch(4, 1)
        filter_rows.addWidget(self.count_label, 1, 5, Qt.AlignmentFlag.AlignRight)

        self.model = CustomerListModel(self._service, runner, self, reader=self._current_actor)
        self.model.loading_changed.connect(self._show_count)
        self.model.snapshot_shown.connect(self._show_count)
        self.model.query_failed.connect(self._query_failed)
        self.table = QTableView()
        self.table.setAccessibleName(tr("Key accounts"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(True)
        header.resizeSection(0, 280)
        digits = self.table.fontMetrics().horizontalAdvance("9" * 18)
        header.resizeSection(1, digits + 24)  # the whole 18-character credit code
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._open_index)

        self.empty_label = QLabel(
            tr("No key account matches. Change the search or the filters, or clear them.")
        )
        self.empty_label.setObjectName("emptyHint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(filter_rows)
        body = QVBoxLayout()
        body.setContentsMargins(20, 0, 20, 12)
        body.addWidget(self.table, 1)
        body.addWidget(self.empty_label)
        layout.addLayout(body, 1)
        self.setTabOrder(self.search_field, self.table)
        for combo in (*self.combos.values(), self.status_combo):
            combo.currentIndexChanged.connect(self.apply_filters)

    # --- loading --------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self.start()

    def start(self) -> None:
        """Read the filter choices and the first answer (done once, on first show)."""
        self._started = True
        service, current_actor = self._service, self._current_actor
        self._runner.run(
            lambda progress, cancel: service.choices(actor=current_actor()),
            title=tr("Reading the filter choices"),
            show_progress=False,
            on_success=self._fill_choices,
        )
        self.model.set_query(self.current_filter())

    def current_filter(self) -> CustomerFilter:
        """The filter the search field and the boxes describe now, in the model's sort."""
        values: dict[str, Any] = {
            field: combo.currentData() for field, combo in self.combos.items()
        }
        return replace(
            self.model.query,
            text=self.search_field.text(),
            status=self.status_combo.currentData(),
            **values,
        )

    def apply_filters(self) -> None:
        """Run the search and filters now (typing calls this after a short pause)."""
        self._search_timer.stop()
        query = self.current_filter()
        if self._started and query != self.model.query:
            self.model.set_query(query)

    def _fill_fixed_filters(self) -> None:
        for grade in GRADE_ORDER:
            self.combos["grade"].addItem(grade.value, grade)
        for category in KeyAccountCategory:
            self.combos["category"].addItem(tr(CATEGORY_LABELS[category]), category.value)
        for level in AccountLevel:
            self.combos["level"].addItem(tr(LEVEL_LABELS[level]), level.value)
        for risk in (ChurnRisk.HIGH, ChurnRisk.MEDIUM, ChurnRisk.LOW):
            self.combos["churn_risk"].addItem(tr(RISK_LABELS[risk]), risk)
        for state in (VisitState.OVERDUE, VisitState.DUE_SOON, VisitState.OK):
            self.combos["visit"].addItem(tr(VISIT_LABELS[state]), state)

    def _fill_choices(self, choices: ListChoices) -> None:
        for field, options in (
            ("industry_group_id", choices.industry_groups),
            ("owner_id", choices.owners),
        ):
            combo = self.combos[field]
            combo.blockSignals(True)
            for option in options:
                combo.addItem(option.name, option.id)
            combo.blockSignals(False)

    def _show_count(self, *_: object) -> None:
        if self.model.loading:
            self.count_label.setText(tr("Searching…"))
            return
        count = self.model.rowCount()
        self.count_label.setText(tr("{count} accounts", count=f"{count:,}"))
        self.empty_label.setVisible(count == 0)

    def _query_failed(self, exc: BaseException) -> None:
        self._show_count()
        show_failure(self, tr("Searching the key accounts"), exc)

    # --- opening --------------------------------------------------------------------

    def open_row(self, row: int) -> None:
        """Open the account on ``row`` (nothing happens outside the list)."""
        customer_id = self.model.customer_id(row)
        if customer_id is not None:
            self.customer_opened.emit(customer_id)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_row(index.row())

    def _open_from_search(self) -> None:
        self.apply_filters()  # Enter before the pause searches; the next Enter opens
        if self.model.loading:
            return
        current = self.table.currentIndex()
        self.open_row(current.row() if current.isValid() else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search field moves into the table, on its current or first row."""
        if (
            watched is self.search_field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            if not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.setFocus()
            return True
        return super().eventFilter(watched, event)
