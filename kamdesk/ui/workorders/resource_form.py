"""资源确认单: the response center's answer to an issued order.

"Not possible" cancels the order, so it needs the reason in the details.
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from kamdesk.domain.workorders.vocabulary import RESOURCE_OUTCOME_LABELS, ResourceOutcome
from kamdesk.i18n import tr
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box


class ResourceConfirmationDialog(FormDialog):
    """Outcome (available / needs construction / not possible) and details."""

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(tr("Resource confirmation"), submit, parent)
        self.outcomes = QButtonGroup(self)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.outcome_buttons: dict[ResourceOutcome, QRadioButton] = {}
        for outcome in ResourceOutcome:
            button = QRadioButton(tr(RESOURCE_OUTCOME_LABELS[outcome]))
            self.outcomes.addButton(button)
            self.outcome_buttons[outcome] = button
            column.addWidget(button)
        self.outcome_buttons[ResourceOutcome.AVAILABLE].setChecked(True)
        self.detail = text_box(3)
        self.detail.setPlaceholderText(tr("Required when not possible: say why"))
        self.add_field(tr("Resources"), box, required=True)
        self.watch_group(self.outcomes)
        self.add_field(tr("Details"), self.detail)
        self.outcome_buttons[ResourceOutcome.AVAILABLE].setFocus()

    def outcome(self) -> ResourceOutcome:
        for outcome, button in self.outcome_buttons.items():
            if button.isChecked():
                return outcome
        return ResourceOutcome.AVAILABLE

    def choose(self, outcome: ResourceOutcome) -> None:
        self.outcome_buttons[outcome].setChecked(True)

    def collect(self) -> dict[str, object]:
        return {"outcome": self.outcome().value, "detail": self.detail.toPlainText().strip()}
