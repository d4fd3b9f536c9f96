"""投诉: complaints newest first with their loop received → handled → closed → followed
up; overdue open ones are marked in words, not by colour alone."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.complaints import next_state
from kamdesk.services.customer_file.views import ComplaintView
from kamdesk.services.customer_file.vocabulary import COMPLAINT_STATE_LABELS
from kamdesk.ui.customer_file.complaint_dialog import ComplaintDialog
from kamdesk.ui.customer_file.complaint_step_dialog import STEP_TITLES, ComplaintStepDialog
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.formatting import instant, label
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row


class ComplaintsTab(QWidget):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.complaints: dict[str, ComplaintView] = {}
        self.dialog: EditDialog | None = None
        self.editable = True
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
        self.table = RecordTable(RecordTableModel(headers))
        self.table.setAccessibleName(tr("Complaints"))
        self.add_button = QPushButton(tr("New complaint…"))
        self.add_button.clicked.connect(self.add_complaint)
        self.step_button = QPushButton(tr("Next step…"))
        self.step_button.clicked.connect(self.next_step)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.step_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._selection_changed()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.add_button.setEnabled(editable)
        self._selection_changed()

    def _selection_changed(self) -> None:
        complaint = self.complaints.get(self.table.current_id() or "")
        target = next_state(complaint.state) if complaint else None
        self.step_button.setEnabled(self.editable and target is not None)
        self.step_button.setText(tr(STEP_TITLES[target]) + "…" if target else tr("Next step…"))

    def show_complaints(self, complaints: Sequence[ComplaintView]) -> None:
        self.complaints = {c.id: c for c in complaints}

        def state(c: ComplaintView) -> str:
            text = label(COMPLAINT_STATE_LABELS, c.state)
            return tr("{state} (overdue)", state=text) if c.overdue else text

        self.table.records.set_rows(
            [
                Row(
                    c.id,
                    (
                        instant(c.received_at),
                        c.category,
                        c.description,
                        state(c),
                        instant(c.deadline_at),
                        instant(c.handled_at),
                        instant(c.closed_at),
                        instant(c.followed_up_at),
                        c.resolution,
                    ),
                )
                for c in complaints
            ]
        )
        self._selection_changed()

    def add_complaint(self) -> None:
        self._open(ComplaintDialog(self.context, parent=self))

    def next_step(self) -> None:
        complaint = self.complaints.get(self.table.current_id() or "")
        target = next_state(complaint.state) if complaint else None
        if complaint is None or target is None:
            return
        self._open(ComplaintStepDialog(self.context, complaint, target, parent=self))

    def _open(self, dialog: EditDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _result: self.context.reload())
        dialog.open()
