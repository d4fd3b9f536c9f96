"""商机: the account's opportunities with their funnel stage; new, edit, and move one
to another stage (a won or lost one stays where it is)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kamdesk.domain.customers.funnel import next_stages
from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import OpportunityView
from kamdesk.services.customer_file.vocabulary import (
    FUNNEL_CLOSED,
    FUNNEL_STAGE_LABELS,
    FunnelStage,
)
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import day, instant, label, money
from kamdesk.ui.customer_file.inputs import code_combo, combo_value
from kamdesk.ui.customer_file.opportunity_dialog import OpportunityDialog
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.tasks import Lane


class OpportunitiesTab(QWidget):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.opportunities: dict[str, OpportunityView] = {}
        self.dialog: OpportunityDialog | None = None
        self.editable = True
        headers = [
            tr("Title"),
            tr("Product"),
            tr("Funnel stage"),
            tr("Expected value"),
            tr("Expected close"),
            tr("Stage since"),
            tr("Account manager"),
        ]
        self.table = RecordTable(RecordTableModel(headers, frozenset({3})))
        self.table.setAccessibleName(tr("Opportunities"))
        self.table.doubleClicked.connect(lambda _index: self.edit_opportunity())
        self.add_button = QPushButton(tr("New opportunity…"))
        self.add_button.clicked.connect(self.add_opportunity)
        self.edit_button = QPushButton(tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_opportunity)
        self.stage_combo = code_combo({})
        self.stage_combo.setAccessibleName(tr("Move to stage"))
        self.move_button = QPushButton(tr("Move to stage"))
        self.move_button.clicked.connect(self.move_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.stage_combo, self.move_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._selection_changed()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.add_button.setEnabled(editable)
        self._selection_changed()

    def _selected(self) -> OpportunityView | None:
        return self.opportunities.get(self.table.current_id() or "")

    def _selection_changed(self) -> None:
        selected = self._selected()
        movable = self.editable and selected is not None and selected.stage not in FUNNEL_CLOSED
        self.stage_combo.clear()
        if selected is not None:
            for stage in next_stages(FunnelStage(selected.stage)):
                self.stage_combo.addItem(tr(FUNNEL_STAGE_LABELS[stage]), stage.value)
        self.edit_button.setEnabled(movable)
        self.move_button.setEnabled(movable)

    def show_opportunities(self, opportunities: Sequence[OpportunityView]) -> None:
        self.opportunities = {o.id: o for o in opportunities}
        self.table.records.set_rows(
            [
                Row(
                    o.id,
                    (
                        o.title,
                        o.product_name,
                        label(FUNNEL_STAGE_LABELS, o.stage),
                        money(o.expected_value),
                        day(o.expected_close),
                        instant(o.stage_changed_at),
                        o.owner_name,
                    ),
                )
                for o in opportunities
            ]
        )
        self._selection_changed()

    def add_opportunity(self) -> None:
        self._open(OpportunityDialog(self.context, parent=self))

    def edit_opportunity(self) -> None:
        selected = self._selected()
        if selected is None or not self.edit_button.isEnabled():
            return
        draft = selected.draft()
        self._open(OpportunityDialog(self.context, selected.id, draft, parent=self))

    def move_selected(self) -> None:
        selected, stage = self._selected(), combo_value(self.stage_combo)
        if selected is None or stage is None:
            return
        context, customer_id = self.context, self.context.require_id()
        context.runner.run(
            lambda progress, cancel: context.service.move_opportunity(
                customer_id, selected.id, stage, context.actor
            ),
            title=tr("Move to stage"),
            lane=Lane.WRITE,
            show_progress=False,
            on_success=lambda _result: context.reload(),
            parent=self,
        )

    def _open(self, dialog: OpportunityDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _result: self.context.reload())
        dialog.open()
