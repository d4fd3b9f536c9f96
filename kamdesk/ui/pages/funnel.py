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

from decimal import Decimal

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.customers.funnel import OPEN_STAGES, STAGE_LABELS
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.funnel import FORECAST_ROLES, StageTotal
from kamdesk.services.scope import BRANCH_WIDE_ROLES
from kamdesk.ui.customer_file.formatting import NOTE_STYLE, money
from kamdesk.ui.messages import failure_text
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.pages.forecast_panels import ForecastPanel, RollupPanel
from kamdesk.ui.pages.funnel_widgets import RIGHT, Item, cell_item, note_label, read_only_table


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
        self.caption = note_label(tr("Opportunities of the accounts you look after, by stage."))
        columns = [tr("Funnel stage"), tr("Opportunities"), tr("Expected value"), tr("Share")]
        self.table = read_only_table(columns, tr("Sales funnel"))
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
            share = cell_item(f"{fraction:.1%}" if everything else "—", right=True)
            share.setData(SHARE_ROLE, total.count / largest if largest else 0.0)
            cells = (
                cell_item(tr(STAGE_LABELS[total.stage])),
                cell_item(f"{total.count:,}", right=True),
                cell_item(money(total.expected_value), right=True),
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
