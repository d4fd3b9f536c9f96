"""Move a complaint one step: handled (with the resolution), closed, or followed up
(回访, with its notes — this also records the follow-up visit)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from kamdesk.errors import KamdeskError
from kamdesk.i18n import N_, tr
from kamdesk.services.customer_file.validation import Problems
from kamdesk.services.customer_file.views import ComplaintView
from kamdesk.services.customer_file.vocabulary import ComplaintState
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog

STEP_TITLES = {
    ComplaintState.HANDLED: N_("Record the handling"),
    ComplaintState.CLOSED: N_("Close the complaint"),
    ComplaintState.FOLLOWED_UP: N_("Record the follow-up visit"),
}
NOTES_LABELS = {
    ComplaintState.HANDLED: N_("Resolution"),
    ComplaintState.CLOSED: N_("Closing remark"),
    ComplaintState.FOLLOWED_UP: N_("Follow-up notes"),
}
NOTES_REQUIRED = frozenset({ComplaintState.HANDLED, ComplaintState.FOLLOWED_UP})


class ComplaintStepDialog(EditDialog):
    def __init__(
        self,
        context: FileContext,
        complaint: ComplaintView,
        target: ComplaintState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(tr(STEP_TITLES[target]), context, parent)
        self.complaint = complaint
        self.target = target
        about = QLabel(f"{complaint.category}：{complaint.description}")
        about.setWordWrap(True)
        self.form.addRow(about)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(90)
        self.fields.add(
            "notes", tr(NOTES_LABELS[target]), self.notes_edit, required=target in NOTES_REQUIRED
        )
        self.finish_form()

    def problems(self) -> Problems:
        if self.target in NOTES_REQUIRED and not self.notes_edit.toPlainText().strip():
            return {
                "notes": KamdeskError("customer_file.required", field=tr(NOTES_LABELS[self.target]))
            }
        return {}

    def work(self) -> Callable[[], object]:
        context, notes, complaint_id = (
            self.context,
            self.notes_edit.toPlainText(),
            self.complaint.id,
        )
        customer_id = context.require_id()
        return lambda: context.service.advance_complaint(
            customer_id, complaint_id, notes, context.actor
        )
