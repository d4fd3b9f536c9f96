"""漏斗与预测: the sales funnel of the signed-in person's accounts, their own demand
forecasts (account and industry managers) and the roll-up of their group's forecasts
(industry managers, the department leader and the admin).

Each part is a tab shown only to the roles the service lets use it — no disabled
stubs. Everything is re-read whenever the page is shown (small queries, on the GUI
thread like the work-order lists), except that forecast quantities typed but not saved
are kept. Saving sends only the changed rows, one call each: rows saved before a
refusal stay saved, the refused row and the ones after keep their unsaved values.
Closing the main window asks before unsaved forecast quantities are dropped
(:meth:`FunnelPage.may_close`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.customers.funnel import OPEN_STAGES, STAGE_LABELS, ForecastPeriod
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.funnel import FORECAST_ROLES, ForecastTotal, StageTotal
from kamdesk.services.scope import BRANCH_WIDE_ROLES
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE, instant, money
from kamdesk.ui.messages import failure_text, show_failure
from kamdesk.ui.page_header import PageHeader
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
from kamdesk.ui.workorders.choices import OrderChoices

ROLLUP_PERIODS = {ForecastPeriod.MONTHLY: 3, ForecastPeriod.QUARTERLY: 4}
"""Periods side by side in the roll-up, from the chosen start."""
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Item = QModelIndex | QPersistentModelIndex
TAG_STYLE = "QLabel {{ color: {0}; background: {1}; border-radius: 3px; padding: 2px 8px; }}"


def can_forecast(actor: Actor | None) -> bool:
    return actor is not None and actor.role in FORECAST_ROLES


def can_see_rollup(actor: Actor | None) -> bool:
    """As :meth:`FunnelService.rollup` allows: an industry manager with a group, or a
    branch-wide role."""
    if actor is None:
        return False
    if actor.role in BRANCH_WIDE_ROLES:
        return True
    return actor.role == Role.INDUSTRY_MANAGER.value and actor.industry_group_id is not None


def _item(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(RIGHT)
    return item


def _read_only_table(columns: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(NOTE_STYLE)
    label.setWordWrap(True)
    # A long note must never widen the window's minimum size.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


# --- funnel -------------------------------------------------------------------------


SHARE_ROLE = Qt.ItemDataRole.UserRole
"""Item data of a share cell: the stage's count over the largest stage's (0 to 1), the
length of its bar."""
SHARE_BAR = "#cfe0f5"


class ShareBarDelegate(QStyledItemDelegate):
    """Draws a bar (as long as the stage's count against the largest stage's) under the
    right-aligned percentage, so the stages read as a funnel at a glance; the text
    stays, never the bar alone."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Item) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        share = index.data(SHARE_ROLE)
        room = opt.fontMetrics.horizontalAdvance("100.0%") + 18  # the text keeps its place
        area = opt.rect.adjusted(6, 5, -room, -5)
        painter.save()
        if isinstance(share, float) and share > 0:
            width = max(2, round(area.width() * min(share, 1.0)))
            painter.fillRect(
                QRect(area.left(), area.top(), width, area.height()), QColor(SHARE_BAR)
            )
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.drawText(opt.rect.adjusted(6, 0, -6, 0), int(RIGHT), text)
        painter.restore()


class FunnelPanel(QWidget):
    """One row per stage: opportunities, their expected value and their share."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = _note(tr("Opportunities of the accounts you look after, by stage."))
        columns = [tr("Funnel stage"), tr("Opportunities"), tr("Expected value"), tr("Share")]
        self.table = _read_only_table(columns, tr("Sales funnel"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((0, 170), (1, 100), (2, 170)):
            self.table.setColumnWidth(column, width)
        self.table.setItemDelegateForColumn(3, ShareBarDelegate(self.table))
        self.summary = QLabel()
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def show_totals(self, totals: tuple[StageTotal, ...]) -> None:
        everything = sum(t.count for t in totals)
        largest = max((t.count for t in totals), default=0)
        self.table.setRowCount(len(totals))
        for row, total in enumerate(totals):
            fraction = total.count / everything if everything else 0.0
            share = _item(f"{fraction:.1%}" if everything else "—", right=True)
            share.setData(SHARE_ROLE, total.count / largest if largest else 0.0)
            cells = (
                _item(tr(STAGE_LABELS[total.stage])),
                _item(f"{total.count:,}", right=True),
                _item(money(total.expected_value), right=True),
                share,
            )
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        open_totals = [t for t in totals if t.stage in OPEN_STAGES]
        if everything == 0:
            self.summary.setStyleSheet(NOTE_STYLE)
            self.summary.setText(
                tr(
                    "No opportunities yet — open an account's file and add one on its "
                    "“Opportunities” tab."
                )
            )
            return
        self.summary.setStyleSheet("")
        self.summary.setText(
            tr(
                "Opportunities: {count} in all, {open} still open; expected value of the "
                "open ones {value}.",
                count=f"{everything:,}",
                open=f"{sum(t.count for t in open_totals):,}",
                value=money(sum((t.expected_value for t in open_totals), start=Decimal("0.00"))),
            )
        )

    def show_message(self, text: str) -> None:
        self.table.setRowCount(0)
        self.summary.setStyleSheet(NOTE_STYLE)
        self.summary.setText(text)


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
        self.hint = _note(
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
        self.caption = _note()
        self.table = _read_only_table([tr("Product")], tr("Forecast roll-up"))
        self.empty_label = _note()
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
            self.table.setItem(row, 0, _item(name))
            row_sum = 0
            for column, start in enumerate(starts):
                found = cells.get((product_id, start))
                quantity = int(found.quantity) if found is not None else 0
                row_sum += quantity
                column_sums[column] += quantity
                item = _item(f"{quantity:,}" if found is not None else "—", right=True)
                if found is not None:
                    item.setToolTip(
                        tr(
                            "Account managers with a forecast: {count}",
                            count=f"{found.forecasters:,}",
                        )
                    )
                self.table.setItem(row, column + 1, item)
            self.table.setItem(row, len(starts) + 1, _item(f"{row_sum:,}", right=True))
        if products:
            last = len(products)
            bold = self.table.font()
            bold.setBold(True)
            sums = [tr("Total"), *(f"{n:,}" for n in column_sums), f"{sum(column_sums):,}"]
            for column, text in enumerate(sums):
                item = _item(text, right=column > 0)
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


# --- the page -----------------------------------------------------------------------


class FunnelPage(QWidget):
    """Tabs 销售漏斗, 我的需求预测 and 预测汇总, each only for the roles it serves."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.actor: Actor | None = None
        self.header = PageHeader(tr("Funnel and forecasts"))
        self.funnel_panel = FunnelPanel()
        self.forecast_panel = ForecastPanel(services)
        self.rollup_panel = RollupPanel(services)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.funnel_panel, tr("Sales funnel"))
        self.tabs.addTab(self.forecast_panel, tr("My demand forecasts"))
        self.tabs.addTab(self.rollup_panel, tr("Forecast roll-up"))
        self._set_parts(None)

        body = QVBoxLayout()
        body.setContentsMargins(20, 0, 20, 12)
        body.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        """Re-read who is signed in and every visible part (unsaved quantities stay)."""
        actor = self._services.shell.current_actor()
        self.actor = actor
        self._set_parts(actor)
        if actor is None:
            self.funnel_panel.show_message(tr("Nobody is signed in."))
            return
        try:
            self.funnel_panel.show_totals(self._services.funnel.funnel(actor))
        except KamdeskError as exc:
            self.funnel_panel.show_message(failure_text(tr("Sales funnel"), exc))
        if can_forecast(actor) and not self.forecast_panel.has_changes():
            self.forecast_panel.reload(actor)
        if can_see_rollup(actor):
            self.rollup_panel.reload(actor)

    def _set_parts(self, actor: Actor | None) -> None:
        self.tabs.setTabVisible(self.tabs.indexOf(self.forecast_panel), can_forecast(actor))
        self.tabs.setTabVisible(self.tabs.indexOf(self.rollup_panel), can_see_rollup(actor))

    def may_close(self) -> bool:
        """Whether the window may close: no forecast quantities are unsaved, or the user
        chose to discard them (the page shows them first)."""
        if not self.forecast_panel.has_changes():
            return True
        self.tabs.setCurrentWidget(self.forecast_panel)
        return self.forecast_panel.discard_ok()

    def visible_tabs(self) -> list[str]:
        """The titles of the tabs this person sees, in order."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count()) if self.tabs.isTabVisible(i)]
