"""The 12-month revenue bar chart of the overview, drawn with QPainter.

Bars are scaled to the largest month; each month is labelled below its bar (MM) and
its amount is in the tooltip and the accessible description, so the figures are
readable without seeing the bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import RevenuePoint
from kamdesk.ui.customer_file.formatting import money

BAR_COLOUR = QColor("#3b7dd8")
AXIS_COLOUR = QColor("#8a96a3")
LABEL_HEIGHT = 18.0
TOP_ROOM = 18.0


class RevenueChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: tuple[RevenuePoint, ...] = ()
        self.setAccessibleName(tr("Revenue of the last 12 months"))
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(480, 180)

    def set_points(self, points: Sequence[RevenuePoint]) -> None:
        self.points = tuple(points)
        lines = [f"{p.month.year}-{p.month.month:02d}: {money(p.amount)}" for p in self.points]
        self.setToolTip("\n".join(lines))
        self.setAccessibleDescription("; ".join(lines))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = QRectF(self.rect()).adjusted(8, TOP_ROOM, -8, -LABEL_HEIGHT)
        highest = max((p.amount for p in self.points), default=Decimal(0))
        if not self.points or highest <= 0:
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No revenue billed in 12 months")
            )
            return
        painter.drawText(
            QRectF(8, 0, area.width(), TOP_ROOM),
            Qt.AlignmentFlag.AlignLeft,
            tr("Highest month {amount}", amount=money(highest)),
        )
        slot = area.width() / len(self.points)
        painter.setPen(AXIS_COLOUR)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        for i, point in enumerate(self.points):
            height = float(point.amount / highest) * area.height()
            bar = QRectF(area.left() + i * slot + slot * 0.15, area.bottom() - height,
                         slot * 0.7, height)  # fmt: skip
            painter.fillRect(bar, BAR_COLOUR)
            painter.drawText(
                QRectF(area.left() + i * slot, area.bottom(), slot, LABEL_HEIGHT),
                Qt.AlignmentFlag.AlignCenter,
                f"{point.month.month:02d}",
            )
