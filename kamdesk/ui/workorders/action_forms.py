"""Which form each transition opens, and the service call its Save makes.

Every submit passes the ``seq`` of the order the user was looking at, so a change
somebody made meanwhile is refused (``workorder.stale``) instead of overwritten.
Step forms offer only the steps the action fits now and, for a workstation user,
only the steps at their workstation.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from kamdesk.domain.workorders.vocabulary import (
    IMPORTANCE_LABELS,
    Action,
    DispatchMode,
    Importance,
    Role,
    StepState,
)
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.workorders import (
    DemandForm,
    OrderDetail,
    StepInfo,
    StepPlan,
    WorkOrderService,
)
from kamdesk.ui.workorders.acceptance_dialog import Acceptance, AcceptanceDialog
from kamdesk.ui.workorders.choices import OrderChoices
from kamdesk.ui.workorders.completion_form import CompletionFormDialog
from kamdesk.ui.workorders.demand_form import DemandFormDialog
from kamdesk.ui.workorders.dispatch_form import DispatchFormDialog
from kamdesk.ui.workorders.form_dialog import FormDialog
from kamdesk.ui.workorders.note_dialog import NoteDialog
from kamdesk.ui.workorders.resource_form import ResourceConfirmationDialog
from kamdesk.ui.workorders.return_dialog import ReturnOrderDialog
from kamdesk.ui.workorders.sign_off_dialog import SignOffDialog
from kamdesk.ui.workorders.signature_box import Signed
from kamdesk.ui.workorders.step_dialog import StepActionDialog

_STEP_STATES: dict[Action, tuple[StepState, ...]] = {
    Action.START_STEP: (StepState.PENDING,),
    Action.FINISH_STEP: (StepState.IN_PROGRESS,),
    Action.RETURN_STEP: (StepState.PENDING, StepState.IN_PROGRESS),
    Action.RESOLVE_RETURN: (StepState.RETURNED,),
}


class ActionForms:
    """Builds the form for one action on one order, acting as ``actor``."""

    def __init__(self, service: WorkOrderService, choices: OrderChoices, actor: Actor) -> None:
        self._service = service
        self._choices = choices
        self._actor = actor

    def new_order_form(self, parent: QWidget | None = None) -> DemandFormDialog:
        """The demand form of a new draft owned by the actor."""
        return DemandFormDialog(
            self._choices,
            self._actor.branch_id,
            lambda form: self._service.create_draft(self._actor, form),
            parent=parent,
        )

    def form(self, action: Action, order: OrderDetail, parent: QWidget | None = None) -> FormDialog:
        service, actor, order_id, seq = self._service, self._actor, order.order_id, order.seq

        def act(payload: dict[str, object]) -> OrderDetail:
            return service.act(actor, order_id, action, payload, seq)

        def act_signed(data: Signed) -> OrderDetail:
            return service.act(actor, order_id, action, data.payload, seq, data.signature)

        if action is Action.EDIT:

            def edit(form: DemandForm) -> OrderDetail:
                return service.edit_draft(actor, order_id, form, seq)

            return DemandFormDialog(
                self._choices, actor.branch_id, edit, initial=order.form, parent=parent
            )
        if action is Action.CONFIRM_RESOURCES:
            return ResourceConfirmationDialog(act, parent)
        if action is Action.DISPATCH:

            def dispatch(data: tuple[DispatchMode, list[StepPlan], str]) -> OrderDetail:
                mode, steps, note = data
                return service.dispatch(actor, order_id, mode, steps, seq, note=note)

            workstations = self._choices.workstations(actor.branch_id)
            return DispatchFormDialog(workstations, dispatch, parent)
        if action is Action.RETURN_STEP:
            return ReturnOrderDialog(self.steps_for(action, order), act, parent)
        if action in (Action.START_STEP, Action.FINISH_STEP, Action.RESOLVE_RETURN):
            workstations = self._choices.workstations(actor.branch_id)
            steps = self.steps_for(action, order)
            return StepActionDialog(action, steps, act, workstations, parent)
        if action is Action.COMPLETE:
            return CompletionFormDialog(act_signed, actor.name, parent)
        if action is Action.SIGN_OFF:
            return SignOffDialog(act_signed, actor.name, parent)
        if action is Action.ACCEPT:

            def accept(data: Acceptance) -> OrderDetail:
                return service.accept(
                    actor, order_id, data.signature, data.satisfaction, seq, data.comment
                )

            return AcceptanceDialog(accept, parent=parent)
        return NoteDialog(action, act, self._explanation(action, order), parent)

    def steps_for(self, action: Action, order: OrderDetail) -> list[StepInfo]:
        """The steps ``action`` could apply to now, for this actor."""
        states = _STEP_STATES.get(action, ())
        steps = [s for s in order.steps if s.state in states]
        if action in (Action.START_STEP, Action.RETURN_STEP) and order.dispatch_mode is (
            DispatchMode.SEQUENTIAL
        ):
            steps = [s for s in steps if _earlier_done(order.steps, s)]
        if self._actor.role == Role.WORKSTATION.value:
            mine = {
                w.key
                for w in self._choices.workstations(self._actor.branch_id)
                if w.detail == self._actor.workstation_id
            }
            steps = [s for s in steps if s.workstation in mine]
        return steps

    def _explanation(self, action: Action, order: OrderDetail) -> str:
        if action is Action.REVIEW_APPROVE and (
            order.customer_grade == "A" and not order.form.resource_request
        ):
            return tr(IMPORTANCE_LABELS[Importance.GRADE_A])
        if action is Action.CANCEL:
            return tr("Cancelling ends the order for good; give the reason the customer gave.")
        if action is Action.PAUSE:
            return tr("While paused, the promised-time clock stands still. Say what you wait for.")
        return ""


def _earlier_done(steps: Sequence[StepInfo], step: StepInfo) -> bool:
    return all(s.state is StepState.DONE for s in steps if s.position < step.position)
