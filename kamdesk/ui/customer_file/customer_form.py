"""The account's own fields as an editable form (create and edit).

Each checked field (name, credit code, phone) shows its problem under it as the user
leaves it, with the domain's wording ("统一社会信用代码第18位校验码不正确，请核对").
Values set by :meth:`set_draft` do not count as edits; anything the user types does
and fires :attr:`edited`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from kamdesk.i18n import tr
from kamdesk.services.customer_file.drafts import CustomerDraft
from kamdesk.services.customer_file.validation import Problems, customer_problems
from kamdesk.services.customer_file.views import FileChoices
from kamdesk.ui.customer_file.form_support import FormFields
from kamdesk.ui.customer_file.inputs import (
    choice_combo,
    combo_value,
    money_of,
    money_spin,
    set_combo,
    set_money,
)

CHECKED_ON_LEAVE = ("name", "credit_code", "phone")


class CustomerForm(QWidget):
    edited = Signal()
    """Fires whenever the user changes a field."""
    submitted = Signal()
    """Fires when the user presses Enter in a one-line field (save)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.name_edit = QLineEdit()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(tr("18 characters, e.g. 91110105MA01ABCD2X"))
        self.industry_combo = choice_combo((), empty=tr("(not set)"))
        self.owner_combo = choice_combo((), empty=tr("(not set)"))
        self.address_edit = QLineEdit()
        self.district_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("0571-87654321")
        self.group_check = QCheckBox(tr("Group customer (集团客户)"))
        self.head_office_combo = choice_combo((), empty=tr("(not set)"))
        self.strategic_check = QCheckBox(tr("Designated strategic by HQ"))
        self.growth_spin = QSpinBox()
        self.growth_spin.setRange(1, 5)
        self.growth_spin.setSuffix(tr(" of 5"))
        self.spend_spin = money_spin()
        self.competitor_edit = QPlainTextEdit()
        self.competitor_edit.setTabChangesFocus(True)
        self.competitor_edit.setFixedHeight(54)

        self.fields = FormFields(QFormLayout(self))
        f = self.fields
        f.add("name", tr("Name"), self.name_edit, required=True)
        f.add("credit_code", tr("Unified social credit code"), self.code_edit, required=True)
        f.add("industry_group_id", tr("Industry group"), self.industry_combo)
        f.add("owner_id", tr("Account manager"), self.owner_combo)
        f.add("address", tr("Address"), self.address_edit)
        f.add("district", tr("District"), self.district_edit)
        f.add("phone", tr("Phone"), self.phone_edit)
        f.add("is_group", tr("Group"), self.group_check)
        f.add("head_office_branch_id", tr("Head-office branch"), self.head_office_combo)
        f.add("strategic", tr("Strategic"), self.strategic_check)
        f.add("growth_potential", tr("Growth potential"), self.growth_spin)
        f.add("monthly_spend", tr("Monthly spend"), self.spend_spin)
        f.add("competitor_presence", tr("Competitor presence"), self.competitor_edit)
        f.watch(self._on_edit)
        self.group_check.toggled.connect(self.head_office_combo.setEnabled)
        self.head_office_combo.setEnabled(False)
        for name in CHECKED_ON_LEAVE:
            edit = f.widgets[name]
            assert isinstance(edit, QLineEdit)
            edit.editingFinished.connect(lambda name=name: self.check_field(name))
        for edit in (self.name_edit, self.code_edit, self.address_edit, self.district_edit,
                     self.phone_edit):  # fmt: skip
            edit.returnPressed.connect(self.submitted)

    def _on_edit(self) -> None:
        if not self._loading:
            self.edited.emit()

    def set_choices(self, choices: FileChoices) -> None:
        self._loading = True
        for combo, items in (
            (self.industry_combo, choices.industry_groups),
            (self.owner_combo, choices.owners),
            (self.head_office_combo, choices.branches),
        ):
            current = combo_value(combo)
            while combo.count() > 1:
                combo.removeItem(1)
            for item in items:
                combo.addItem(item.name, item.id)
            set_combo(combo, current)
        self._loading = False

    def set_draft(self, draft: CustomerDraft) -> None:
        """Show ``draft``'s values (not an edit) and clear every error line."""
        self._loading = True
        self.name_edit.setText(draft.name)
        self.code_edit.setText(draft.credit_code)
        set_combo(self.industry_combo, draft.industry_group_id)
        set_combo(self.owner_combo, draft.owner_id)
        self.address_edit.setText(draft.address)
        self.district_edit.setText(draft.district)
        self.phone_edit.setText(draft.phone)
        self.group_check.setChecked(draft.is_group)
        set_combo(self.head_office_combo, draft.head_office_branch_id)
        self.strategic_check.setChecked(draft.strategic)
        self.growth_spin.setValue(draft.growth_potential)
        set_money(self.spend_spin, draft.monthly_spend)
        self.competitor_edit.setPlainText(draft.competitor_presence)
        self.fields.show_problems({})
        self._loading = False

    def draft(self) -> CustomerDraft:
        return CustomerDraft(
            name=self.name_edit.text(),
            credit_code=self.code_edit.text(),
            industry_group_id=combo_value(self.industry_combo),
            address=self.address_edit.text(),
            district=self.district_edit.text(),
            phone=self.phone_edit.text(),
            owner_id=combo_value(self.owner_combo),
            is_group=self.group_check.isChecked(),
            head_office_branch_id=combo_value(self.head_office_combo),
            strategic=self.strategic_check.isChecked(),
            growth_potential=self.growth_spin.value(),
            monthly_spend=money_of(self.spend_spin),
            competitor_presence=self.competitor_edit.toPlainText(),
        )

    def problems(self) -> Problems:
        return customer_problems(self.draft())

    def check_field(self, name: str) -> None:
        """As the user leaves ``name``: show its problem (only once something is typed)."""
        widget = self.fields.widgets[name]
        if isinstance(widget, QLineEdit) and not widget.text().strip():
            self.fields.show_error(name, None)
            return
        self.fields.show_error(name, self.problems().get(name))
