"""工单: the order lists — my orders, waiting on me, due soon, overdue, all — with search,
state and kind filters, a paged table, a new demand form, batch printing, and each
order opening in its own window.

The page acts as ``actor`` (until sign-in exists: the shell's user, or whoever a test
passes). Without an actor the personal lists are disabled and only "all orders" shows.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.workorders.vocabulary import (
    ORDER_KIND_LABELS,
    STATE_LABELS,
    OrderKind,
    Role,
    State,
)
from kamdesk.errors import KamdeskError
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.workorders import OrderQuery, OrderScope
from kamdesk.ui.messages import show_failure
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.workorders.action_forms import ActionForms
from kamdesk.ui.workorders.choices import OrderChoices
from kamdesk.ui.workorders.order_window import OrderWindow
from kamdesk.ui.workorders.orders_model import OrdersTableModel

SEARCH_DELAY_MS = 250

LISTS: tuple[tuple[OrderScope, str], ...] = (
    (OrderScope.WAITING_ON_ME, N_("Waiting on me")),
    (OrderScope.MINE, N_("My orders")),
    (OrderScope.DUE_SOON, N_("Due within 24 hours")),
    (OrderScope.OVERDUE, N_("Past the deadline")),
    (OrderScope.ALL, N_("All orders")),
)
_PERSONAL = (OrderScope.WAITING_ON_ME, OrderScope.MINE)


class OrdersPage(QWidget):
    """The lists and their filters; opens :class:`OrderWindow` for a row."""

    order_changed = Signal(str)
    """Fires with the order id after one of its windows saved a step, attachment or print."""

    def __init__(
        self, services: Services, actor: Actor | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = services.work_orders
        self._choices = OrderChoices(services.engine)
        self.actor = actor if actor is not None else services.shell.current_actor()
        self.windows: dict[str, OrderWindow] = {}

        self.header = PageHeader(
            tr("Work orders"), search_placeholder=tr("Order no. or customer name, pinyin")
        )
        self.new_button = QPushButton(tr("New demand form…"))
        self.new_button.setToolTip(tr("Draft a new order (Ctrl+N)"))
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.clicked.connect(self.new_order)
        self.print_button = QPushButton(tr("Print selected…"))
        self.print_button.clicked.connect(self.print_selected)
        self.header.add_action(self.new_button)
        self.header.add_action(self.print_button)
        role = self.actor.role if self.actor is not None else ""
        self.new_button.setEnabled(role == Role.AM.value)  # only account managers draft

        self.list_choice = QComboBox()
        self.list_choice.setAccessibleName(tr("List"))
        for scope, label in LISTS:
            if self.actor is None and scope in _PERSONAL:
                continue
            self.list_choice.addItem(tr(label), scope.value)
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName(tr("State"))
        self.state_filter.addItem(tr("Every state"), "")
        for state in State:
            self.state_filter.addItem(tr(STATE_LABELS[state]), state.value)
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName(tr("Order kind"))
        self.kind_filter.addItem(tr("Demand and fault orders"), "")
        for kind in OrderKind:
            self.kind_filter.addItem(tr(ORDER_KIND_LABELS[kind]), kind.value)
        self.count_label = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.list_choice)
        filters.addWidget(self.state_filter)
        filters.addWidget(self.kind_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.model = OrdersTableModel(self._service, self.actor, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Work orders"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        body = QVBoxLayout()
        body.setContentsMargins(20, 0, 20, 16)
        body.addLayout(filters)
        body.addWidget(self.table, 1)
        body.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.header.search_changed.connect(lambda _text: self._search_timer.start())
        for combo in (self.list_choice, self.state_filter, self.kind_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.apply_filters()

    # --- lists ----------------------------------------------------------------------

    def current_query(self) -> OrderQuery:
        scope = OrderScope(str(self.list_choice.currentData() or OrderScope.ALL.value))
        state = self.state_filter.currentData()
        kind = self.kind_filter.currentData()
        text = self.header.search_field.text() if self.header.search_field else ""
        return replace(
            self.model.query,
            scope=scope,
            states=(State(state),) if state else (),
            kind=OrderKind(kind) if kind else None,
            text=text.strip(),
        )

    def apply_filters(self) -> None:
        try:
            self.model.set_query(self.current_query())
        except KamdeskError as exc:
            show_failure(self, tr("Work orders"), exc)
            return
        self._show_count()

    def show_list(self, scope: OrderScope) -> None:
        self.list_choice.setCurrentIndex(self.list_choice.findData(scope.value))

    def _show_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(tr("{count} orders", count=f"{count:,}"))
        empty = count == 0
        self.empty_label.setVisible(empty)
        if empty:
            if self.model.query.scope is OrderScope.WAITING_ON_ME:
                self.empty_label.setText(tr("Nothing is waiting on you. Well done."))
            elif self.new_button.isEnabled():
                self.empty_label.setText(
                    tr("No orders in this list — draft one with “New demand form…”.")
                )
            else:
                self.empty_label.setText(tr("No orders in this list — try another list."))

    def refresh(self) -> None:
        self.apply_filters()

    # --- opening --------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        order_id = self.model.order_id(index.row())
        if order_id is not None:
            self.open_order(order_id)

    def open_order(self, order_id: str) -> OrderWindow | None:
        """Show the order's window (raising it when already open)."""
        if self.actor is None:
            return None
        window = self.windows.get(order_id)
        if window is None:
            window = OrderWindow(self._service, self._choices, self.actor, order_id)
            window.changed.connect(lambda _id: self.refresh())
            window.changed.connect(self.order_changed)
            window.destroyed.connect(lambda _obj=None, oid=order_id: self.windows.pop(oid, None))
            self.windows[order_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def new_order(self) -> None:
        if self.actor is None:
            return
        form = ActionForms(self._service, self._choices, self.actor).new_order_form(self)
        form.saved.connect(self._draft_saved)
        form.open()
        self.new_form = form

    def _draft_saved(self, detail: object) -> None:
        self.refresh()
        order_id = getattr(detail, "order_id", None)
        if isinstance(order_id, str):
            self.open_order(order_id)

    # --- printing -------------------------------------------------------------------

    def selected_order_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [oid for oid in (self.model.order_id(r) for r in rows) if oid is not None]

    def print_selected(self) -> None:
        """Ask for a printer once, then record each selected order's print and print
        exactly the recorded PDFs in one job (cancelling records nothing). When one
        fails to record, those recorded before it are printed and the rest are not."""
        # imported here: QtPdf loads on the first print, not at start-up
        from kamdesk.ui.workorders.print_preview import print_recorded, recording

        order_ids = self.selected_order_ids()
        title = tr("Print selected orders")
        if not order_ids:
            show_failure(self, title, KamdeskError("print.nothing_to_print"))
            return
        printing = self._service.printing
        records = [recording(printing, order_id, self.actor) for order_id in order_ids]
        outcome = print_recorded(self, title, records)
        if outcome is None:
            return
        if outcome.recorded:
            self.refresh()
        if outcome.error is not None:
            if outcome.recorded:
                title = tr(
                    "Print selected orders: {printed} of {total} printed",
                    printed=outcome.recorded,
                    total=len(order_ids),
                )
            show_failure(self, title, outcome.error)
