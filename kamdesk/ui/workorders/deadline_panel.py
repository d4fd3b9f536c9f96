"""The order's promised time: due instant, a coloured status tag with its words, and
"explain this deadline" (解释时限) unfolding the clock's trace line by line."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.workorders import DeadlineInfo
from kamdesk.ui.workorders.qtime import shown
from kamdesk.ui.workorders.tags import sla_style


class DeadlinePanel(QWidget):
    """Shows one order's :class:`DeadlineInfo` (or that the clock has not started)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setAccessibleName(tr("Deadline"))
        self.status_tag = QLabel()
        self.explain_button = QPushButton(tr("Explain this deadline"))
        self.explain_button.setCheckable(True)
        self.explain_button.setToolTip(tr("How the deadline was counted, day by day"))
        self.trace = QListWidget()
        self.trace.setAccessibleName(tr("How the deadline was counted"))
        self.trace.setVisible(False)
        self.trace.setMaximumHeight(200)
        self.explain_button.toggled.connect(self.trace.setVisible)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.summary)
        row.addWidget(self.status_tag)
        row.addStretch(1)
        row.addWidget(self.explain_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.trace)

    def show_deadline(self, info: DeadlineInfo | None) -> None:
        self.trace.clear()
        if info is None:
            self.summary.setText(tr("Deadline: the clock starts when the clerk issues the order."))
            self.status_tag.setVisible(False)
            self.explain_button.setEnabled(False)
            self.explain_button.setChecked(False)
            return
        due = shown(info.due_at) if info.due_at is not None else tr("not known while paused")
        self.summary.setText(
            tr(
                "Promised {days} days ({mode}) from {issued}; due {due}",
                days=info.promised_days,
                mode=info.mode_label,
                issued=shown(info.issued_at),
                due=due,
            )
        )
        self.status_tag.setText(info.status_label)
        self.status_tag.setStyleSheet(sla_style(info.status))
        self.status_tag.setVisible(bool(info.status_label))
        self.explain_button.setEnabled(True)
        self.trace.addItems(list(info.trace))

    def trace_lines(self) -> list[str]:
        return [self.trace.item(i).text() for i in range(self.trace.count())]
