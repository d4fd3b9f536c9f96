"""仪表盘: a tile per KPI of the total (value, target, previous period, trend), the
monthly trend of the chosen KPI and the industry groups or AMs side by side.

The view owns no data: the page reads :class:`ReportsData` in the background and calls
:meth:`DashboardView.show_data`. QtCharts is imported the first time the view is shown
(:mod:`kamdesk.ui.reports.dashboard_charts`), never at start-up. Clicking a tile, a
point or a bar fires :attr:`DashboardView.figure_requested` with the figure and its
period; the page lists the rows behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.kpi.definitions import KPI_BY_CODE, KPIS
from kamdesk.domain.kpi.figures import DIMENSION_LABELS, NO_KEY, Dimension, KpiRow
from kamdesk.domain.kpi.period import Period
from kamdesk.i18n import tr
from kamdesk.ui.reports.dashboard_data import COMPARED, ReportsData
from kamdesk.ui.reports.kpi_models import FigureRef
from kamdesk.ui.reports.kpi_tile import MUTED, KpiTile

if TYPE_CHECKING:
    from kamdesk.ui.reports.dashboard_charts import CompareChart, TrendChart

TILE_COLUMNS = 6
TILE_WIDTH = 180
"""Below six tiles of about this width the grid has fewer columns (3, then 2)."""
CHARTS_SIDE_BY_SIDE = 900
"""Narrower than this, the two charts stand one above the other."""
DEFAULT_CHART_KPI = "K01"


class DashboardView(QWidget):
    """Tiles and charts of one period's :class:`ReportsData`."""

    figure_requested = Signal(object, object)
    """Fires when a tile, point or bar is clicked: (:class:`FigureRef`, :class:`Period`)."""
    charts_ready = Signal()
    """Fires once the charts were built (the first time the view is shown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: ReportsData | None = None
        self.trend_chart: TrendChart | None = None
        self.compare_chart: CompareChart | None = None

        self.kpi_box = QComboBox()
        for kpi in KPIS:
            self.kpi_box.addItem(kpi.label(), kpi.code)
        self.kpi_box.setCurrentIndex(self.kpi_box.findData(DEFAULT_CHART_KPI))
        self.kpi_box.setAccessibleName(tr("KPI of the charts"))
        # Long KPI names must never widen the window's minimum size (1366 px at 150 %).
        self.kpi_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.kpi_box.setMinimumContentsLength(16)
        self.compare_box = QComboBox()
        for dim in COMPARED:
            self.compare_box.addItem(tr(DIMENSION_LABELS[dim]), dim.value)
        self.compare_box.setAccessibleName(tr("Compare"))
        hint = QLabel(tr("Click a tile, point or bar to see the orders or accounts behind it."))
        hint.setStyleSheet(MUTED)
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        hint.setToolTip(hint.text())
        choosers = QHBoxLayout()
        choosers.addWidget(QLabel(tr("Chart:")))
        choosers.addWidget(self.kpi_box)
        choosers.addSpacing(16)
        choosers.addWidget(QLabel(tr("Compare:")))
        choosers.addWidget(self.compare_box)
        choosers.addSpacing(16)
        choosers.addWidget(hint, 1)

        self.tiles: dict[str, KpiTile] = {}
        self._grid = QGridLayout()
        self._grid.setSpacing(8)
        self._columns = 0
        for kpi in KPIS:
            tile = KpiTile(kpi)
            tile.clicked.connect(self._tile_clicked)
            self.tiles[kpi.code] = tile
        self._lay_out_tiles(TILE_COLUMNS)

        self._charts_row = QHBoxLayout()
        self._charts_row.setSpacing(8)
        self.charts_placeholder = QLabel(tr("Loading the charts…"))
        self.charts_placeholder.setStyleSheet(MUTED)
        self._charts_row.addWidget(self.charts_placeholder)

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 4, 4, 4)
        inner.setSpacing(10)
        inner.addLayout(self._grid)
        inner.addLayout(self._charts_row)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(choosers)
        layout.addWidget(scroll, 1)

        self.kpi_box.currentIndexChanged.connect(self._draw_charts)
        self.compare_box.currentIndexChanged.connect(self._draw_charts)

    # --- showing ----------------------------------------------------------------------

    def chart_code(self) -> str:
        return str(self.kpi_box.currentData())

    def compared(self) -> Dimension:
        return Dimension(self.compare_box.currentData())

    def show_data(self, data: ReportsData) -> None:
        """Fill the tiles and (once built) the charts from ``data``."""
        self.data = data
        total, previous = data.pack.total, data.pack.previous_total
        for code, tile in self.tiles.items():
            before = previous.figures[code] if previous is not None else None
            tile.show_figure(total.figures[code], before, data.targets)
        self._draw_charts()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.trend_chart is None:
            self._build_charts()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        fits = width // TILE_WIDTH
        self._lay_out_tiles(6 if fits >= 6 else 3 if fits >= 3 else 2)
        wide = width >= CHARTS_SIDE_BY_SIDE
        self._charts_row.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )

    def _lay_out_tiles(self, columns: int) -> None:
        if columns == self._columns:
            return
        for column in range(max(columns, self._columns)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._columns = columns
        for i, tile in enumerate(self.tiles.values()):
            self._grid.removeWidget(tile)
            self._grid.addWidget(tile, i // columns, i % columns)

    def _build_charts(self) -> None:
        from kamdesk.ui.reports.dashboard_charts import CompareChart, TrendChart

        self.trend_chart, self.compare_chart = TrendChart(), CompareChart()
        self.trend_chart.month_clicked.connect(self._month_clicked)
        self.compare_chart.row_clicked.connect(self._row_clicked)
        self._charts_row.removeWidget(self.charts_placeholder)
        self.charts_placeholder.deleteLater()
        self._charts_row.addWidget(self.trend_chart, 1)
        self._charts_row.addWidget(self.compare_chart, 1)
        self._draw_charts()
        self.charts_ready.emit()

    def _draw_charts(self) -> None:
        if self.data is None or self.trend_chart is None or self.compare_chart is None:
            return
        kpi = KPI_BY_CODE[self.chart_code()]
        self.trend_chart.show_trend(kpi, self.data.trend)
        dimension = self.compared()
        title = tr(
            "{kpi} by {dimension}, {period}", kpi=kpi.label(),
            dimension=tr(DIMENSION_LABELS[dimension]), period=self.data.pack.period.label,
        )  # fmt: skip
        self.compare_chart.show_rows(kpi, title, self.data.pack.rows.get(dimension, ()))

    # --- clicks -----------------------------------------------------------------------

    def _period(self) -> Period | None:
        return self.data.pack.period if self.data is not None else None

    def _tile_clicked(self, code: str) -> None:
        period = self._period()
        if period is not None:
            ref = FigureRef(code, Dimension.TOTAL, NO_KEY, tr("Total"))
            self.figure_requested.emit(ref, period)

    def _month_clicked(self, index: int) -> None:
        if self.data is not None and 0 <= index < len(self.data.trend):
            ref = FigureRef(self.chart_code(), Dimension.TOTAL, NO_KEY, tr("Total"))
            self.figure_requested.emit(ref, self.data.trend[index].period)

    def _row_clicked(self, row: KpiRow) -> None:
        period = self._period()
        if period is not None:
            ref = FigureRef(self.chart_code(), row.dimension, row.key, row.name)
            self.figure_requested.emit(ref, period)
