"""Add or edit an opportunity (商机): title, product, funnel stage, expected value and
expected close."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.drafts import OpportunityDraft
from kamdesk.services.customer_file.validation import Problems, opportunity_problems
from kamdesk.services.customer_file.vocabulary import FUNNEL_STAGE_LABELS
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.inputs import (
    choice_combo,
    code_combo,
    combo_value,
    date_edit,
    date_of,
    money_of,
    money_spin,
    set_combo,
    set_money,
)


class OpportunityDialog(EditDialog):
    def __init__(
        self,
        context: FileContext,
        opportunity_id: str | None = None,
        draft: OpportunityDraft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = tr("New opportunity") if opportunity_id is None else tr("Edit opportunity")
        super().__init__(title, context, parent)
        self.opportunity_id = opportunity_id
        current = draft or OpportunityDraft(title="")
        self.title_edit = QLineEdit(current.title)
        self.product_combo = choice_combo(context.choices.products, empty=tr("(no product)"))
        set_combo(self.product_combo, current.product_id)
        self.stage_combo = code_combo(FUNNEL_STAGE_LABELS)
        set_combo(self.stage_combo, current.stage)
        self.value_spin = money_spin()
        set_money(self.value_spin, current.expected_value)
        self.close_known = QCheckBox(tr("Known"))
        self.close_known.setChecked(current.expected_close is not None)
        self.close_edit = date_edit(current.expected_close)
        self.close_edit.setEnabled(current.expected_close is not None)
        self.close_known.toggled.connect(self.close_edit.setEnabled)
        f = self.fields
        f.add("title", tr("Title"), self.title_edit, required=True)
        f.add("product_id", tr("Product"), self.product_combo)
        f.add("stage", tr("Funnel stage"), self.stage_combo, required=True)
        f.add("expected_value", tr("Expected value"), self.value_spin)
        f.add("close_known", tr("Expected close known"), self.close_known)
        f.add("expected_close", tr("Expected close"), self.close_edit)
        self.finish_form()

    def draft(self) -> OpportunityDraft:
        return OpportunityDraft(
            title=self.title_edit.text(),
            stage=combo_value(self.stage_combo) or "",
            product_id=combo_value(self.product_combo),
            expected_value=money_of(self.value_spin),
            expected_close=date_of(self.close_edit) if self.close_known.isChecked() else None,
        )

    def problems(self) -> Problems:
        return opportunity_problems(self.draft())

    def work(self) -> Callable[[], object]:
        context, draft, opportunity_id = self.context, self.draft(), self.opportunity_id
        customer_id = context.require_id()
        return lambda: context.service.save_opportunity(
            customer_id, draft, context.actor, opportunity_id
        )
