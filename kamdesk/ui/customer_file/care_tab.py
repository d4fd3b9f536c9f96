"""关怀计划: care actions by due day, upcoming ones first to act on; 新增 and 完成."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import CareActionView
from kamdesk.services.customer_file.vocabulary import (
    CARE_KIND_LABELS,
    CARE_STATUS_LABELS,
    CareStatus,
)
from kamdesk.ui.customer_file.care_dialog import CareDialog
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import day, instant, label
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.tasks import Lane


class CareTab(QWidget):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.care_actions: dict[str, CareActionView] = {}
        self.dialog: CareDialog | None = None
        headers = [
            tr("Due on"),
            tr("Kind of care"),
            tr("Title"),
            tr("Key person"),
            tr("Status"),
            tr("Done at"),
            tr("Notes"),
        ]
        self.table = RecordTable(RecordTableModel(headers))
        self.table.setAccessibleName(tr("Care plan"))
        self.add_button = QPushButton(tr("New care action…"))
        self.add_button.clicked.connect(self.add_action)
        self.done_button = QPushButton(tr("Mark as done"))
        self.done_button.clicked.connect(self.mark_done)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.done_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def set_editable(self, editable: bool) -> None:
        self.add_button.setEnabled(editable)
        self.done_button.setEnabled(editable)

    def show_actions(self, actions: Sequence[CareActionView]) -> None:
        self.care_actions = {a.id: a for a in actions}
        ordered = sorted(actions, key=lambda a: (a.status == CareStatus.DONE, a.due_on))
        self.table.records.set_rows(
            [
                Row(
                    a.id,
                    (
                        day(a.due_on),
                        label(CARE_KIND_LABELS, a.kind),
                        a.title,
                        a.key_person_name,
                        label(CARE_STATUS_LABELS, a.status),
                        instant(a.done_at),
                        a.notes,
                    ),
                )
                for a in ordered
            ]
        )

    def add_action(self) -> None:
        self.dialog = CareDialog(self.context, parent=self)
        self.dialog.saved.connect(lambda _result: self.context.reload())
        self.dialog.open()

    def mark_done(self) -> None:
        action = self.care_actions.get(self.table.current_id() or "")
        if action is None or action.status == CareStatus.DONE:
            return
        context, customer_id = self.context, self.context.require_id()
        context.runner.run(
            lambda progress, cancel: context.service.complete_care_action(
                customer_id, action.id, "", context.actor
            ),
            title=tr("Mark as done"),
            lane=Lane.WRITE,
            show_progress=False,
            on_success=lambda _result: context.reload(),
            parent=self,
        )
