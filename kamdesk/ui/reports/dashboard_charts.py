"""The dashboard's charts (QtCharts): the monthly trend of one KPI with its target, and
the industry groups or account managers side by side.

Imported only when the dashboard is first shown (tests/test_lazy_imports.py keeps
QtCharts out of start-up). Values are the engine's figures; percentages are drawn as
0–100 and every bar and point carries its :func:`format_value` text, so the chart
reads the same as the tiles and tables. Clicking a point or a bar asks for the rows
behind that figure.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from kamdesk.domain.evaluation import target_of
from kamdesk.domain.kpi.definitions import UNIT_LABELS, Direction, KpiDef, Unit, format_value
from kamdesk.domain.kpi.figures import KpiRow, MonthTotal
from kamdesk.i18n import N_, tr

VALUE_COLOUR = QColor("#0f5fc2")
TARGET_COLOUR = QColor("#8a5a00")
MAX_BARS = 30
"""At most this many groups or AMs are drawn; the tables tab lists them all."""
BAR_HEIGHT = 26
NO_FIGURES = N_("no figures yet")
LABEL_VISIBLE = QXYSeries.PointConfiguration.LabelVisibility
LABEL_FORMAT = QXYSeries.PointConfiguration.LabelFormat


def drawn(kpi: KpiDef, value: float) -> float:
    """A value as the chart draws it (a share as 0–100)."""
    return value * 100 if kpi.unit is Unit.PERCENT else value


def _axis_title(kpi: KpiDef) -> str:
    return tr(UNIT_LABELS[kpi.unit])


def _value_axis(kpi: KpiDef, values: Sequence[float], *, from_zero: bool) -> QValueAxis:
    """A value axis around ``values``: from zero for bars (their length is the value),
    closely around the values for a line (so a trend shows)."""
    axis = QValueAxis()
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    span = (high - low) or abs(high) or 1.0
    if low < 0 or not from_zero:
        padded = low - span * 0.15
        low = 0.0 if padded < 0 <= low else padded  # no negative axis for positive values
    top = high + span * 0.15
    axis.setRange(low, top)
    axis.setTickCount(6)
    if kpi.unit is Unit.PERCENT and high <= 100 < top:
        axis.setRange(low, 100.0)  # a share never passes 100 %
        axis.setTickCount(5 if low == 0 else 6)
    else:
        axis.applyNiceNumbers()
    axis.setLabelFormat("%.0f" if axis.max() - axis.min() >= 5 else "%.1f")
    axis.setTitleText(_axis_title(kpi))
    return axis


def _new_chart() -> QChart:
    chart = QChart()
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


class _View(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_new_chart(), parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(280)

    def _reset(self, title: str) -> QChart:
        chart = _new_chart()
        chart.setTitle(title)
        self.setChart(chart)  # the view owns and deletes the previous chart
        return chart


class TrendChart(_View):
    """One KPI of the total over the months, with the published target as a dashed line."""

    month_clicked = Signal(int)
    """Fires when a point is clicked; carries the month's index in the trend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Monthly trend"))
        self.values: list[tuple[int, float]] = []
        self.targets: list[tuple[int, float]] = []
        self.series: QLineSeries | None = None
        self.kpi: KpiDef | None = None

    def show_trend(self, kpi: KpiDef, trend: Sequence[MonthTotal]) -> None:
        self.kpi = kpi
        self.values, self.targets = [], []
        for i, month in enumerate(trend):
            figure = month.figures[kpi.code]
            if figure.value is not None:
                self.values.append((i, figure.value))
            target = target_of(kpi, figure, month.targets)
            if target is not None:
                self.targets.append((i, target))
        title = tr("{kpi}: the last {count} months", kpi=kpi.label(), count=len(trend))
        chart = self._reset(title if self.values else f"{title} — {tr(NO_FIGURES)}")
        series = QLineSeries()
        series.setName(tr("Value"))
        series.setPen(QPen(VALUE_COLOUR, 2.5))
        series.setPointsVisible(True)
        series.setPointLabelsClipping(False)
        for n, (i, value) in enumerate(self.values):
            series.append(i, drawn(kpi, value))
            # The label is the tiles' text ("@" would be read as a placeholder).
            label = format_value(kpi, value).replace("@", "")
            series.setPointConfiguration(n, {LABEL_VISIBLE: True, LABEL_FORMAT: label})
        series.clicked.connect(self._clicked)
        series.hovered.connect(lambda point, state: self._hovered(kpi, trend, point, state))
        chart.addSeries(series)
        self.series = series
        all_values = [drawn(kpi, v) for _, v in (*self.values, *self.targets)]
        axis_x = QBarCategoryAxis()
        axis_x.append([str(m.period.first.month) for m in trend])
        if trend:
            first, last = trend[0].period.label, trend[-1].period.label
            axis_x.setTitleText(tr("Month ({first} – {last})", first=first, last=last))
        axis_y = _value_axis(kpi, all_values, from_zero=False)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        if self.targets:
            line = QLineSeries()
            line.setName(tr("Target"))
            pen = QPen(TARGET_COLOUR, 1.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            line.setPen(pen)
            for i, target in self.targets:
                line.append(i, drawn(kpi, target))
            chart.addSeries(line)
            line.attachAxis(axis_x)
            line.attachAxis(axis_y)
        chart.legend().setVisible(bool(self.targets))
        self.setToolTip(tr("Click a point to see the rows behind that month's figure."))

    def point_position(self, index: int) -> QPointF:
        """Where the point of month ``index`` is drawn, in view coordinates."""
        assert self.series is not None and self.kpi is not None
        value = next(v for i, v in self.values if i == index)
        inside = self.chart().mapToPosition(QPointF(index, drawn(self.kpi, value)), self.series)
        return QPointF(self.mapFromScene(self.chart().mapToScene(inside)))

    def _clicked(self, point: QPointF) -> None:
        self.month_clicked.emit(round(point.x()))

    def _hovered(
        self, kpi: KpiDef, trend: Sequence[MonthTotal], point: QPointF, state: bool
    ) -> None:
        if not state:
            QToolTip.hideText()
            return
        month = trend[round(point.x())]
        text = f"{month.period.label}: {format_value(kpi, month.figures[kpi.code].value)}"
        QToolTip.showText(QCursor.pos(), text, self)


class CompareChart(_View):
    """One KPI of every industry group or account manager, as horizontal bars (best on
    top by the KPI's direction; rows without a value are left out)."""

    row_clicked = Signal(object)
    """Fires when a bar is clicked; carries the :class:`KpiRow`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Side by side"))
        self.rows: list[KpiRow] = []  # as drawn, bottom to top
        self.bar_set: QBarSet | None = None
        self.left_out = 0

    def show_rows(self, kpi: KpiDef, title: str, rows: Sequence[KpiRow]) -> None:
        valued = [r for r in rows if r.figures[kpi.code].value is not None]
        higher = kpi.direction is Direction.HIGHER_IS_BETTER
        valued.sort(key=lambda r: (r.figures[kpi.code].value or 0.0), reverse=higher)
        shown = valued[:MAX_BARS]
        self.left_out = len(rows) - len(shown)
        if self.left_out:
            title = tr(
                "{title} (showing {shown} of {total}; the Tables tab lists all)",
                title=title, shown=len(shown), total=len(rows),
            )  # fmt: skip
        chart = self._reset(title if shown else f"{title} — {tr(NO_FIGURES)}")
        self.rows = list(reversed(shown))  # a category axis lists bottom to top
        bar_set = QBarSet(kpi.label())
        bar_set.setColor(VALUE_COLOUR)
        for row in self.rows:
            bar_set.append(drawn(kpi, row.figures[kpi.code].value or 0.0))
        bar_set.clicked.connect(self._clicked)
        bar_set.hovered.connect(lambda state, index: self._hovered(kpi, state, index))
        series = QHorizontalBarSeries()
        series.append(bar_set)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        # Each name carries the figure as the tiles print it: no rounding of the chart's own.
        axis_y.append(
            [f"{r.name}  {format_value(kpi, r.figures[kpi.code].value)}" for r in self.rows] or [""]
        )
        axis_x = _value_axis(kpi, [bar_set.at(i) for i in range(bar_set.count())], from_zero=True)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().setVisible(False)
        self.bar_set = bar_set
        self.setMinimumHeight(max(280, 110 + BAR_HEIGHT * len(self.rows)))
        self.setToolTip(tr("Click a bar to see the rows behind that figure."))

    def bar_position(self, row: int) -> QPointF:
        """The middle of the bar of ``self.rows[row]``, in view coordinates."""
        assert self.bar_set is not None
        series = self.chart().series()[0]
        inside = self.chart().mapToPosition(QPointF(self.bar_set.at(row) / 2, row), series)
        return QPointF(self.mapFromScene(self.chart().mapToScene(inside)))

    def _clicked(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.row_clicked.emit(self.rows[index])

    def _hovered(self, kpi: KpiDef, state: bool, index: int) -> None:
        if not state or not 0 <= index < len(self.rows):
            QToolTip.hideText()
            return
        row = self.rows[index]
        text = f"{row.name}: {format_value(kpi, row.figures[kpi.code].value)}"
        QToolTip.showText(QCursor.pos(), text, self)
