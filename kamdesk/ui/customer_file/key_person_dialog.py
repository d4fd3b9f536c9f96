"""Add or edit a key person (关键人): role in decisions, tier, phones, relationship and
whom they report to. A bad phone number is refused under its field, as typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.drafts import KeyPersonDraft
from kamdesk.services.customer_file.validation import Problems, key_person_problems
from kamdesk.services.customer_file.vocabulary import DECISION_ROLE_LABELS, TIER_LABELS
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.inputs import (
    choice_combo,
    code_combo,
    combo_value,
    date_edit,
    date_of,
    set_combo,
)


class KeyPersonDialog(EditDialog):
    """``person_id`` None adds a person; otherwise ``draft`` holds their current values."""

    def __init__(
        self,
        context: FileContext,
        person_id: str | None = None,
        draft: KeyPersonDraft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = tr("New key person") if person_id is None else tr("Edit key person")
        super().__init__(title, context, parent)
        self.person_id = person_id
        current = draft or KeyPersonDraft(name="", decision_role="influencer")
        self.name_edit = QLineEdit(current.name)
        self.title_edit = QLineEdit(current.title)
        self.department_edit = QLineEdit(current.department)
        self.role_combo = code_combo(DECISION_ROLE_LABELS)
        set_combo(self.role_combo, current.decision_role)
        self.tier_combo = code_combo(TIER_LABELS)
        set_combo(self.tier_combo, current.tier)
        self.mobile_edit = QLineEdit(current.mobile)
        self.mobile_edit.setPlaceholderText("13800138000")
        self.landline_edit = QLineEdit(current.landline)
        self.landline_edit.setPlaceholderText("0571-87654321")
        self.email_edit = QLineEdit(current.email)
        self.birthday_known = QCheckBox(tr("Known"))
        self.birthday_known.setChecked(current.birthday is not None)
        self.birthday_edit = date_edit(current.birthday)
        self.birthday_edit.setEnabled(current.birthday is not None)
        self.birthday_known.toggled.connect(self.birthday_edit.setEnabled)
        self.relationship_spin = QSpinBox()
        self.relationship_spin.setRange(1, 5)
        self.relationship_spin.setValue(current.relationship)
        self.relationship_spin.setSuffix(tr(" of 5"))
        others = [c for c in context.key_persons if c.id != person_id]
        self.reports_combo = choice_combo(others, empty=tr("(nobody)"))
        set_combo(self.reports_combo, current.reports_to_id)
        self.preferences_edit = QPlainTextEdit(current.preferences)
        self.preferences_edit.setTabChangesFocus(True)
        self.preferences_edit.setFixedHeight(60)

        f = self.fields
        f.add("name", tr("Name"), self.name_edit, required=True)
        f.add("title", tr("Job title"), self.title_edit)
        f.add("department", tr("Department"), self.department_edit)
        f.add("decision_role", tr("Role in decisions"), self.role_combo, required=True)
        f.add("tier", tr("Contact tier"), self.tier_combo)
        f.add("mobile", tr("Mobile"), self.mobile_edit)
        f.add("landline", tr("Landline"), self.landline_edit)
        f.add("email", tr("E-mail"), self.email_edit)
        f.add("birthday_known", tr("Birthday known"), self.birthday_known)
        f.add("birthday", tr("Birthday"), self.birthday_edit)
        f.add("relationship", tr("Relationship strength"), self.relationship_spin)
        f.add("reports_to_id", tr("Reports to"), self.reports_combo)
        f.add("preferences", tr("Preferences"), self.preferences_edit)
        for name, edit in (("mobile", self.mobile_edit), ("landline", self.landline_edit)):
            edit.editingFinished.connect(lambda name=name: self._check_field(name))
        self.finish_form()

    def draft(self) -> KeyPersonDraft:
        return KeyPersonDraft(
            name=self.name_edit.text(),
            decision_role=combo_value(self.role_combo) or "",
            tier=combo_value(self.tier_combo) or "",
            title=self.title_edit.text(),
            department=self.department_edit.text(),
            mobile=self.mobile_edit.text(),
            landline=self.landline_edit.text(),
            email=self.email_edit.text(),
            birthday=date_of(self.birthday_edit) if self.birthday_known.isChecked() else None,
            preferences=self.preferences_edit.toPlainText(),
            relationship=self.relationship_spin.value(),
            reports_to_id=combo_value(self.reports_combo),
        )

    def _check_field(self, name: str) -> None:
        """As the user leaves a phone field: show its problem, or clear it."""
        self.fields.show_error(name, key_person_problems(self.draft()).get(name))

    def problems(self) -> Problems:
        return key_person_problems(self.draft())

    def work(self) -> Callable[[], object]:
        context, draft, person_id = self.context, self.draft(), self.person_id
        customer_id = context.require_id()
        return lambda: context.service.save_key_person(customer_id, draft, context.actor, person_id)
