"""Moves on one dispatched step: a workstation starts or finishes it, the response
center handles a returned one (resolution, and optionally another workstation,
planned hours or deadline for the retry)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox, QDateTimeEdit, QDoubleSpinBox, QWidget

from kamdesk.domain.clock import utcnow
from kamdesk.domain.workorders.vocabulary import ACTION_LABELS, Action
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.workorders import StepInfo
from kamdesk.ui.workorders.choices import Choice
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box
from kamdesk.ui.workorders.qtime import QT_DISPLAY, from_qdatetime, to_qdatetime

STEP_ACTIONS = (Action.START_STEP, Action.FINISH_STEP, Action.RESOLVE_RETURN)


class StepActionDialog(FormDialog):
    """Pick the step (only those ``action`` fits are offered) and add its words."""

    def __init__(
        self,
        action: Action,
        steps: Sequence[StepInfo],
        submit: Submit,
        workstations: Sequence[Choice] = (),
        parent: QWidget | None = None,
    ) -> None:
        if action not in STEP_ACTIONS:
            raise ValueError(f"not a step action: {action}")
        label = tr(ACTION_LABELS[action])
        super().__init__(label[:1].upper() + label[1:], submit, parent)
        self.action = action
        self.step = QComboBox()
        for step in steps:
            self.step.addItem(
                tr(
                    "Step {n}: {workstation} — {task}",
                    n=step.step_id,
                    workstation=step.workstation_name,
                    task=step.task or tr("no task text"),
                ),
                step.step_id,
            )
        self.add_field(tr("Step"), self.step, required=True)
        self.text = text_box(3)
        if action is Action.START_STEP:
            self.add_field(tr("Note"), self.text)
        elif action is Action.FINISH_STEP:
            self.add_field(tr("Result"), self.text)
        else:
            self._add_resolution_fields(workstations)
        self.save_button.setText(tr("Confirm"))

    def _add_resolution_fields(self, workstations: Sequence[Choice]) -> None:
        self.add_field(tr("Resolution"), self.text, required=True)
        self.reassign = QCheckBox(tr("Change workstation, hours or deadline for the retry"))
        self.workstation = QComboBox()
        for choice in workstations:
            self.workstation.addItem(f"{choice.label} ({choice.key})", choice.key)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 10_000)
        self.hours.setDecimals(1)
        self.hours.setValue(8.0)
        self.deadline = QDateTimeEdit(to_qdatetime(utcnow() + timedelta(days=2)))
        self.deadline.setDisplayFormat(QT_DISPLAY)
        self.deadline.setCalendarPopup(True)
        self.add_field(tr("Retry"), self.reassign)
        self.add_field(tr("Workstation"), self.workstation)
        self.add_field(tr("Planned hours"), self.hours)
        self.add_field(tr("Deadline"), self.deadline)
        self.reassign.toggled.connect(self._show_retry_fields)
        self._show_retry_fields(False)

    def _show_retry_fields(self, shown: bool) -> None:
        for widget in (self.workstation, self.hours, self.deadline):
            self.form.setRowVisible(widget, shown)

    def collect(self) -> dict[str, object]:
        step = self.step.currentData()
        if not step:
            raise KamdeskError("form.required", field=tr("Step"))
        text = self.text.toPlainText().strip()
        if self.action is Action.START_STEP:
            return {"step_id": str(step), "note": text}
        if self.action is Action.FINISH_STEP:
            return {"step_id": str(step), "result": text}
        payload: dict[str, object] = {
            "step_id": str(step),
            "resolution": self.require(tr("Resolution"), text),
        }
        if self.reassign.isChecked():
            payload["workstation"] = str(self.workstation.currentData() or "")
            payload["planned_hours"] = f"{self.hours.value():.1f}"
            payload["deadline"] = from_qdatetime(self.deadline.dateTime()).isoformat()
        return payload
