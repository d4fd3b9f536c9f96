"""Read-only tables of one order: its steps, its return orders and its timeline."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from kamdesk.i18n import tr
from kamdesk.services.workorders import ReturnInfo, StepInfo, TimelineEntry
from kamdesk.ui.workorders.qtime import shown

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def read_only_table(headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], right: set[int]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c in right:
                item.setTextAlignment(_RIGHT)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def steps_table() -> QTableWidget:
    headers = [tr("No."), tr("Workstation"), tr("Planned hours"), tr("Deadline")]
    headers += [tr("State"), tr("Started"), tr("Done"), tr("Returns"), tr("Task")]
    return read_only_table(headers, tr("Steps"))


def fill_steps(table: QTableWidget, steps: Sequence[StepInfo]) -> None:
    rows = [
        [
            s.step_id,
            s.workstation_name,
            f"{s.planned_hours:f}",
            shown(s.deadline),
            s.state_label,
            shown(s.started_at),
            shown(s.done_at),
            str(s.return_count),
            s.task,
        ]
        for s in steps
    ]
    _fill(table, rows, {0, 2, 7})


def returns_table() -> QTableWidget:
    headers = [tr("Step"), tr("Reason"), tr("Details"), tr("Emergency handling")]
    headers += [tr("Returned by"), tr("Returned at"), tr("Handled at"), tr("Resolution")]
    return read_only_table(headers, tr("Return orders"))


def fill_returns(table: QTableWidget, returns: Sequence[ReturnInfo]) -> None:
    rows = [
        [
            r.step_id,
            r.reason_label,
            r.detail,
            r.emergency_handling,
            r.raised_by_name,
            shown(r.raised_at),
            shown(r.resolved_at) or tr("open"),
            r.resolution or "",
        ]
        for r in returns
    ]
    _fill(table, rows, {0})


def timeline_table() -> QTableWidget:
    headers = [tr("Time"), tr("Who"), tr("Role"), tr("Action"), tr("State after")]
    headers += [tr("Details")]
    return read_only_table(headers, tr("Timeline"))


def fill_timeline(table: QTableWidget, entries: Sequence[TimelineEntry]) -> None:
    rows = [
        [
            shown(e.at),
            e.actor_name,
            e.actor_role_label,
            e.action_label,
            e.to_label,
            e.details,
        ]
        for e in entries
    ]
    _fill(table, rows, set())
