"""Record a visit (走访): planned or done, with purpose, participants, findings, explicit
and hidden needs (显性/隐性需求) and next steps. Recording a planned visit as done
replaces it (visits are append-only)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QWidget

from kamdesk.domain.clock import utcnow
from kamdesk.i18n import tr
from kamdesk.services.customer_file.drafts import VisitDraft
from kamdesk.services.customer_file.validation import Problems, visit_problems
from kamdesk.services.customer_file.views import VisitView
from kamdesk.services.customer_file.vocabulary import VISIT_STATUS_LABELS, VisitStatus
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.inputs import (
    code_combo,
    combo_value,
    datetime_edit,
    datetime_of,
    set_combo,
)

RECORDABLE_VISIT_LABELS = {
    status: text for status, text in VISIT_STATUS_LABELS.items() if status != VisitStatus.CANCELLED
}


def _text_box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(54)
    return box


class VisitDialog(EditDialog):
    """``fulfils`` is the planned visit being recorded as done, if any."""

    def __init__(
        self, context: FileContext, fulfils: VisitView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("Record a visit"), context, parent)
        self.fulfils = fulfils
        self.status_combo = code_combo(RECORDABLE_VISIT_LABELS)
        set_combo(self.status_combo, VisitStatus.DONE.value)
        self.status_combo.setEnabled(fulfils is None)
        self.at_edit = datetime_edit(utcnow())
        self.purpose_edit = QLineEdit(fulfils.purpose if fulfils else "")
        self.participants_edit = QLineEdit(fulfils.participants if fulfils else "")
        self.persons_list = QListWidget()
        self.persons_list.setFixedHeight(72)
        for person in context.key_persons:
            item = QListWidgetItem(person.name)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.persons_list.addItem(item)
        self.findings_edit = _text_box()
        self.explicit_edit = _text_box()
        self.hidden_edit = _text_box()
        self.next_edit = _text_box()
        f = self.fields
        f.add("status", tr("Visit status"), self.status_combo, required=True)
        f.add("at", tr("When"), self.at_edit, required=True)
        f.add("purpose", tr("Purpose"), self.purpose_edit, required=True)
        f.add("participants", tr("Participants"), self.participants_edit)
        f.add("key_person_ids", tr("Key persons met"), self.persons_list)
        f.add("findings", tr("Findings"), self.findings_edit)
        f.add("explicit_needs", tr("Explicit needs"), self.explicit_edit)
        f.add("hidden_needs", tr("Hidden needs"), self.hidden_edit)
        f.add("next_steps", tr("Next steps"), self.next_edit)
        self.persons_list.itemChanged.connect(lambda _item: self._mark_dirty())
        self.finish_form()

    def draft(self) -> VisitDraft:
        met = tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.persons_list.item(i) for i in range(self.persons_list.count()))
            if item.checkState() == Qt.CheckState.Checked
        )
        return VisitDraft(
            status=combo_value(self.status_combo) or "",
            at=datetime_of(self.at_edit),
            purpose=self.purpose_edit.text(),
            participants=self.participants_edit.text(),
            findings=self.findings_edit.toPlainText(),
            explicit_needs=self.explicit_edit.toPlainText(),
            hidden_needs=self.hidden_edit.toPlainText(),
            next_steps=self.next_edit.toPlainText(),
            key_person_ids=met,
            fulfils_visit_id=self.fulfils.id if self.fulfils else None,
        )

    def problems(self) -> Problems:
        return visit_problems(self.draft(), utcnow())

    def work(self) -> Callable[[], object]:
        context, draft = self.context, self.draft()
        customer_id = context.require_id()
        return lambda: context.service.record_visit(customer_id, draft, context.actor)
