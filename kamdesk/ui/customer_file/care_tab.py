"""关怀计划: care actions by due day, upcoming ones first to act on; 新增 and 完成."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QPushButton, QWidget

from kamdesk.i18n import label, tr
from kamdesk.services.customer_file.views import CareActionView
from kamdesk.services.customer_file.vocabulary import (
    CARE_KIND_LABELS,
    CARE_STATUS_LABELS,
    CareStatus,
)
from kamdesk.ui.customer_file.care_dialog import CareDialog
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import day, instant
from kamdesk.ui.customer_file.records_tab import RecordsTab


class CareTab(RecordsTab[CareActionView]):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        headers = [
            tr("Due on"),
            tr("Kind of care"),
            tr("Title"),
            tr("Key person"),
            tr("Status"),
            tr("Done at"),
            tr("Notes"),
        ]
        super().__init__(
            context,
            headers=headers,
            name=tr("Care plan"),
            add_text=tr("New care action…"),
            parent=parent,
        )
        self.add_button.clicked.connect(self.add_action)
        self.done_button = QPushButton(tr("Mark as done"))
        self.done_button.clicked.connect(self.mark_done)
        self._lay_out(self.done_button)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.done_button.setEnabled(self.editable)

    def show_actions(self, actions: Sequence[CareActionView]) -> None:
        ordered = sorted(actions, key=lambda a: (a.status == CareStatus.DONE, a.due_on))
        self._show(ordered, _cells)

    def add_action(self) -> None:
        self._open(CareDialog(self.context, parent=self))

    def mark_done(self) -> None:
        action = self.selected()
        if action is None or action.status == CareStatus.DONE:
            return
        context = self.context
        self._write(
            tr("Mark as done"),
            lambda customer_id: context.service.complete_care_action(
                customer_id, action.id, "", context.actor
            ),
        )


def _cells(a: CareActionView) -> tuple[str, ...]:
    return (
        day(a.due_on),
        label(CARE_KIND_LABELS, a.kind),
        a.title,
        a.key_person_name,
        label(CARE_STATUS_LABELS, a.status),
        instant(a.done_at),
        a.notes,
    )
