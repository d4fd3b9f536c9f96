"""Choosing a KPI period: month, quarter or year, defaulting to the last complete month
in Asia/Shanghai.

Guarantee: :meth:`PeriodChooser.period` always answers a whole month, quarter or year
(:class:`kamdesk.domain.kpi.period.Period`), never a half-typed value.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QWidget

from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.kpi.period import Period
from kamdesk.i18n import N_, tr

KINDS: tuple[tuple[str, str], ...] = (
    ("month", N_("Month")),
    ("quarter", N_("Quarter")),
    ("year", N_("Year")),
)
FIRST_YEAR = 2000


def last_complete_month(now: datetime | None = None) -> Period:
    """The calendar month before the current one in Asia/Shanghai."""
    today = local(now or utcnow()).date()
    first = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    return Period.of_kind(first, "month")


class PeriodChooser(QWidget):
    """Kind (月/季度/年), year and month or quarter."""

    period_changed = Signal()
    """Fires when the chosen period changed (kind, year, month or quarter)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_box = QComboBox()
        for kind, label in KINDS:
            self.kind_box.addItem(tr(label), kind)
        self.kind_box.setAccessibleName(tr("Period kind"))
        self.year_box = QSpinBox()
        self.year_box.setRange(FIRST_YEAR, 2100)
        self.year_box.setGroupSeparatorShown(False)
        self.year_box.setSuffix(tr(" (year)"))
        self.year_box.setAccessibleName(tr("Year"))
        self.part_box = QComboBox()
        self.part_box.setAccessibleName(tr("Month or quarter"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind_box, self.year_box, self.part_box):
            layout.addWidget(widget)
        self.set_period(last_complete_month())
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.year_box.valueChanged.connect(self.period_changed)
        self.part_box.currentIndexChanged.connect(self.period_changed)

    def _fill_parts(self, kind: str, month_no: int) -> None:
        self.part_box.blockSignals(True)
        self.part_box.clear()
        if kind == "month":
            for m in range(1, 13):
                self.part_box.addItem(tr("{month} (month)", month=m), m)
            self.part_box.setCurrentIndex(month_no - 1)
        elif kind == "quarter":
            for q in range(1, 5):
                self.part_box.addItem(tr("Q{quarter}", quarter=q), 3 * q - 2)
            self.part_box.setCurrentIndex((month_no - 1) // 3)
        self.part_box.setVisible(kind != "year")
        self.part_box.blockSignals(False)

    def _kind_changed(self) -> None:
        month_no = self.part_box.currentData() or 1
        self._fill_parts(str(self.kind_box.currentData()), int(month_no))
        self.period_changed.emit()

    def set_period(self, period: Period) -> None:
        """Show ``period`` (a month, quarter or year); does not fire ``period_changed``."""
        kind = period.kind if period.kind in ("month", "quarter", "year") else "month"
        for box in (self.kind_box, self.year_box):
            box.blockSignals(True)
        self.kind_box.setCurrentIndex([k for k, _ in KINDS].index(kind))
        self.year_box.setValue(period.first.year)
        for box in (self.kind_box, self.year_box):
            box.blockSignals(False)
        self._fill_parts(kind, period.first.month)

    def period(self) -> Period:
        kind = str(self.kind_box.currentData())
        month_no = 1 if kind == "year" else int(self.part_box.currentData())
        return Period.of_kind(date(self.year_box.value(), month_no, 1), kind)
