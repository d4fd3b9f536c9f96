"""调度单: the response center splits the order into steps for the workstations.

Each row of the step table is one step: workstation, planned hours, deadline and the
task; the steps run in the order of the rows or all at once. Steps are numbered
1, 2, … by the service in row order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.clock import utcnow
from kamdesk.domain.workorders.vocabulary import DISPATCH_MODE_LABELS, DispatchMode
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.workorders import StepPlan
from kamdesk.ui.workorders.choices import Choice
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box
from kamdesk.ui.workorders.qtime import QT_DISPLAY, from_qdatetime, to_qdatetime

define({"form.no_steps": N_("Add at least one step for a workstation.")})

W = TypeVar("W", bound=QWidget)

COL_WORKSTATION, COL_HOURS, COL_DEADLINE, COL_TASK = range(4)
DEFAULT_HOURS = 8.0
DEFAULT_DAYS = 2


class DispatchFormDialog(FormDialog):
    """Step order, the step table (add/remove rows), and a note."""

    def __init__(
        self, workstations: Sequence[Choice], submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("Dispatch form"), submit, parent)
        self._workstations = list(workstations)

        modes = QWidget()
        row = QHBoxLayout(modes)
        row.setContentsMargins(0, 0, 0, 0)
        self.modes = QButtonGroup(self)
        self.mode_buttons: dict[DispatchMode, QRadioButton] = {}
        for mode in DispatchMode:
            button = QRadioButton(tr(DISPATCH_MODE_LABELS[mode]))
            self.modes.addButton(button)
            self.mode_buttons[mode] = button
            row.addWidget(button)
        row.addStretch(1)
        self.mode_buttons[DispatchMode.SEQUENTIAL].setChecked(True)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [tr("Workstation"), tr("Planned hours"), tr("Deadline"), tr("Task")]
        )
        self.table.setAccessibleName(tr("Steps"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TASK, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumSize(680, 180)
        self.add_button = QPushButton(tr("Add step"))
        self.remove_button = QPushButton(tr("Remove step"))
        self.add_button.clicked.connect(self.add_step)
        self.remove_button.clicked.connect(self.remove_step)
        table_box = QWidget()
        column = QVBoxLayout(table_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.note = text_box(2)

        self.add_field(tr("Steps run"), modes, required=True)
        self.watch_group(self.modes)
        self.add_field(tr("Steps"), table_box, required=True)
        self.watch(self.table)
        self.add_field(tr("Note"), self.note)
        self.add_step()
        self._dirty = False  # the first, empty row is not an edit

    # --- rows -----------------------------------------------------------------------

    def add_step(self) -> int:
        """Append a row (workstation after the previous row's, 8 h, due in 2 days)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        station = QComboBox()
        for choice in self._workstations:
            station.addItem(f"{choice.label} ({choice.key})", choice.key)
        station.setCurrentIndex(min(row, max(0, station.count() - 1)))
        hours = QDoubleSpinBox()
        hours.setRange(0.5, 10_000)
        hours.setDecimals(1)
        hours.setSingleStep(0.5)
        hours.setValue(DEFAULT_HOURS)
        hours.setAlignment(Qt.AlignmentFlag.AlignRight)
        deadline = QDateTimeEdit(to_qdatetime(utcnow() + timedelta(days=DEFAULT_DAYS)))
        deadline.setDisplayFormat(QT_DISPLAY)
        deadline.setCalendarPopup(True)
        self.table.setCellWidget(row, COL_WORKSTATION, station)
        self.table.setCellWidget(row, COL_HOURS, hours)
        self.table.setCellWidget(row, COL_DEADLINE, deadline)
        self.table.setItem(row, COL_TASK, QTableWidgetItem(""))
        for widget in (station, hours, deadline):
            self.watch(widget)
        self.table.resizeColumnsToContents()
        self.mark_dirty()
        return row

    def remove_step(self) -> None:
        """Remove the selected row (the last one when none is selected)."""
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.rowCount() - 1]:
            if row >= 0:
                self.table.removeRow(row)
                self.mark_dirty()

    def set_step(
        self, row: int, workstation: str, hours: float, task: str, days: int = DEFAULT_DAYS
    ) -> None:
        """Fill row ``row`` (the workstation by its code)."""
        station = self._cell(row, COL_WORKSTATION, QComboBox)
        station.setCurrentIndex(station.findData(workstation))
        self._cell(row, COL_HOURS, QDoubleSpinBox).setValue(hours)
        self._cell(row, COL_DEADLINE, QDateTimeEdit).setDateTime(
            to_qdatetime(utcnow() + timedelta(days=days))
        )
        item = self.table.item(row, COL_TASK)
        assert item is not None
        item.setText(task)

    def choose_mode(self, mode: DispatchMode) -> None:
        self.mode_buttons[mode].setChecked(True)

    def _cell(self, row: int, column: int, kind: type[W]) -> W:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, kind)
        return widget

    # --- saving ---------------------------------------------------------------------

    def mode(self) -> DispatchMode:
        for mode, button in self.mode_buttons.items():
            if button.isChecked():
                return mode
        return DispatchMode.SEQUENTIAL

    def collect(self) -> tuple[DispatchMode, list[StepPlan], str]:
        steps = []
        for row in range(self.table.rowCount()):
            station = self._cell(row, COL_WORKSTATION, QComboBox).currentData()
            if not station:
                raise KamdeskError("form.required", field=tr("Workstation"))
            item = self.table.item(row, COL_TASK)
            steps.append(
                StepPlan(
                    workstation=str(station),
                    planned_hours=Decimal(str(self._cell(row, COL_HOURS, QDoubleSpinBox).value())),
                    deadline=from_qdatetime(
                        self._cell(row, COL_DEADLINE, QDateTimeEdit).dateTime()
                    ),
                    task="" if item is None else item.text().strip(),
                )
            )
        if not steps:
            raise KamdeskError("form.no_steps")
        return self.mode(), steps, self.note.toPlainText().strip()
