"""An order's current state, derived only by folding its events.

:func:`replay` folds a whole log; :func:`advance` folds one more event into a view (the
two always agree: ``replay(log + [e]) == advance(replay(log), e)``). Folding trusts the
payloads (they were validated when the events were made) but checks the log's shape:
one order, consecutive ``seq`` from 1, each event leaving from the state the previous
one reached, towards a state its action can reach, by a role that may do it (and, for
account managers, by the order's owner). Reach that needs the staff directory (industry
groups, workstations) is checked by :func:`~kamdesk.domain.workorders.machine.check_event`.
Hazard: timestamps are the acting device's clock; under clock skew a later event may
carry an earlier time. Folding never reorders, and a pause never ends before it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from kamdesk.domain.sla import Pause, Promise, SlaMode
from kamdesk.domain.workorders.events import EMPTY, Frozen, Payload, WorkOrderEvent
from kamdesk.domain.workorders.rules import RULES
from kamdesk.domain.workorders.vocabulary import (
    TERMINAL_STATES,
    Action,
    DispatchMode,
    Grade,
    Importance,
    OrderKind,
    ResourceOutcome,
    ReturnReason,
    Scope,
    State,
    StepState,
)
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

define(
    {
        "workorder.corrupt_log": N_(
            "The event log of order {order_id} is damaged at event {seq}: {problem}."
        ),
    }
)


@dataclass(frozen=True)
class StepView:
    """One dispatched step. ``position`` is its place in the dispatch (0-based)."""

    step_id: str
    position: int
    workstation: str
    planned_hours: Decimal
    deadline: datetime
    task: str
    state: StepState = StepState.PENDING
    started_at: datetime | None = None
    done_at: datetime | None = None
    return_count: int = 0


@dataclass(frozen=True)
class ReturnRecord:
    """A return order (异常返单) and, once handled, how the response center handled it."""

    step_id: str
    workstation: str
    reason: ReturnReason
    detail: str
    emergency_handling: str
    at: datetime
    actor_id: str
    resolution: str | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class OrderView:
    """Everything the rules, lists and KPIs need about one order, as of event ``seq``.

    Timestamps hold the latest occurrence (``submitted_at`` after a resubmission is the
    resubmission). ``value`` is CNY.
    """

    order_id: str
    seq: int
    state: State
    kind: OrderKind
    owner_id: str
    industry_group: str
    grade: Grade
    value: Decimal
    resource_request: bool
    created_at: datetime
    updated_at: datetime
    form: Payload = field(default_factory=lambda: EMPTY)
    reported_at: datetime | None = None
    submitted_at: datetime | None = None
    importance: Importance | None = None
    approved_at: datetime | None = None
    last_rejection: str | None = None
    issued_at: datetime | None = None
    promise: Promise | None = None
    confirmed_at: datetime | None = None
    resource_outcome: ResourceOutcome | None = None
    resource_detail: str | None = None
    dispatched_at: datetime | None = None
    dispatch_mode: DispatchMode | None = None
    steps: tuple[StepView, ...] = ()
    returns: tuple[ReturnRecord, ...] = ()
    pauses: tuple[Pause, ...] = ()
    restored_at: datetime | None = None
    completed_at: datetime | None = None
    results: str | None = None
    test_results: str | None = None
    accepted_at: datetime | None = None
    signature_ref: str | None = None
    signer_name: str | None = None
    satisfaction: int | None = None
    signed_off_at: datetime | None = None
    archived_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    @property
    def return_count(self) -> int:
        return len(self.returns)

    @property
    def open_returns(self) -> tuple[ReturnRecord, ...]:
        return tuple(r for r in self.returns if r.resolved_at is None)

    @property
    def repair_time(self) -> timedelta | None:
        """Fault orders: restored − reported, once restored."""
        if self.reported_at is None or self.restored_at is None:
            return None
        return self.restored_at - self.reported_at

    def step(self, step_id: str) -> StepView | None:
        for step in self.steps:
            if step.step_id == step_id:
                return step
        return None


# -- reading payload values -------------------------------------------------------------


def _s(payload: Payload, key: str, default: str = "") -> str:
    value = payload.get(key)
    return default if value is None else str(value)


def _dt(value: Frozen) -> datetime:
    return datetime.fromisoformat(str(value))


def _opt_dt(payload: Payload, key: str) -> datetime | None:
    value = payload.get(key)
    return None if value is None else _dt(value)


def _step(data: Frozen, position: int) -> StepView:
    if not isinstance(data, Mapping):
        raise ValueError("a step must be a mapping")
    return StepView(
        step_id=_s(data, "step_id"),
        position=position,
        workstation=_s(data, "workstation"),
        planned_hours=Decimal(_s(data, "planned_hours")),
        deadline=_dt(data.get("deadline")),
        task=_s(data, "task"),
    )


def _set_step(view: OrderView, step_id: str, **changes: object) -> tuple[StepView, ...]:
    steps = list(view.steps)
    for i, step in enumerate(steps):
        if step.step_id == step_id:
            steps[i] = replace(step, **changes)  # type: ignore[arg-type]
            return tuple(steps)
    raise ValueError(f"no step {step_id!r}")


def _close_pause(view: OrderView, at: datetime) -> tuple[Pause, ...]:
    if not view.paused:
        return view.pauses
    last = view.pauses[-1]
    return (*view.pauses[:-1], Pause(last.start, max(at, last.start), last.reason))


# -- folding --------------------------------------------------------------------------


def _created(event: WorkOrderEvent) -> OrderView:
    p = event.payload
    return OrderView(
        order_id=event.order_id,
        seq=event.seq,
        state=event.to_state,
        kind=OrderKind(_s(p, "kind")),
        owner_id=_s(p, "owner_id"),
        industry_group=_s(p, "industry_group"),
        grade=Grade(_s(p, "grade")),
        value=Decimal(_s(p, "value")),
        resource_request=bool(p.get("resource_request")),
        created_at=event.at,
        updated_at=event.at,
        form=_form(p),
        reported_at=_opt_dt(p, "reported_at"),
    )


def _form(p: Payload) -> Payload:
    value = p.get("form")
    return value if isinstance(value, Mapping) else EMPTY


def _changes(view: OrderView, event: WorkOrderEvent) -> dict[str, object]:
    p, at, action = event.payload, event.at, event.action
    if action is Action.EDIT:
        out: dict[str, object] = {}
        if "industry_group" in p:
            out["industry_group"] = _s(p, "industry_group")
        if "grade" in p:
            out["grade"] = Grade(_s(p, "grade"))
        if "value" in p:
            out["value"] = Decimal(_s(p, "value"))
        if "resource_request" in p:
            out["resource_request"] = bool(p["resource_request"])
        if "form" in p:
            out["form"] = _form(p)
        if "reported_at" in p:
            out["reported_at"] = _opt_dt(p, "reported_at")
        return out
    if action is Action.SUBMIT:
        return {"submitted_at": at, "importance": None}
    if action is Action.REVIEW_APPROVE:
        importance = Importance(_s(p, "importance", Importance.ROUTINE))
        if event.to_state is State.APPROVED:
            return {"importance": importance, "approved_at": at}
        return {"importance": importance}
    if action in (Action.REVIEW_REJECT, Action.LEADER_REJECT):
        return {"last_rejection": _s(p, "reason")}
    if action is Action.LEADER_APPROVE:
        return {"approved_at": at}
    if action is Action.ISSUE:
        promise = Promise(int(str(p["promised_days"])), SlaMode(_s(p, "sla_mode")))
        return {"issued_at": at, "promise": promise}
    if action is Action.CONFIRM_RESOURCES:
        out = {
            "confirmed_at": at,
            "resource_outcome": ResourceOutcome(_s(p, "outcome")),
            "resource_detail": _s(p, "detail") or None,
        }
        if event.to_state is State.CANCELLED:
            out.update(_cancelled(view, at, _s(p, "detail")))
        return out
    if action is Action.DISPATCH:
        raw_steps = p.get("steps") or ()
        if not isinstance(raw_steps, tuple):
            raise ValueError("steps must be a list")
        steps = tuple(_step(raw, i) for i, raw in enumerate(raw_steps))
        return {"dispatched_at": at, "dispatch_mode": DispatchMode(_s(p, "mode")), "steps": steps}
    if action is Action.START_STEP:
        started = _set_step(view, _s(p, "step_id"), state=StepState.IN_PROGRESS, started_at=at)
        return {"steps": started}
    if action is Action.FINISH_STEP:
        return {"steps": _set_step(view, _s(p, "step_id"), state=StepState.DONE, done_at=at)}
    if action is Action.RETURN_STEP:
        return _returned(view, event)
    if action is Action.RESOLVE_RETURN:
        return _resolved(view, event)
    if action is Action.PAUSE:
        return {"pauses": (*view.pauses, Pause(at, None, _s(p, "reason")))}
    if action is Action.RESUME:
        return {"pauses": _close_pause(view, at)}
    if action is Action.RESTORE:
        return {"restored_at": at}
    if action is Action.COMPLETE:
        return {
            "completed_at": at,
            "results": _s(p, "results"),
            "test_results": _s(p, "test_results") or None,
        }
    if action is Action.ACCEPT:
        return {
            "accepted_at": at,
            "signature_ref": _s(p, "signature_ref"),
            "signer_name": _s(p, "signer_name"),
            "satisfaction": int(str(p["satisfaction"])),
            "pauses": _close_pause(view, at),
        }
    if action is Action.SIGN_OFF:
        return {"signed_off_at": at}
    if action is Action.ARCHIVE:
        return {"archived_at": at}
    if action is Action.CANCEL:
        return _cancelled(view, at, _s(p, "reason"))
    raise ValueError(f"no fold for {action}")


def _cancelled(view: OrderView, at: datetime, reason: str) -> dict[str, object]:
    return {"cancelled_at": at, "cancel_reason": reason, "pauses": _close_pause(view, at)}


def _returned(view: OrderView, event: WorkOrderEvent) -> dict[str, object]:
    p = event.payload
    step_id = _s(p, "step_id")
    step = view.step(step_id)
    if step is None:
        raise ValueError(f"no step {step_id!r}")
    record = ReturnRecord(
        step_id=step_id,
        workstation=step.workstation,
        reason=ReturnReason(_s(p, "reason")),
        detail=_s(p, "detail"),
        emergency_handling=_s(p, "emergency_handling"),
        at=event.at,
        actor_id=event.actor_id,
    )
    steps = _set_step(view, step_id, state=StepState.RETURNED, return_count=step.return_count + 1)
    return {"steps": steps, "returns": (*view.returns, record)}


def _resolved(view: OrderView, event: WorkOrderEvent) -> dict[str, object]:
    p = event.payload
    step_id = _s(p, "step_id")
    changes: dict[str, object] = {"state": StepState.PENDING, "started_at": None}
    if "workstation" in p:
        changes["workstation"] = _s(p, "workstation")
    if "planned_hours" in p:
        changes["planned_hours"] = Decimal(_s(p, "planned_hours"))
    if "deadline" in p:
        changes["deadline"] = _dt(p["deadline"])
    returns = list(view.returns)
    for i in range(len(returns) - 1, -1, -1):
        if returns[i].step_id == step_id and returns[i].resolved_at is None:
            returns[i] = replace(returns[i], resolution=_s(p, "resolution"), resolved_at=event.at)
            break
    return {"steps": _set_step(view, step_id, **changes), "returns": tuple(returns)}


def _corrupt(event: WorkOrderEvent, problem: str) -> KamdeskError:
    return KamdeskError(
        "workorder.corrupt_log", order_id=event.order_id, seq=event.seq, problem=problem
    )


def _check_shape(view: OrderView | None, event: WorkOrderEvent) -> None:
    rule = RULES[event.action]
    if event.actor_role not in rule.roles:
        raise _corrupt(event, f"role {event.actor_role} may not {event.action}")
    if view is None:
        if event.action is not Action.CREATE or event.seq != 1 or event.from_state is not None:
            raise _corrupt(event, "the log must start with the creation as event 1")
        if event.payload.get("owner_id") != event.actor_id:
            raise _corrupt(event, "the creator must be the owner")
        return
    if event.order_id != view.order_id:
        raise _corrupt(event, f"event of order {event.order_id} in the log of {view.order_id}")
    if event.seq != view.seq + 1:
        raise _corrupt(event, f"expected event {view.seq + 1}")
    if event.from_state is not view.state:
        raise _corrupt(event, f"leaves from {event.from_state}, the order is {view.state}")
    if view.state not in rule.sources:
        raise _corrupt(event, f"{event.action} is not possible from {view.state}")
    if event.to_state not in rule.targets_from(view.state):
        raise _corrupt(event, f"{event.action} cannot lead to {event.to_state}")
    owner_only = rule.roles.get(event.actor_role) is Scope.OWNER
    if owner_only and event.actor_id != view.owner_id:
        raise _corrupt(event, f"{event.actor_id} acted on an order owned by {view.owner_id}")


def advance(view: OrderView | None, event: WorkOrderEvent) -> OrderView:
    """``view`` after ``event`` (``None`` before the creation); checks the log's shape."""
    _check_shape(view, event)
    try:
        if view is None:
            return _created(event)
        changes = _changes(view, event)
    except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
        raise _corrupt(event, f"unreadable payload ({exc})") from None
    return replace(
        view,
        seq=event.seq,
        state=event.to_state,
        updated_at=event.at,
        **changes,  # type: ignore[arg-type]
    )


def replay(events: Iterable[WorkOrderEvent]) -> OrderView:
    """The order as its events leave it; raises ``workorder.corrupt_log`` on a bad log."""
    view: OrderView | None = None
    for event in events:
        view = advance(view, event)
    if view is None:
        raise KamdeskError("workorder.corrupt_log", order_id="?", seq=0, problem="no events")
    return view
