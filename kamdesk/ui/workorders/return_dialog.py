"""异常返单: a workstation sends a step back with a reason category and notes how the
emergency was handled meanwhile."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QWidget

from kamdesk.domain.workorders.vocabulary import RETURN_REASON_LABELS, ReturnReason
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.workorders import StepInfo
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box


class ReturnOrderDialog(FormDialog):
    """Which step, why (category and details), and the emergency handling."""

    def __init__(
        self, steps: Sequence[StepInfo], submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("Return order"), submit, parent)
        self.step = QComboBox()
        for step in steps:
            self.step.addItem(
                tr("Step {n}: {workstation}", n=step.step_id, workstation=step.workstation_name),
                step.step_id,
            )
        self.reason = QComboBox()
        for reason in ReturnReason:
            self.reason.addItem(tr(RETURN_REASON_LABELS[reason]), reason.value)
        self.detail = text_box(3)
        self.detail.setPlaceholderText(tr("What is wrong (required for “other”)"))
        self.emergency = text_box(2)
        self.emergency.setPlaceholderText(tr("What was done meanwhile for the customer"))
        self.add_field(tr("Step"), self.step, required=True)
        self.add_field(tr("Reason"), self.reason, required=True)
        self.add_field(tr("Details"), self.detail)
        self.add_field(tr("Emergency handling"), self.emergency)

    def choose_reason(self, reason: ReturnReason) -> None:
        self.reason.setCurrentIndex(self.reason.findData(reason.value))

    def collect(self) -> dict[str, object]:
        step = self.step.currentData()
        if not step:
            raise KamdeskError("form.required", field=tr("Step"))
        return {
            "step_id": str(step),
            "reason": str(self.reason.currentData()),
            "detail": self.detail.toPlainText().strip(),
            "emergency_handling": self.emergency.toPlainText().strip(),
        }
