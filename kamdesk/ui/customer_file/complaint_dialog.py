"""Register a complaint (投诉): when and how it came in, what it is about, its deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from kamdesk.domain.clock import utcnow
from kamdesk.i18n import N_, tr
from kamdesk.services.customer_file.drafts import ComplaintDraft
from kamdesk.services.customer_file.validation import Problems, complaint_problems
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.inputs import (
    code_combo,
    combo_value,
    datetime_edit,
    datetime_of,
)

CHANNEL_LABELS = {
    "phone": N_("Phone"),
    "hotline": N_("Hotline"),
    "visit": N_("In person"),
    "email": N_("E-mail"),
}
SEVERITY_LABELS = {"normal": N_("Normal"), "urgent": N_("Urgent")}
DEADLINE_HOURS = {"normal": 72, "urgent": 24}


class ComplaintDialog(EditDialog):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(tr("New complaint"), context, parent)
        now = utcnow()
        self.received_edit = datetime_edit(now)
        self.channel_combo = code_combo(CHANNEL_LABELS)
        self.severity_combo: QComboBox = code_combo(SEVERITY_LABELS)
        self.deadline_edit = datetime_edit(now + timedelta(hours=DEADLINE_HOURS["normal"]))
        self.category_edit = QLineEdit()
        self.category_edit.setPlaceholderText(tr("e.g. network fault, billing, service attitude"))
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(80)
        f = self.fields
        f.add("category", tr("Category"), self.category_edit, required=True)
        f.add("description", tr("Description"), self.description_edit, required=True)
        f.add("received_at", tr("Received at"), self.received_edit, required=True)
        f.add("channel", tr("Channel"), self.channel_combo)
        f.add("severity", tr("Severity"), self.severity_combo)
        f.add("deadline_at", tr("Deadline"), self.deadline_edit, required=True)
        self.severity_combo.currentIndexChanged.connect(self._suggest_deadline)
        self.finish_form()

    def _suggest_deadline(self) -> None:
        hours = DEADLINE_HOURS.get(combo_value(self.severity_combo) or "", 72)
        received = datetime_of(self.received_edit)
        self.deadline_edit.setDateTime(datetime_edit(received + timedelta(hours=hours)).dateTime())

    def draft(self) -> ComplaintDraft:
        return ComplaintDraft(
            received_at=datetime_of(self.received_edit),
            deadline_at=datetime_of(self.deadline_edit),
            category=self.category_edit.text(),
            description=self.description_edit.toPlainText(),
            channel=combo_value(self.channel_combo) or "phone",
            severity=combo_value(self.severity_combo) or "normal",
        )

    def problems(self) -> Problems:
        return complaint_problems(self.draft(), utcnow())

    def work(self) -> Callable[[], object]:
        context, draft = self.context, self.draft()
        customer_id = context.require_id()
        return lambda: context.service.add_complaint(customer_id, draft, context.actor)
