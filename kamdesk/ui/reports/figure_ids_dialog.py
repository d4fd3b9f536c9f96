"""The rows behind one KPI figure: the ids counted in its numerator or denominator."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.kpi.definitions import KPI_BY_CODE
from kamdesk.domain.kpi.period import Period
from kamdesk.i18n import tr
from kamdesk.ui.reports.kpi_models import FigureRef


class FigureIdsDialog(QDialog):
    """A read-only table of ids with the count; Esc or 关闭 closes it."""

    def __init__(
        self, ref: FigureRef, period: Period, ids: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        kpi = KPI_BY_CODE[ref.code]
        part = tr("Numerator") if ref.part == "n" else tr("Denominator")
        self.setWindowTitle(f"{kpi.label()} · {ref.name} · {period.label}")
        counted = tr(kpi.numerator) if ref.part == "n" else tr(kpi.denominator)
        self.what_label = QLabel(f"{part}: {counted}")
        self.what_label.setWordWrap(True)
        self.count_label = QLabel(tr("{count} rows in total", count=f"{len(ids):,}"))
        self.model = QStandardItemModel(len(ids), 1, self)
        self.model.setHorizontalHeaderLabels([tr("Id")])
        for row, value in enumerate(ids):
            self.model.setItem(row, 0, QStandardItem(value))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(tr("Rows behind the figure"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(buttons)
        self.resize(560, 480)

    def ids(self) -> list[str]:
        return [self.model.item(r, 0).text() for r in range(self.model.rowCount())]
