"""The 我的需求预测 and 预测汇总 tabs of the 漏斗与预测 page: an account or industry
manager's own forecasts, edited and submitted, and the roll-up of a group's.

Saving sends only the changed rows, one call each: rows saved before a refusal stay
saved, the refused row and the ones after keep their unsaved values.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.customers.funnel import ForecastPeriod
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.funnel import ForecastTotal
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE, instant
from kamdesk.ui.messages import failure_text, show_failure
from kamdesk.ui.pages.forecast_table import (
    QUANTITY,
    SUBMITTED_COLOURS,
    UNSAVED_COLOURS,
    UNSUBMITTED_COLOURS,
    ForecastModel,
    PeriodRow,
    QuantityDelegate,
    add_months,
    period_label,
    period_step,
)
from kamdesk.ui.pages.funnel_widgets import cell_item, note_label, read_only_table
from kamdesk.ui.workorders.choices import OrderChoices

ROLLUP_PERIODS = {ForecastPeriod.MONTHLY: 3, ForecastPeriod.QUARTERLY: 4}
"""Periods side by side in the roll-up, from the chosen start."""
TAG_STYLE = "QLabel {{ color: {0}; background: {1}; border-radius: 3px; padding: 2px 8px; }}"


# --- my forecasts -------------------------------------------------------------------


class ForecastPanel(QWidget):
    """The signed-in person's quantities per product for one month or quarter, with
    保存 and 提交."""

    saved = Signal()
    """Fires after changed rows were stored."""
    submitted = Signal(int)
    """Fires after a submit; carries how many forecasts it marked submitted."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._service = services.funnel
        self._choices = OrderChoices(services.engine)
        self._shown: tuple[ForecastPeriod, date] | None = None

        self.period_row = PeriodRow()
        self.state_label = QLabel()
        self.state_label.setAccessibleName(tr("Forecast state"))
        self.save_button = QPushButton(tr("Save"))
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.save)
        self.submit_button = QPushButton(tr("Submit"))
        self.submit_button.clicked.connect(self.submit)
        top = QHBoxLayout()
        top.addWidget(self.period_row)
        top.addSpacing(12)
        top.addWidget(self.state_label)
        top.addStretch(1)
        top.addWidget(self.save_button)
        top.addWidget(self.submit_button)

        self.model = ForecastModel(self)
        self.model.edited.connect(self._update_state)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("My demand forecasts"))
        self.table.setItemDelegateForColumn(QUANTITY, QuantityDelegate(self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(2, 110)
        self.table.setColumnWidth(3, 90)
        self.hint = note_label(
            tr(
                "Type the demand forms you expect per product (double-click or start typing "
                "in the Quantity column), then Save; Submit sends the period to your manager."
            )
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        self.period_row.changed.connect(self._period_changed)

    # --- reading --------------------------------------------------------------------

    def has_changes(self) -> bool:
        return bool(self.model.changed_rows())

    def reload(self, actor: Actor) -> None:
        """Read the catalogue and the actor's forecasts of the chosen period (unsaved
        quantities are dropped)."""
        period, start = self.period_row.period(), self.period_row.start()
        products = [(c.key, c.detail, c.label) for c in self._choices.products()]
        forecasts = self._service.my_forecasts(actor, period, start, start)
        self.model.load(products, forecasts)
        self._shown = (period, start)
        self._update_state()

    def _period_changed(self) -> None:
        if self.has_changes() and not self.discard_ok():
            if self._shown is not None:
                self.period_row.blockSignals(True)
                self.period_row.choose(*self._shown)
                self.period_row.blockSignals(False)
            return
        actor = self._actor()
        if actor is not None:
            self.reload(actor)

    def discard_ok(self) -> bool:
        """Ask whether the unsaved quantities may be dropped; True for yes."""
        answer = QMessageBox.question(
            self,
            tr("Unsaved forecasts"),
            tr("The quantities you changed are not saved. Discard them?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _actor(self) -> Actor | None:
        """The signed-in person as stored now (a role changed meanwhile counts)."""
        actor = self._services.shell.current_actor()
        if actor is None:
            QMessageBox.warning(self, tr("Demand forecast"), tr("Nobody is signed in."))
        return actor

    # --- writing --------------------------------------------------------------------

    def save(self) -> bool:
        """Store every changed row; False (after saying why) when one was refused."""
        changed = self.model.changed_rows()
        if not changed:
            return True
        actor = self._actor()
        if actor is None:
            return False
        period, start = self.period_row.period(), self.period_row.start()
        for row in changed:
            line = self.model.rows[row]
            quantity = line.quantity if line.quantity is not None else 0
            try:
                view = self._service.enter_forecast(actor, line.product_id, period, start, quantity)
            except KamdeskError as exc:
                self._update_state()
                show_failure(self, tr("Save forecasts"), exc)
                return False
            self.model.mark_saved(row, view)
        self._update_state()
        self.saved.emit()
        return True

    def submit(self) -> None:
        """Save what changed, then mark the period's forecasts submitted."""
        if not self.save():
            return
        actor = self._actor()
        if actor is None:
            return
        period, start = self.period_row.period(), self.period_row.start()
        try:
            count = self._service.submit_forecasts(actor, period, start)
        except KamdeskError as exc:
            show_failure(self, tr("Submit forecasts"), exc)
            return
        self.reload(actor)
        self.submitted.emit(count)

    # --- state ----------------------------------------------------------------------

    def _update_state(self) -> None:
        changed = len(self.model.changed_rows())
        unsubmitted = self.model.unsubmitted()
        if changed:
            text, colours = tr("Changes not saved: {count}", count=f"{changed:,}"), UNSAVED_COLOURS
        elif unsubmitted:
            text = tr("Not submitted ({count})", count=f"{unsubmitted:,}")
            colours = UNSUBMITTED_COLOURS
        elif self.model.stored():
            last = self.model.last_submitted()
            text, colours = tr("Submitted {time}", time=instant(last)), SUBMITTED_COLOURS
        else:
            text, colours = tr("No forecast for this period yet"), None
        self.state_label.setText(text)
        self.state_label.setStyleSheet(TAG_STYLE.format(*colours) if colours else NOTE_STYLE)
        self.save_button.setEnabled(changed > 0)
        self.save_button.setToolTip(
            tr("Store the changed quantities (Ctrl+S)") if changed else tr("Nothing changed")
        )
        can_submit = changed > 0 or unsubmitted > 0
        self.submit_button.setEnabled(can_submit)
        if can_submit:
            why = tr("Save, then send this period's forecasts to your manager")
        elif self.model.stored():
            why = tr("Everything of this period is submitted; change a quantity first")
        else:
            why = tr("Type a quantity first")
        self.submit_button.setToolTip(why)


# --- roll-up ------------------------------------------------------------------------


class RollupPanel(QWidget):
    """Products × periods: the summed quantities of the account managers' forecasts."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = services.funnel
        self.period_row = PeriodRow()
        self.caption = note_label()
        self.table = read_only_table([tr("Product")], tr("Forecast roll-up"))
        self.empty_label = note_label()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.period_row)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.error_label)
        self._actor: Actor | None = None
        self.period_row.changed.connect(lambda: self.reload(self._actor))

    def reload(self, actor: Actor | None) -> None:
        self._actor = actor
        if actor is None:
            return
        if actor.role == Role.INDUSTRY_MANAGER.value:
            self.caption.setText(
                tr("Sum of the forecasts of your group's account managers, submitted or not.")
            )
        else:
            self.caption.setText(
                tr("Sum of the forecasts of the branch's account managers, submitted or not.")
            )
        period, first = self.period_row.period(), self.period_row.start()
        step = period_step(period)
        starts = [add_months(first, step * n) for n in range(ROLLUP_PERIODS[period])]
        try:
            totals = self._service.rollup(actor, period, starts[0], starts[-1])
        except KamdeskError as exc:
            self.error_label.setText(failure_text(tr("Forecast roll-up"), exc))
            self.error_label.setVisible(True)
            return
        self.error_label.setVisible(False)
        self.show_totals(period, starts, totals)

    def show_totals(
        self, period: ForecastPeriod, starts: list[date], totals: tuple[ForecastTotal, ...]
    ) -> None:
        products: dict[str, str] = {}
        cells: dict[tuple[str, date], ForecastTotal] = {}
        for total in sorted(totals, key=lambda t: t.product_code):
            products.setdefault(total.product_id, f"{total.product_name}（{total.product_code}）")
            cells[(total.product_id, total.month)] = total
        headers = [tr("Product"), *(period_label(period, s) for s in starts), tr("Total")]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(products) + (1 if products else 0))
        column_sums = [0] * len(starts)
        for row, (product_id, name) in enumerate(products.items()):
            self.table.setItem(row, 0, cell_item(name))
            row_sum = 0
            for column, start in enumerate(starts):
                found = cells.get((product_id, start))
                quantity = int(found.quantity) if found is not None else 0
                row_sum += quantity
                column_sums[column] += quantity
                item = cell_item(f"{quantity:,}" if found is not None else "—", right=True)
                if found is not None:
                    item.setToolTip(
                        tr(
                            "Account managers with a forecast: {count}",
                            count=f"{found.forecasters:,}",
                        )
                    )
                self.table.setItem(row, column + 1, item)
            self.table.setItem(row, len(starts) + 1, cell_item(f"{row_sum:,}", right=True))
        if products:
            last = len(products)
            bold = self.table.font()
            bold.setBold(True)
            sums = [tr("Total"), *(f"{n:,}" for n in column_sums), f"{sum(column_sums):,}"]
            for column, text in enumerate(sums):
                item = cell_item(text, right=column > 0)
                item.setFont(bold)
                self.table.setItem(last, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column in range(1, len(headers)):
            self.table.setColumnWidth(column, 110)
        self.empty_label.setVisible(not products)
        self.empty_label.setText(
            tr("No account manager has a forecast for these periods yet.") if not products else ""
        )
