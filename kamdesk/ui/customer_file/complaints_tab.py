"""投诉: complaints newest first with their loop received → handled → closed → followed
up; overdue open ones are marked in words, not by colour alone."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QPushButton, QWidget

from kamdesk.i18n import label, tr
from kamdesk.services.customer_file.complaints import next_state
from kamdesk.services.customer_file.views import ComplaintView
from kamdesk.services.customer_file.vocabulary import COMPLAINT_STATE_LABELS
from kamdesk.ui.customer_file.complaint_dialog import ComplaintDialog
from kamdesk.ui.customer_file.complaint_step_dialog import STEP_TITLES, ComplaintStepDialog
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import instant
from kamdesk.ui.customer_file.records_tab import RecordsTab


class ComplaintsTab(RecordsTab[ComplaintView]):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        headers = [
            tr("Received at"),
            tr("Category"),
            tr("Description"),
            tr("State"),
            tr("Deadline"),
            tr("Handled at"),
            tr("Closed at"),
            tr("Followed up at"),
            tr("Resolution"),
        ]
        super().__init__(
            context,
            headers=headers,
            name=tr("Complaints"),
            add_text=tr("New complaint…"),
            parent=parent,
        )
        self.add_button.clicked.connect(self.add_complaint)
        self.step_button = QPushButton(tr("Next step…"))
        self.step_button.clicked.connect(self.next_step)
        self._lay_out(self.step_button)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        complaint = self.selected()
        target = next_state(complaint.state) if complaint else None
        self.step_button.setEnabled(self.editable and target is not None)
        self.step_button.setText(tr(STEP_TITLES[target]) + "…" if target else tr("Next step…"))

    def show_complaints(self, complaints: Sequence[ComplaintView]) -> None:
        self._show(complaints, _cells)

    def add_complaint(self) -> None:
        self._open(ComplaintDialog(self.context, parent=self))

    def next_step(self) -> None:
        complaint = self.selected()
        target = next_state(complaint.state) if complaint else None
        if complaint is None or target is None:
            return
        self._open(ComplaintStepDialog(self.context, complaint, target, parent=self))


def _cells(c: ComplaintView) -> tuple[str, ...]:
    state = label(COMPLAINT_STATE_LABELS, c.state)
    return (
        instant(c.received_at),
        c.category,
        c.description,
        tr("{state} (overdue)", state=state) if c.overdue else state,
        instant(c.deadline_at),
        instant(c.handled_at),
        instant(c.closed_at),
        instant(c.followed_up_at),
        c.resolution,
    )
