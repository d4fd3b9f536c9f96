"""报表: the dashboard of a period (KPI tiles against their targets, the monthly trend,
groups or AMs side by side; :mod:`kamdesk.ui.reports.dashboard`) and the tables of
K01–K16 in total (value, numerator, denominator, previous period, trend) and by
industry group, AM, workstation or product; the rows behind a figure on a click of a
tile, point or bar, or a double-click of a cell; 导出 PDF… and 导出 Excel…; the monthly
evaluation sheets (月度评估表) of the people the signed-in user may see, as PDF or Excel.

Everything is read for the signed-in person (:meth:`ShellService.current_actor`, asked
in the background): the total for everyone, and the rows and the rows behind a figure
that their role may see (:mod:`kamdesk.services.kpi.visibility`); the exports hold
the same. The page owns no data: the figures are read on the task runner's read lane
whenever the period or dimension changes (a newer request supersedes an older one
still running), and exports run there too with progress and 取消. Hazard: the
previous-period column compares totals only; dimension rows show this period.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.kpi.figures import DIMENSION_LABELS, Dimension, KpiPack
from kamdesk.domain.kpi.period import Period
from kamdesk.i18n import tr
from kamdesk.services.container import Services
from kamdesk.services.kpi.visibility import signed_in
from kamdesk.ui.file_dialogs import save_file
from kamdesk.ui.messages import failure_text
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.reports.dashboard import DashboardView
from kamdesk.ui.reports.dashboard_data import ReportsData, read_reports
from kamdesk.ui.reports.exports import export_evaluation, export_report
from kamdesk.ui.reports.figure_ids_dialog import FigureIdsDialog
from kamdesk.ui.reports.kpi_models import DimensionModel, FigureRef, SummaryModel
from kamdesk.ui.reports.period_chooser import PeriodChooser
from kamdesk.ui.tasks import TaskHandle, TaskRunner

CHOOSABLE: tuple[Dimension, ...] = (
    Dimension.TOTAL,
    Dimension.GROUP,
    Dimension.AM,
    Dimension.WORKSTATION,
    Dimension.PRODUCT,
)
EXPORT_PURPOSE = "kpi_export"
EVALUATION_PURPOSE = "evaluation_export"
FILTERS = {"pdf": "PDF (*.pdf)", "xlsx": "Excel (*.xlsx)"}


def _table(model: SummaryModel | DimensionModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAccessibleName(name)
    return view


class ReportsPage(QWidget):
    """Period and dimension choosers, the dashboard, the KPI tables and the export
    buttons."""

    pack_shown = Signal()
    """Fires after a freshly read pack is on screen."""
    ids_shown = Signal()
    """Fires after the dialog listing the rows behind a figure was opened."""
    exported = Signal(object)
    """Fires when an export file was written; carries its Path."""

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._loading: TaskHandle | None = None
        self._loaded_once = False
        self.pack: KpiPack | None = None
        self.data: ReportsData | None = None
        self.exports: list[TaskHandle] = []
        self.ids_dialog: FigureIdsDialog | None = None

        self.header = PageHeader(tr("Reports"))
        self.pdf_button = QPushButton(tr("Export PDF…"))
        self.pdf_button.setShortcut(QKeySequence("Ctrl+P"))
        self.xlsx_button = QPushButton(tr("Export Excel…"))
        self.xlsx_button.setShortcut(QKeySequence("Ctrl+E"))
        for button, fmt in ((self.pdf_button, "pdf"), (self.xlsx_button, "xlsx")):
            button.setToolTip(tr("Write the KPI report of the chosen period (by group and AM)"))
            button.clicked.connect(functools.partial(self.ask_export, fmt))
            self.header.add_action(button)
        self.evaluation_button = QPushButton(tr("Evaluation sheets…"))
        menu = QMenu(self.evaluation_button)
        self.evaluation_actions = {
            "pdf": menu.addAction(tr("Evaluation sheets as PDF…")),
            "xlsx": menu.addAction(tr("Evaluation sheets as Excel…")),
        }
        for fmt, action in self.evaluation_actions.items():
            action.triggered.connect(functools.partial(self.ask_evaluation, fmt))
        self.evaluation_button.setMenu(menu)
        self.header.add_action(self.evaluation_button)

        self.period_chooser = PeriodChooser()
        self.dimension_box = QComboBox()
        for dim in CHOOSABLE:
            self.dimension_box.addItem(tr(DIMENSION_LABELS[dim]), dim.value)
        self.dimension_box.setAccessibleName(tr("Dimension"))
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #5b6775;")
        # A long status must never widen the window's minimum size.
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        choosers = QHBoxLayout()
        choosers.addWidget(QLabel(tr("Period:")))
        choosers.addWidget(self.period_chooser)
        choosers.addSpacing(16)
        self.dimension_label = QLabel(tr("By:"))
        choosers.addWidget(self.dimension_label)
        choosers.addWidget(self.dimension_box)
        choosers.addSpacing(16)
        choosers.addWidget(self.status_label, 1)

        self.summary_model = SummaryModel()
        self.summary_view = _table(self.summary_model, tr("KPI summary"))
        self.dimension_model = DimensionModel()
        self.dimension_view = _table(self.dimension_model, tr("KPIs by dimension"))
        self.dimension_view.setVisible(False)
        for view in (self.summary_view, self.dimension_view):
            view.activated.connect(self._figure_clicked)  # double-click or Enter
        hint = QLabel(
            tr("Double-click a figure (or press Enter) to see the orders or accounts behind it.")
        )
        hint.setStyleSheet("color: #5b6775;")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.summary_view)
        splitter.addWidget(self.dimension_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.tables = QWidget()
        tables_layout = QVBoxLayout(self.tables)
        tables_layout.setContentsMargins(0, 6, 0, 0)
        tables_layout.addWidget(splitter, 1)
        tables_layout.addWidget(hint)

        self.dashboard = DashboardView()
        self.dashboard.figure_requested.connect(self.show_figure_ids)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.dashboard, tr("Dashboard"))
        self.tabs.addTab(self.tables, tr("Tables"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed()

        body = QVBoxLayout()
        body.setContentsMargins(20, 0, 20, 12)
        body.addLayout(choosers)
        body.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)

        self.period_chooser.period_changed.connect(self.reload)
        self.period_chooser.period_changed.connect(self._update_evaluation_button)
        self._update_evaluation_button()
        self.dimension_box.currentIndexChanged.connect(self.reload)

    # --- reading --------------------------------------------------------------------

    def _tab_changed(self) -> None:
        """The dimension chooser belongs to the tables (the dashboard has its own)."""
        on_tables = self.tabs.currentWidget() is self.tables
        self.dimension_label.setVisible(on_tables)
        self.dimension_box.setVisible(on_tables)

    def dimension(self) -> Dimension:
        return Dimension(self.dimension_box.currentData())

    def set_period(self, period: Period) -> TaskHandle:
        """Show ``period`` and read its figures."""
        self.period_chooser.set_period(period)
        return self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self.reload()

    def reload(self) -> TaskHandle:
        """Read the pack of the chosen period and dimension in the background."""
        self._loaded_once = True
        if self._loading is not None and not self._loading.is_done:
            self._loading.cancel()
        period, dimension = self.period_chooser.period(), self.dimension()
        self.status_label.setText(tr("Computing KPIs…"))
        handle = self._runner.run(
            functools.partial(
                read_reports,
                self._services.kpi,
                self._services.shell.current_actor,
                period,
                dimension,
            ),
            title=tr("Computing the KPIs of {period}", period=period.label),
            on_success=self._show_pack,
            # Called by the runner, not by a signal (no sender()): the handle says which.
            on_failure=lambda exc: self._show_failure(exc, handle),
            parent=self,
        )
        self._loading = handle
        return handle

    def _show_pack(self, data: ReportsData) -> None:
        if self.sender() is not self._loading:
            return  # superseded by a newer request
        dimension, pack = self.dimension(), data.pack
        self.data, self.pack = data, pack
        self.dashboard.show_data(data)
        self.summary_model.show_pack(pack)
        rows = pack.rows.get(dimension, ())
        self.dimension_model.show_rows(dimension, rows)
        self.dimension_view.setVisible(dimension is not Dimension.TOTAL)
        previous = pack.previous_total.name if pack.previous_total is not None else "—"
        self.status_label.setText(
            tr("{period} · compared with {previous}", period=pack.period.label, previous=previous)
        )
        self.pack_shown.emit()

    def _show_failure(self, exc: BaseException, handle: TaskHandle) -> None:
        if handle is self._loading:
            self.status_label.setText(failure_text(tr("Computing KPIs"), exc))

    # --- rows behind a figure -------------------------------------------------------

    def _figure_clicked(self, index: QModelIndex) -> None:
        model = index.model()
        if isinstance(model, SummaryModel | DimensionModel):
            ref = model.figure_at(index)
            if ref is not None:
                self.show_figure_ids(ref)

    def show_figure_ids(self, ref: FigureRef, period: Period | None = None) -> TaskHandle:
        """Read the ids behind ``ref`` of ``period`` (by default the period shown) in
        the background and list them in a dialog."""
        if period is None:
            period = self.pack.period if self.pack is not None else self.period_chooser.period()
        kpi, current_actor = self._services.kpi, self._services.shell.current_actor

        def work(progress: object, cancel: object) -> tuple[str, ...]:
            actor = signed_in(current_actor())
            return kpi.figure_ids(period, ref.code, ref.part, ref.dimension, ref.key, actor=actor)

        return self._runner.run(
            work,
            title=tr("Reading the rows behind {kpi}", kpi=ref.code),
            on_success=lambda ids: self._open_ids_dialog(ref, period, ids),
            parent=self,
        )

    def _open_ids_dialog(self, ref: FigureRef, period: Period, ids: tuple[str, ...]) -> None:
        self.ids_dialog = FigureIdsDialog(ref, period, ids, self)
        self.ids_dialog.show()
        self.ids_shown.emit()

    # --- exports --------------------------------------------------------------------

    def ask_export(self, fmt: str) -> TaskHandle | None:
        """Ask where to write the report of the chosen period, then write it."""
        period = self.period_chooser.period()
        title = tr("Export PDF…") if fmt == "pdf" else tr("Export Excel…")
        path = save_file(self, EXPORT_PURPOSE, title, f"kpi-{period.label}.{fmt}", FILTERS[fmt])
        if path is None:
            return None
        return self.export(period, fmt, path)

    def export(self, period: Period, fmt: str, path: Path) -> TaskHandle:
        """Write the KPI report of ``period`` to ``path`` in the background (progress, 取消)."""
        handle = self._runner.run(
            functools.partial(
                export_report,
                self._services.kpi,
                period,
                fmt,
                path,
                actor=self._services.shell.current_actor,
            ),
            title=tr("Writing the {period} KPI report", period=period.label),
            on_success=self.exported.emit,
            parent=self,
        )
        self.exports.append(handle)
        handle.finished.connect(lambda: self.exports.remove(handle))
        return handle

    # --- evaluation sheets ----------------------------------------------------------

    def _update_evaluation_button(self) -> None:
        monthly = self.period_chooser.period().kind == "month"
        self.evaluation_button.setEnabled(monthly)
        self.evaluation_button.setToolTip(
            tr("Write each account manager's evaluation sheet of the month: KPIs against "
               "targets and the incentive, with how it was computed")
            if monthly
            else tr("Evaluation sheets are monthly: choose a month")
        )  # fmt: skip

    def ask_evaluation(self, fmt: str) -> TaskHandle | None:
        """Ask where to write the chosen month's evaluation sheets, then write them."""
        period = self.period_chooser.period()
        title = self.evaluation_actions[fmt].text()
        name = f"evaluation-{period.label}.{fmt}"
        path = save_file(self, EVALUATION_PURPOSE, title, name, FILTERS[fmt])
        if path is None:
            return None
        return self.export_evaluation(period, fmt, path)

    def export_evaluation(self, period: Period, fmt: str, path: Path) -> TaskHandle:
        """Write the evaluation sheets of ``period`` to ``path`` in the background."""
        services = self._services
        handle = self._runner.run(
            functools.partial(
                export_evaluation, services.evaluation, services.shell.current_actor, period,
                fmt, path,
            ),
            title=tr("Writing the {period} evaluation sheets", period=period.label),
            on_success=self.exported.emit,
            parent=self,
        )  # fmt: skip
        self.exports.append(handle)
        handle.finished.connect(lambda: self.exports.remove(handle))
        return handle
