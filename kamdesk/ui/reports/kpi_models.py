"""Table models of a KPI pack: the total with previous period and trend, and one
dimension (groups, AMs, workstations, products) with a column per KPI.

Guarantee: every value shown is :func:`kamdesk.domain.kpi.definitions.format_value`
of the pack's figure, so the screen prints exactly what the PDF and workbook print.
The trend arrow is text (▲/▼/＝), coloured green when better and red when worse by the
KPI's direction, so it never relies on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from kamdesk.domain.kpi.definitions import (
    KPIS,
    UNIT_LABELS,
    Direction,
    KpiDef,
    format_part,
    format_value,
)
from kamdesk.domain.kpi.figures import NO_KEY, Dimension, KpiPack, KpiRow
from kamdesk.i18n import N_, tr

BETTER = QColor("#1e7b34")
WORSE = QColor("#b3261e")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex

SUMMARY_HEADERS = (
    N_("Code"),
    N_("KPI"),
    N_("Value"),
    N_("Numerator"),
    N_("Denominator"),
    N_("Unit"),
    N_("Previous period"),
    N_("Trend"),
)
VALUE_COLUMN, NUMERATOR_COLUMN, DENOMINATOR_COLUMN = 2, 3, 4
TREND_COLUMN = 7
RIGHT_COLUMNS = frozenset({2, 3, 4, 6})


@dataclass(frozen=True)
class FigureRef:
    """Which figure a cell shows: what :meth:`KpiService.figure_ids` needs."""

    code: str
    dimension: Dimension
    key: str
    name: str
    part: str = "n"


def trend(kpi: KpiDef, value: float | None, previous: float | None) -> tuple[str, bool | None]:
    """The arrow from ``previous`` to ``value`` and whether that is better (None: neither)."""
    if value is None or previous is None:
        return "", None
    if value == previous:
        return "＝", None
    up = value > previous
    return ("▲" if up else "▼"), up == (kpi.direction is Direction.HIGHER_IS_BETTER)


class SummaryModel(QAbstractTableModel):
    """One row per KPI: value, numerator, denominator, unit, previous period, trend."""

    def __init__(self) -> None:
        super().__init__()
        self._pack: KpiPack | None = None

    def show_pack(self, pack: KpiPack | None) -> None:
        self.beginResetModel()
        self._pack = pack
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._pack is None else len(KPIS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SUMMARY_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(SUMMARY_HEADERS[section])
        return None

    def _previous(self, kpi: KpiDef) -> float | None:
        before = self._pack.previous_total if self._pack is not None else None
        return before.figures[kpi.code].value if before is not None else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._pack is None:
            return None
        kpi = KPIS[index.row()]
        fig = self._pack.total.figures[kpi.code]
        column = index.column()
        arrow, better = trend(kpi, fig.value, self._previous(kpi))
        if role == Qt.ItemDataRole.DisplayRole:
            texts = (
                kpi.code,
                tr(kpi.name),
                format_value(kpi, fig.value),
                format_part(fig.numerator),
                format_part(fig.denominator),
                tr(UNIT_LABELS[kpi.unit]),
                format_value(kpi, self._previous(kpi)),
                arrow,
            )
            return texts[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT_COLUMNS:
            return int(RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and column == TREND_COLUMN and better is not None:
            return BETTER if better else WORSE
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr(kpi.numerator) + " ÷ " + tr(kpi.denominator)
        return None

    def figure_at(self, index: Index) -> FigureRef | None:
        """The figure of a cell (the denominator column lists the denominator's rows)."""
        if not index.isValid() or self._pack is None:
            return None
        part = "d" if index.column() == DENOMINATOR_COLUMN else "n"
        return FigureRef(KPIS[index.row()].code, Dimension.TOTAL, NO_KEY, tr("Total"), part)


class DimensionModel(QAbstractTableModel):
    """One row per group, AM, workstation or product; one column per KPI value."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[KpiRow, ...] = ()
        self._dimension = Dimension.GROUP

    def show_rows(self, dimension: Dimension, rows: tuple[KpiRow, ...]) -> None:
        self.beginResetModel()
        self._dimension, self._rows = dimension, rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(KPIS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr("Name") if section == 0 else KPIS[section - 1].code
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            return KPIS[section - 1].label()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if column == 0:
            return row.name if role == Qt.ItemDataRole.DisplayRole else None
        kpi = KPIS[column - 1]
        fig = row.figures[kpi.code]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(kpi, fig.value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{kpi.label()}: {format_part(fig.numerator)} / {format_part(fig.denominator)}"
        return None

    def figure_at(self, index: Index) -> FigureRef | None:
        if not index.isValid() or index.column() == 0:
            return None
        row = self._rows[index.row()]
        return FigureRef(KPIS[index.column() - 1].code, self._dimension, row.key, row.name)
