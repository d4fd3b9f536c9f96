"""The forecast editor's pieces: the period chooser (月度/季度 and the start month), the
table model of one period's quantities per catalogue product, and the spin-box editor
of the quantity column.

Guarantees: a quantity on screen is a whole number from 0 to :data:`MAX_QUANTITY`
(the model refuses anything else, the spin box cannot produce it); the model only
holds plain values (no ORM object, no session) and tells saved from unsaved rows,
so the page sends only the rows the user changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.customers.funnel import ForecastPeriod
from kamdesk.i18n import N_, tr
from kamdesk.services.funnel import ForecastView
from kamdesk.ui.customer_file.formatting import instant

MAX_QUANTITY = 999_999
"""Most demand forms one person forecasts for one product and period."""
PERIOD_KINDS: tuple[tuple[ForecastPeriod, str], ...] = (
    (ForecastPeriod.MONTHLY, N_("Monthly")),
    (ForecastPeriod.QUARTERLY, N_("Quarterly")),
)
PAST_PERIODS = 3
"""Periods before the current one the start chooser still offers (to look back)."""
FUTURE_PERIODS = {ForecastPeriod.MONTHLY: 12, ForecastPeriod.QUARTERLY: 6}
"""Periods after the current one the start chooser offers."""

SUBMITTED_COLOURS = ("#1e6b34", "#e6f4ea")
UNSUBMITTED_COLOURS = ("#8a5a00", "#fff4d6")
UNSAVED_COLOURS = ("#b3261e", "#fdecea")
"""Text colour and background of the state tags (with text, never colour alone)."""

Item = QModelIndex | QPersistentModelIndex


# --- periods ------------------------------------------------------------------------


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month`` (negative: before)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def period_step(period: ForecastPeriod) -> int:
    """Months in one period."""
    return 3 if period is ForecastPeriod.QUARTERLY else 1


def current_start(period: ForecastPeriod, today: date) -> date:
    """The first day of the month (of the quarter) that holds ``today``."""
    month = today.month
    if period is ForecastPeriod.QUARTERLY:
        month -= (month - 1) % 3
    return date(today.year, month, 1)


def period_starts(period: ForecastPeriod, today: date) -> list[date]:
    """The start days the chooser offers, oldest first: a few periods back, the
    current one and up to a year ahead."""
    first = current_start(period, today)
    step = period_step(period)
    return [add_months(first, step * n) for n in range(-PAST_PERIODS, FUTURE_PERIODS[period] + 1)]


def period_label(period: ForecastPeriod, start: date) -> str:
    """``2026年12月`` or ``2027年第1季度`` (in English ``2026-12`` or ``2027 Q1``)."""
    if period is ForecastPeriod.QUARTERLY:
        return tr("{year} Q{quarter}", year=str(start.year), quarter=(start.month - 1) // 3 + 1)
    return tr("{year}-{month}", year=str(start.year), month=f"{start.month:02d}")


def today_in_shanghai() -> date:
    return local(utcnow()).date()


class PeriodRow(QWidget):
    """Period kind (月度/季度) and its start; defaults to the next month or quarter.

    Guarantee: :meth:`start` is always the first day of a month, and of a quarter's
    first month when the kind is quarterly — what :func:`check_forecast` accepts.
    """

    changed = Signal()
    """Fires when the kind or the start changed (by the user or :meth:`choose`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName(tr("Period kind"))
        for kind, text in PERIOD_KINDS:
            self.kind_box.addItem(tr(text), kind.value)
        self.start_box = QComboBox()
        self.start_box.setAccessibleName(tr("Forecast period"))
        self.start_box.setMinimumContentsLength(10)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("Period:")))
        layout.addWidget(self.kind_box)
        layout.addWidget(self.start_box)
        self._fill_starts(None)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.start_box.currentIndexChanged.connect(self.changed)

    def period(self) -> ForecastPeriod:
        return ForecastPeriod(self.kind_box.currentData())

    def start(self) -> date:
        return date.fromisoformat(str(self.start_box.currentData()))

    def choose(self, period: ForecastPeriod, start: date) -> None:
        """Show ``period`` starting at ``start`` (added to the list when not offered)."""
        self.kind_box.blockSignals(True)
        self.kind_box.setCurrentIndex(self.kind_box.findData(period.value))
        self.kind_box.blockSignals(False)
        self._fill_starts(start)
        self.changed.emit()

    def _kind_changed(self) -> None:
        self._fill_starts(None)
        self.changed.emit()

    def _fill_starts(self, wanted: date | None) -> None:
        period = self.period()
        today = today_in_shanghai()
        starts = period_starts(period, today)
        default = add_months(current_start(period, today), period_step(period))
        chosen = wanted or default
        if chosen not in starts:
            starts = sorted({*starts, chosen})
        self.start_box.blockSignals(True)
        self.start_box.clear()
        for start in starts:
            self.start_box.addItem(period_label(period, start), start.isoformat())
        self.start_box.setCurrentIndex(starts.index(chosen))
        self.start_box.blockSignals(False)


# --- the table ----------------------------------------------------------------------


@dataclass
class ForecastRow:
    """One catalogue product in the editor: what is stored and what is on screen."""

    product_id: str
    code: str
    name: str
    saved: int | None = None  # None: no forecast stored for this period
    submitted_at: datetime | None = None
    quantity: int | None = None  # on screen; None: left empty

    @property
    def changed(self) -> bool:
        return self.quantity is not None and self.quantity != self.saved


COLUMNS = (N_("Code"), N_("Product"), N_("Quantity"), N_("State"))
CODE, NAME, QUANTITY, STATE = range(len(COLUMNS))


class ForecastModel(QAbstractTableModel):
    """One row per catalogue product; the quantity column is editable."""

    edited = Signal()
    """Fires after the user changed a quantity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ForecastRow] = []

    def load(
        self, products: list[tuple[str, str, str]], forecasts: tuple[ForecastView, ...]
    ) -> None:
        """Show ``products`` (id, code, name) with the stored ``forecasts`` of one period;
        every unsaved change is dropped."""
        stored = {f.product_id: f for f in forecasts}
        rows = []
        for product_id, code, name in products:
            found = stored.get(product_id)
            row = ForecastRow(product_id, code, name)
            if found is not None:
                row.saved = row.quantity = found.quantity
                row.submitted_at = found.submitted_at
            rows.append(row)
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def mark_saved(self, row: int, view: ForecastView) -> None:
        """Row ``row`` was stored as ``view``."""
        target = self.rows[row]
        target.saved = target.quantity = view.quantity
        target.submitted_at = view.submitted_at
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def changed_rows(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row.changed]

    def unsubmitted(self) -> int:
        """Stored forecasts of the period not submitted yet."""
        return sum(1 for row in self.rows if row.saved is not None and row.submitted_at is None)

    def stored(self) -> int:
        return sum(1 for row in self.rows if row.saved is not None)

    def last_submitted(self) -> datetime | None:
        times = [row.submitted_at for row in self.rows if row.submitted_at is not None]
        return max(times) if times else None

    # --- Qt model -------------------------------------------------------------------

    def rowCount(self, parent: Item = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Item = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(COLUMNS[section])
            if role == Qt.ItemDataRole.TextAlignmentRole and section == QUANTITY:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Item) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == QUANTITY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Item, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, column)
        if role == Qt.ItemDataRole.EditRole and column == QUANTITY:
            return row.quantity or 0
        if role == Qt.ItemDataRole.TextAlignmentRole and column == QUANTITY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == QUANTITY and row.changed:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            colours = _state_colours(row) if column == STATE else None
            if colours is not None:
                colour = colours[0] if role == Qt.ItemDataRole.ForegroundRole else colours[1]
                return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.ToolTipRole and column == STATE and row.submitted_at:
            return tr("Submitted {time}", time=instant(row.submitted_at))
        return None

    def setData(self, index: Item, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Take a whole number from 0 to :data:`MAX_QUANTITY` (also as digits in a
        string) in the quantity column; refuse anything else."""
        if role != Qt.ItemDataRole.EditRole or index.column() != QUANTITY:
            return False
        quantity = _whole_number(value)
        if quantity is None:
            return False
        row = self.rows[index.row()]
        if row.quantity == quantity:
            return True
        row.quantity = quantity
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), STATE))
        self.edited.emit()
        return True


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text.isdigit():
            return None
        value = int(text)
    if isinstance(value, int) and 0 <= value <= MAX_QUANTITY:
        return value
    return None


def _cell(row: ForecastRow, column: int) -> str:
    if column == CODE:
        return row.code
    if column == NAME:
        return row.name
    if column == QUANTITY:
        return "" if row.quantity is None else f"{row.quantity:,}"
    if row.changed:
        return tr("Not saved")
    if row.saved is None:
        return ""
    return tr("Submitted") if row.submitted_at is not None else tr("Not submitted")


def _state_colours(row: ForecastRow) -> tuple[str, str] | None:
    if row.changed:
        return UNSAVED_COLOURS
    if row.saved is None:
        return None
    return SUBMITTED_COLOURS if row.submitted_at is not None else UNSUBMITTED_COLOURS


class QuantityDelegate(QStyledItemDelegate):
    """Edits a quantity with a spin box that cannot go below 0 or above the maximum."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Item) -> QWidget:
        editor = QSpinBox(parent)
        editor.setRange(0, MAX_QUANTITY)
        editor.setGroupSeparatorShown(True)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setAccessibleName(tr("Quantity"))
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor: QWidget, index: Item) -> None:
        if isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Item) -> None:
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
