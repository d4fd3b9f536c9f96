"""Charts of the KPI report, drawn with reportlab graphics (vector, CJK labels).

Guarantee: a chart shows the same values as the tables (values of the pack, percent
figures × 100); rows without a value are left out rather than drawn as zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from kamdesk.domain.kpi.definitions import KPI_BY_CODE, Unit
from kamdesk.domain.kpi.figures import KpiRow
from kamdesk.reports.pdf_blocks import ACCENT, INK, MUTED

MAX_BARS = 24


def _scaled(code: str, value: float) -> float:
    return value * 100 if KPI_BY_CODE[code].unit is Unit.PERCENT else value


def bar_chart(
    title: str, rows: Sequence[KpiRow], code: str, font: str, width: float, height: float
) -> Drawing:
    """Bars of ``code`` per row (at most :data:`MAX_BARS`, the first by name)."""
    shown = [r for r in rows if r.figures[code].value is not None][:MAX_BARS]
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10, fillColor=INK))
    if not shown:
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 46
    chart.width, chart.height = width - 50, height - 70
    values = [_scaled(code, r.figures[code].value or 0.0) for r in shown]
    chart.data = [values]
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(values) * 1.15, 1)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = MUTED
    chart.valueAxis.gridStrokeColor = colors.HexColor("#D9DEE4")
    chart.valueAxis.visibleGrid = True
    chart.categoryAxis.categoryNames = [r.name[:8] for r in shown]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 35 if len(shown) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(shown) > 6 else "n"
    chart.categoryAxis.strokeColor = MUTED
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing
