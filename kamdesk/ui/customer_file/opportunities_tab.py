"""商机: the account's opportunities with their funnel stage; new, edit, and move one
to another stage (a won or lost one stays where it is)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QPushButton, QWidget

from kamdesk.domain.customers.funnel import next_stages
from kamdesk.i18n import label, tr
from kamdesk.services.customer_file.views import OpportunityView
from kamdesk.services.customer_file.vocabulary import (
    FUNNEL_CLOSED,
    FUNNEL_STAGE_LABELS,
    FunnelStage,
)
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import day, instant, money
from kamdesk.ui.customer_file.inputs import code_combo, combo_value
from kamdesk.ui.customer_file.opportunity_dialog import OpportunityDialog
from kamdesk.ui.customer_file.records_tab import RecordsTab


class OpportunitiesTab(RecordsTab[OpportunityView]):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        headers = [
            tr("Title"),
            tr("Product"),
            tr("Funnel stage"),
            tr("Expected value"),
            tr("Expected close"),
            tr("Stage since"),
            tr("Account manager"),
        ]
        super().__init__(
            context,
            headers=headers,
            name=tr("Opportunities"),
            add_text=tr("New opportunity…"),
            right_aligned=frozenset({3}),
            parent=parent,
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_opportunity())
        self.add_button.clicked.connect(self.add_opportunity)
        self.edit_button = QPushButton(tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_opportunity)
        self.stage_combo = code_combo({})
        self.stage_combo.setAccessibleName(tr("Move to stage"))
        self.move_button = QPushButton(tr("Move to stage"))
        self.move_button.clicked.connect(self.move_selected)
        self._lay_out(self.edit_button, self.stage_combo, self.move_button)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        selected = self.selected()
        movable = self.editable and selected is not None and selected.stage not in FUNNEL_CLOSED
        self.stage_combo.clear()
        if selected is not None:
            for stage in next_stages(FunnelStage(selected.stage)):
                self.stage_combo.addItem(tr(FUNNEL_STAGE_LABELS[stage]), stage.value)
        self.edit_button.setEnabled(movable)
        self.move_button.setEnabled(movable)

    def show_opportunities(self, opportunities: Sequence[OpportunityView]) -> None:
        self._show(opportunities, _cells)

    def add_opportunity(self) -> None:
        self._open(OpportunityDialog(self.context, parent=self))

    def edit_opportunity(self) -> None:
        selected = self.selected()
        if selected is None or not self.edit_button.isEnabled():
            return
        draft = selected.draft()
        self._open(OpportunityDialog(self.context, selected.id, draft, parent=self))

    def move_selected(self) -> None:
        selected, stage = self.selected(), combo_value(self.stage_combo)
        if selected is None or stage is None:
            return
        context = self.context
        self._write(
            tr("Move to stage"),
            lambda customer_id: context.service.move_opportunity(
                customer_id, selected.id, stage, context.actor
            ),
        )


def _cells(o: OpportunityView) -> tuple[str, ...]:
    return (
        o.title,
        o.product_name,
        label(FUNNEL_STAGE_LABELS, o.stage),
        money(o.expected_value),
        day(o.expected_close),
        instant(o.stage_changed_at),
        o.owner_name,
    )
