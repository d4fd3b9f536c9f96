"""Add a care action (客户关怀): a birthday, holiday or anniversary action with its due
day, optionally for one key person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from kamdesk.domain.clock import local, utcnow
from kamdesk.i18n import tr
from kamdesk.services.customer_file.drafts import CareActionDraft
from kamdesk.services.customer_file.validation import Problems, care_problems
from kamdesk.services.customer_file.vocabulary import CARE_KIND_LABELS
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.inputs import (
    choice_combo,
    code_combo,
    combo_value,
    date_edit,
    date_of,
)


class CareDialog(EditDialog):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(tr("New care action"), context, parent)
        self.kind_combo = code_combo(CARE_KIND_LABELS)
        self.title_edit = QLineEdit()
        self.due_edit = date_edit(local(utcnow()).date() + timedelta(days=7))
        self.person_combo = choice_combo(context.key_persons, empty=tr("(the whole account)"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(60)
        f = self.fields
        f.add("kind", tr("Kind of care"), self.kind_combo, required=True)
        f.add("title", tr("Title"), self.title_edit, required=True)
        f.add("due_on", tr("Due on"), self.due_edit, required=True)
        f.add("key_person_id", tr("Key person"), self.person_combo)
        f.add("notes", tr("Notes"), self.notes_edit)
        self.finish_form()

    def draft(self) -> CareActionDraft:
        return CareActionDraft(
            kind=combo_value(self.kind_combo) or "",
            title=self.title_edit.text(),
            due_on=date_of(self.due_edit),
            key_person_id=combo_value(self.person_combo),
            notes=self.notes_edit.toPlainText(),
        )

    def problems(self) -> Problems:
        return care_problems(self.draft())

    def work(self) -> Callable[[], object]:
        context, draft = self.context, self.draft()
        customer_id = context.require_id()
        return lambda: context.service.add_care_action(customer_id, draft, context.actor)
