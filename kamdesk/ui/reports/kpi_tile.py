"""One KPI tile of the dashboard: the value, its target with 达成/未达成, the previous
period with the trend, the unit; click (or Enter/Space) to list the rows behind it.

Guarantee: the value, target and previous period are
:func:`kamdesk.domain.kpi.definitions.format_value` of the figures given, as in the
tables and on paper; met or missed is :func:`kamdesk.domain.evaluation.judge` (the
evaluation sheet's rule). The tile is coloured by the verdict and always says it in
words; the trend arrow comes with 改善/变差, so colour is never alone (UI.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kamdesk.domain.evaluation import STATUS_LABELS, TargetStatus, judge, target_of
from kamdesk.domain.kpi.definitions import UNIT_LABELS, KpiDef, Unit, format_value
from kamdesk.domain.kpi.figures import Figure
from kamdesk.i18n import N_, tr
from kamdesk.ui.reports.kpi_models import BETTER, WORSE, trend

TILE_COLOURS: dict[TargetStatus, tuple[str, str, str]] = {
    TargetStatus.MET: ("#eef8f1", "#8cc79d", "#1d6b35"),
    TargetStatus.MISSED: ("#fdf0ee", "#e3a29a", "#a4261b"),
    TargetStatus.NO_VALUE: ("#ffffff", "#d5dbe3", "#4f5b69"),
    TargetStatus.NO_TARGET: ("#ffffff", "#d5dbe3", "#4f5b69"),
}
"""Background, border and verdict-tag colour of a tile by its verdict."""
TREND_WORDS = {True: N_("better"), False: N_("worse")}
MUTED = "color: #5b6775;"


class KpiTile(QFrame):
    """A clickable card for one KPI of the total."""

    clicked = Signal(str)
    """Fires on a click, Enter or Space; carries the KPI code."""

    def __init__(self, kpi: KpiDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kpi = kpi
        self.status = TargetStatus.NO_VALUE
        self.previous_plain = ""
        self.setObjectName("kpiTile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.title_label = QLabel(kpi.label())
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet(MUTED)
        self.value_label = QLabel("—")
        font = QFont(self.value_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value_label.setFont(font)
        self.unit_label = QLabel("" if kpi.unit is Unit.PERCENT else tr(UNIT_LABELS[kpi.unit]))
        self.unit_label.setStyleSheet(MUTED)
        self.status_label = QLabel()
        self.target_label = QLabel()
        self.previous_label = QLabel()
        self.previous_label.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.target_label, self.previous_label):
            # A narrow window cuts the line (the tooltip has it all) rather than scrolls.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        value_row = QHBoxLayout()
        value_row.setSpacing(6)
        value_row.addWidget(self.value_label)
        value_row.addWidget(self.unit_label, 0, Qt.AlignmentFlag.AlignBottom)
        value_row.addStretch(1)
        value_row.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addLayout(value_row)
        layout.addWidget(self.target_label)
        layout.addWidget(self.previous_label)
        self.show_figure(None, None, {})

    def show_figure(
        self, figure: Figure | None, previous: Figure | None, targets: Mapping[str, float]
    ) -> None:
        """Show ``figure`` against ``targets`` (by KPI code) and the ``previous`` period's."""
        kpi = self.kpi
        value = figure.value if figure is not None else None
        target = target_of(kpi, figure, targets) if figure is not None else targets.get(kpi.code)
        before = previous.value if previous is not None else None
        self.status = judge(kpi, value, target)
        self.value_label.setText(format_value(kpi, value))
        self.target_label.setText(tr("Target {value}", value=format_value(kpi, target)))
        arrow, better = trend(kpi, value, before)
        previous_text = tr("Previous {value}", value=format_value(kpi, before))
        said = f"{arrow} {tr(TREND_WORDS[better])}" if better is not None else arrow
        plain = f"{previous_text} {said}".strip()
        if better is not None:
            colour = (BETTER if better else WORSE).name()
            previous_text += f' <span style="color: {colour};">{said}</span>'
        elif arrow:
            previous_text = plain
        self.previous_label.setText(previous_text)
        self.previous_plain = plain
        background, border, accent = TILE_COLOURS[self.status]
        self.status_label.setText(tr(STATUS_LABELS[self.status]))
        self.status_label.setStyleSheet(
            f"color: {accent}; border: 1px solid {border}; border-radius: 4px; padding: 0 6px;"
            " background: #ffffff;"
        )
        self.setStyleSheet(
            f"QFrame#kpiTile {{ background: {background}; border: 1px solid {border};"
            f" border-left: 4px solid {accent}; border-radius: 6px; }}"
            f" QFrame#kpiTile:focus {{ border: 2px solid #0f5fc2; border-left: 4px solid"
            f" {accent}; }}"
        )
        summary = (
            f"{kpi.label()}: {self.value_label.text()} {self.unit_label.text()}".rstrip()
            + f" · {self.target_label.text()} · {self.status_label.text()} · {plain}"
        )
        self.setAccessibleName(summary)
        self.setToolTip(
            f"{summary}\n{tr(kpi.numerator)} ÷ {tr(kpi.denominator)}\n"
            + tr("Click to see the orders or accounts behind the figure.")
        )

    def texts(self) -> dict[str, str]:
        """What the tile says, by part (value, target, previous, status)."""
        return {
            "value": self.value_label.text(),
            "target": self.target_label.text(),
            "previous": self.previous_plain,
            "status": self.status_label.text(),
        }

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit(self.kpi.code)
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.kpi.code)
            return
        super().keyPressEvent(event)
