"""The work-order state machine: turn a command into an event, or refuse it.

:func:`create_order` starts an order; :func:`apply` makes the next event of an existing
order. Both are pure: they read the view and return a new
:class:`~kamdesk.domain.workorders.events.WorkOrderEvent`, which the caller stores and
folds with :func:`~kamdesk.domain.workorders.view.advance`. HQ re-checks an incoming
event with :func:`check_event`.

Checks run in this order, so the first refusal is the most useful one: the state
allows the action (``workorder.illegal_transition`` names the state and what can happen
now, and by whom), the role may do it, the payload is valid, the actor's reach (own
order, own industry group, own workstation), then the order's details (step states,
sequential steps, pauses, fault restoration).
"""

from __future__ import annotations

from datetime import datetime

from kamdesk.domain.clock import local
from kamdesk.domain.workorders.events import Actor, Command, Payload, WorkOrderEvent
from kamdesk.domain.workorders.payloads import normalise
from kamdesk.domain.workorders.rules import (
    DEFAULT_POLICY,
    RULES,
    WorkOrderPolicy,
    importance,
    next_steps_phrase,
    roles_phrase,
)
from kamdesk.domain.workorders.view import OrderView, StepView
from kamdesk.domain.workorders.vocabulary import (
    ACTION_LABELS,
    ROLE_LABELS,
    STATE_PHRASES,
    STEP_STATE_LABELS,
    Action,
    DispatchMode,
    Importance,
    OrderKind,
    ResourceOutcome,
    Scope,
    State,
    StepState,
)
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

define(
    {
        "workorder.illegal_transition": N_(
            "You cannot {action_label} now: the order is {state_label}. "
            "What can happen now: {next_steps}."
        ),
        "workorder.role_not_allowed": N_(
            "Only {allowed_roles} may {action_label}; you are signed in as {role_label}."
        ),
        "workorder.not_owner": N_(
            "Only {allowed_roles} may {action_label}; "
            "this order belongs to another account manager."
        ),
        "workorder.not_in_group": N_(
            "Only {allowed_roles} may {action_label}; this order is in the industry group {group}."
        ),
        "workorder.not_your_workstation": N_(
            "Only {allowed_roles} may {action_label}; "
            "step {step_id} is assigned to workstation {workstation}."
        ),
        "workorder.not_on_order": N_(
            "Only {allowed_roles} may {action_label}; "
            "none of this order's steps is at your workstations."
        ),
        "workorder.unknown_step": N_("This order has no step {step_id}."),
        "workorder.step_not_waiting": N_(
            "Step {step_id} is {step_state}; only a waiting step can start."
        ),
        "workorder.step_waits_for_previous": N_(
            "The steps run in order: step {previous} must be done before step {step_id}."
        ),
        "workorder.step_not_in_progress": N_(
            "Step {step_id} is {step_state}; only a step in progress can be finished."
        ),
        "workorder.step_not_returnable": N_(
            "Step {step_id} is {step_state}; only a waiting or running step can be returned."
        ),
        "workorder.step_not_returned": N_(
            "Step {step_id} is {step_state}; only a returned step can be handled."
        ),
        "workorder.steps_open": N_("These steps are not done yet: {steps}."),
        "workorder.already_paused": N_("The clock is already paused (since {since}: {reason})."),
        "workorder.not_paused": N_("The clock is not paused."),
        "workorder.not_a_fault": N_("Only fault orders have a repair clock; this is a {kind}."),
        "workorder.already_restored": N_("Service was already recorded as restored at {at}."),
        "workorder.fault_not_restored": N_(
            "Record that service is restored before completing the fault order."
        ),
        "workorder.event_mismatch": N_(
            "Event {seq} of order {order_id} does not match the rules (field {field})."
        ),
    }
)


# -- what can happen now ---------------------------------------------------------------


def _startable(view: OrderView, step: StepView) -> StepView | None:
    """The step that must be done first (sequential dispatch), or ``None``."""
    if view.dispatch_mode is not DispatchMode.SEQUENTIAL:
        return None
    for earlier in view.steps[: step.position]:
        if earlier.state is not StepState.DONE:
            return earlier
    return None


def _can_start(view: OrderView, step: StepView) -> bool:
    return step.state is StepState.PENDING and _startable(view, step) is None


def _can_return(view: OrderView, step: StepView) -> bool:
    return step.state is StepState.IN_PROGRESS or _can_start(view, step)


def _step_action_fits(view: OrderView, action: Action, step: StepView) -> bool:
    if action is Action.START_STEP:
        return _can_start(view, step)
    if action is Action.FINISH_STEP:
        return step.state is StepState.IN_PROGRESS
    if action is Action.RETURN_STEP:
        return _can_return(view, step)
    if action is Action.RESOLVE_RETURN:
        return step.state is StepState.RETURNED
    return True


_STEP_ACTIONS = (Action.START_STEP, Action.FINISH_STEP, Action.RETURN_STEP, Action.RESOLVE_RETURN)


def _fits_details(view: OrderView, action: Action) -> bool:
    if action in _STEP_ACTIONS:
        return any(_step_action_fits(view, action, s) for s in view.steps)
    if action is Action.PAUSE:
        return not view.paused
    if action is Action.RESUME:
        return view.paused
    if action is Action.RESTORE:
        return view.kind is OrderKind.FAULT and view.restored_at is None
    if action is Action.COMPLETE:
        restored = view.kind is OrderKind.DEMAND or view.restored_at is not None
        return restored and all(s.state is StepState.DONE for s in view.steps)
    return True


def possible_actions(view: OrderView) -> list[Action]:
    """Actions somebody could take now, in flow order (used for "what can happen now")."""
    return [
        action
        for action, rule in RULES.items()
        if view.state in rule.sources and _fits_details(view, action)
    ]


def _in_reach(view: OrderView, actor: Actor, scope: Scope, action: Action) -> bool:
    if scope is Scope.OWNER:
        return actor.user_id == view.owner_id
    if scope is Scope.GROUP:
        return view.industry_group in actor.industry_groups
    if scope is Scope.STEP_WORKSTATION:
        return any(
            s.workstation in actor.workstations and _step_action_fits(view, action, s)
            for s in view.steps
        )
    if scope is Scope.ORDER_WORKSTATION:
        return any(s.workstation in actor.workstations for s in view.steps)
    return True


def allowed_actions(view: OrderView, actor: Actor) -> list[Action]:
    """What ``actor`` may do on ``view`` now: the "waiting on me" test for lists."""
    out = []
    for action in possible_actions(view):
        scope = RULES[action].roles.get(actor.role)
        if scope is not None and _in_reach(view, actor, scope, action):
            out.append(action)
    return out


# -- refusing ------------------------------------------------------------------------


def _who(action: Action) -> dict[str, object]:
    return {
        "action": action.value,
        "action_label": tr(ACTION_LABELS[action]),
        "allowed_roles": roles_phrase(action),
    }


def _illegal(view: OrderView, action: Action) -> KamdeskError:
    return KamdeskError(
        "workorder.illegal_transition",
        state=view.state.value,
        state_label=tr(STATE_PHRASES[view.state]),
        next_steps=next_steps_phrase(possible_actions(view)),
        **_who(action),
    )


def _step_error(code: str, step: StepView, **params: object) -> KamdeskError:
    return KamdeskError(
        code,
        step_id=step.step_id,
        step_state=tr(STEP_STATE_LABELS[step.state]),
        **params,
    )


def _check_role(actor: Actor, action: Action) -> Scope:
    scope = RULES[action].roles.get(actor.role)
    if scope is None:
        raise KamdeskError(
            "workorder.role_not_allowed",
            role=actor.role.value,
            role_label=tr(ROLE_LABELS[actor.role]),
            **_who(action),
        )
    return scope


def _check_reach(view: OrderView, actor: Actor, scope: Scope, action: Action, step_id: str) -> None:
    if scope is Scope.OWNER and actor.user_id != view.owner_id:
        raise KamdeskError("workorder.not_owner", **_who(action))
    if scope is Scope.GROUP and view.industry_group not in actor.industry_groups:
        raise KamdeskError("workorder.not_in_group", group=view.industry_group, **_who(action))
    if scope is Scope.STEP_WORKSTATION:
        step = _step(view, step_id)
        if step.workstation not in actor.workstations:
            raise KamdeskError(
                "workorder.not_your_workstation",
                step_id=step_id,
                workstation=step.workstation,
                **_who(action),
            )
    if scope is Scope.ORDER_WORKSTATION and not _in_reach(view, actor, scope, action):
        raise KamdeskError("workorder.not_on_order", **_who(action))


def _step(view: OrderView, step_id: str) -> StepView:
    step = view.step(step_id)
    if step is None:
        raise KamdeskError("workorder.unknown_step", step_id=step_id)
    return step


# -- the details of each action ----------------------------------------------------------


def _check_step_action(view: OrderView, action: Action, step: StepView) -> None:
    if action is Action.START_STEP:
        if step.state is not StepState.PENDING:
            raise _step_error("workorder.step_not_waiting", step)
    elif action is Action.FINISH_STEP:
        if step.state is not StepState.IN_PROGRESS:
            raise _step_error("workorder.step_not_in_progress", step)
    elif action is Action.RETURN_STEP:
        if step.state not in (StepState.PENDING, StepState.IN_PROGRESS):
            raise _step_error("workorder.step_not_returnable", step)
    elif action is Action.RESOLVE_RETURN and step.state is not StepState.RETURNED:
        raise _step_error("workorder.step_not_returned", step)
    if action in (Action.START_STEP, Action.RETURN_STEP) and step.state is StepState.PENDING:
        previous = _startable(view, step)
        if previous is not None:
            raise KamdeskError(
                "workorder.step_waits_for_previous",
                step_id=step.step_id,
                previous=previous.step_id,
            )


def _check_details(view: OrderView, action: Action, payload: Payload, at: datetime) -> None:
    if action in _STEP_ACTIONS:
        _check_step_action(view, action, _step(view, str(payload["step_id"])))
    elif action is Action.EDIT and "reported_at" in payload:
        if view.kind is not OrderKind.FAULT:
            raise KamdeskError("workorder.unknown_field", field="reported_at")
        if datetime.fromisoformat(str(payload["reported_at"])) > at:
            raise KamdeskError(
                "workorder.reported_after_created",
                reported=payload["reported_at"],
                at=at.isoformat(),
            )
    elif action is Action.PAUSE and view.paused:
        last = view.pauses[-1]
        raise KamdeskError(
            "workorder.already_paused", since=local(last.start).isoformat(), reason=last.reason
        )
    elif action is Action.RESUME and not view.paused:
        raise KamdeskError("workorder.not_paused")
    elif action is Action.RESTORE:
        if view.kind is not OrderKind.FAULT:
            raise KamdeskError("workorder.not_a_fault", kind=tr(N_("demand order")))
        if view.restored_at is not None:
            raise KamdeskError("workorder.already_restored", at=local(view.restored_at).isoformat())
    elif action is Action.COMPLETE:
        open_steps = [s.step_id for s in view.steps if s.state is not StepState.DONE]
        if open_steps:
            raise KamdeskError("workorder.steps_open", steps=", ".join(open_steps))
        if view.kind is OrderKind.FAULT and view.restored_at is None:
            raise KamdeskError("workorder.fault_not_restored")


def _outcome(
    view: OrderView, action: Action, payload: Payload, policy: WorkOrderPolicy
) -> tuple[State, Payload]:
    """The target state, and the payload with what the machine derives added."""
    if action is Action.REVIEW_APPROVE:
        why = importance(view.grade, view.value, view.resource_request, policy)
        needs_leader = why in (Importance.GRADE_A, Importance.VALUE_ABOVE_THRESHOLD)
        derived = {
            **payload,
            "importance": why.value,
            "needs_leader": needs_leader,
            "threshold": f"{policy.leader_value_threshold:f}",
        }
        return (State.LEADER_REVIEW if needs_leader else State.APPROVED), derived
    if action is Action.CONFIRM_RESOURCES:
        possible = payload["outcome"] != ResourceOutcome.NOT_POSSIBLE
        return (State.CONFIRMED if possible else State.CANCELLED), payload
    targets = RULES[action].targets_from(view.state)
    (target,) = targets
    return target, payload


# -- the public functions -------------------------------------------------------------


def create_order(order_id: str, command: Command, actor: Actor, at: datetime) -> WorkOrderEvent:
    """The creation event: the acting account manager becomes the order's owner."""
    local(at)
    if command.action is not Action.CREATE:
        raise KamdeskError(
            "workorder.illegal_transition",
            state="",
            state_label=tr(N_("not created yet")),
            next_steps=next_steps_phrase([Action.CREATE]),
            **_who(command.action),
        )
    _check_role(actor, Action.CREATE)
    payload = normalise(Action.CREATE, command.payload, at)
    return WorkOrderEvent(
        order_id=order_id,
        seq=1,
        action=Action.CREATE,
        from_state=None,
        to_state=State.DRAFT,
        actor_id=actor.user_id,
        actor_role=actor.role,
        at=at,
        payload={**payload, "owner_id": actor.user_id},
    )


def apply(
    view: OrderView,
    command: Command,
    actor: Actor,
    at: datetime,
    policy: WorkOrderPolicy = DEFAULT_POLICY,
) -> WorkOrderEvent:
    """The event ``command`` produces on ``view``, or :class:`KamdeskError` explaining why not."""
    local(at)
    action = command.action
    rule = RULES[action]
    if view.state not in rule.sources:
        raise _illegal(view, action)
    scope = _check_role(actor, action)
    payload = normalise(action, command.payload, at)
    _check_reach(view, actor, scope, action, str(payload.get("step_id", "")))
    _check_details(view, action, payload, at)
    to_state, payload = _outcome(view, action, payload, policy)
    return WorkOrderEvent(
        order_id=view.order_id,
        seq=view.seq + 1,
        action=action,
        from_state=view.state,
        to_state=to_state,
        actor_id=actor.user_id,
        actor_role=actor.role,
        at=at,
        payload=payload,
    )


def check_event(
    view: OrderView | None,
    event: WorkOrderEvent,
    actor: Actor,
    policy: WorkOrderPolicy = DEFAULT_POLICY,
) -> None:
    """Refuse an incoming ``event`` the rules would not have produced (HQ's check).

    ``actor`` is the author as the staff directory knows them (role, groups,
    workstations); ``policy`` the one in force when the event arrives.
    """
    command = Command(event.action, event.payload)
    if view is None:
        expected = create_order(event.order_id, command, actor, event.at)
    else:
        expected = apply(view, command, actor, event.at, policy)
    for name in ("order_id", "seq", "action", "from_state", "to_state", "actor_id", "actor_role"):
        if getattr(expected, name) != getattr(event, name):
            raise KamdeskError(
                "workorder.event_mismatch", seq=event.seq, order_id=event.order_id, field=name
            )
    if dict(expected.payload) != dict(event.payload):
        raise KamdeskError(
            "workorder.event_mismatch", seq=event.seq, order_id=event.order_id, field="payload"
        )
