"""A past order as the event log the work-order state machine makes for it.

:func:`replay_past` walks a :class:`PastOrder` through
:func:`~kamdesk.domain.workorders.machine.create_order` and
:func:`~kamdesk.domain.workorders.machine.apply`, command by command, with the staff
who may take each step (:class:`Cast`) and the sheet's times:

- create, submit, review (and the leader's approval when the review routes there) and
  issue at the issue time — the sheet does not know the earlier times;
- resources confirmed (available) and the steps dispatched at the confirmation time;
- each step started when it could start (the dispatch, or in sequential mode the
  previous step's done time), each return order raised, handled by the response
  center and the step started again at the return's time, the step finished at its
  done time; planned hours are the step's actual duration rounded up (at least 1)
  and its deadline is its done time; a fault order's restoration in time order;
- complete, then accept (signature on the paper form, the sheet's satisfaction),
  sign off and archive at the acceptance time.

The walk stops after the last stage the sheet gives. Guarantee: every event is one
the machine produced, so :func:`~kamdesk.domain.workorders.machine.check_event`
accepts the log at HQ and the cached rows derived from it are those of a live
order. Pure: no database; the same input gives the same events.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kamdesk.domain.sla import Promise
from kamdesk.domain.workorders import (
    DEFAULT_POLICY,
    Action,
    Command,
    DispatchMode,
    OrderView,
    ReturnReason,
    State,
    WorkOrderEvent,
    WorkOrderPolicy,
    advance,
    apply,
    create_order,
)
from kamdesk.domain.workorders.events import Actor as DomainActor
from kamdesk.domain.workorders.payloads import MAX_PLANNED_HOURS
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

define(
    {
        "order_import.no_leader": N_(
            "the review sends this order to the department leader, and the branch has none"
        ),
    }
)

PAPER_SIGNATURE = "paper-form"
"""``signature_ref`` of an imported acceptance: the customer signed the paper form."""


@dataclass(frozen=True)
class Cast:
    """Who records each stage (the rules' actors, as the staff directory knows them)."""

    owner: DomainActor
    manager: DomainActor
    leader: DomainActor | None
    clerk: DomainActor
    center: DomainActor


@dataclass(frozen=True)
class PastReturn:
    reason: ReturnReason
    at: datetime
    detail: str


@dataclass(frozen=True)
class PastStep:
    workstation: str  # the workstation's code
    actor: DomainActor  # a member of that workstation
    done_at: datetime
    returns: tuple[PastReturn, ...] = ()


@dataclass(frozen=True)
class PastOrder:
    """One checked row of the sheet: the creation payload and the times of its stages."""

    create: Mapping[str, object]
    issued_at: datetime
    promise: Promise
    cast: Cast
    confirmed_at: datetime | None = None
    mode: DispatchMode = DispatchMode.SEQUENTIAL
    steps: tuple[PastStep, ...] = ()
    restored_at: datetime | None = None
    completed_at: datetime | None = None
    results: str = ""
    accepted_at: datetime | None = None
    satisfaction: int | None = None
    signer: str = ""
    resolution: str = ""


class _Log:
    """The events so far and the view they fold to."""

    def __init__(self, policy: WorkOrderPolicy) -> None:
        self.policy = policy
        self.events: list[WorkOrderEvent] = []
        self._view: OrderView | None = None

    @property
    def view(self) -> OrderView:
        assert self._view is not None
        return self._view

    def add(self, event: WorkOrderEvent) -> None:
        self.events.append(event)
        self._view = advance(self._view, event)

    def act(
        self, action: Action, payload: Mapping[str, object], actor: DomainActor, at: datetime
    ) -> None:
        self.add(apply(self.view, Command(action, payload), actor, at, self.policy))


def planned_hours(start: datetime, done: datetime) -> str:
    """The step's duration in whole hours, rounded up, between 1 and the rules' maximum."""
    hours = math.ceil(max((done - start).total_seconds(), 0) / 3600)
    return str(min(max(hours, 1), int(MAX_PLANNED_HOURS)))


def replay_past(
    order_id: str, past: PastOrder, policy: WorkOrderPolicy = DEFAULT_POLICY
) -> tuple[list[WorkOrderEvent], OrderView]:
    """The events of ``past`` in order and the view they fold to; raises the machine's
    :class:`KamdeskError` (or ``order_import.no_leader``) when the rules refuse a step."""
    cast, issued = past.cast, past.issued_at
    log = _Log(policy)
    log.add(create_order(order_id, Command(Action.CREATE, past.create), cast.owner, issued))
    log.act(Action.SUBMIT, {}, cast.owner, issued)
    log.act(Action.REVIEW_APPROVE, {}, cast.manager, issued)
    if log.view.state is State.LEADER_REVIEW:
        if cast.leader is None:
            raise KamdeskError("order_import.no_leader")
        log.act(Action.LEADER_APPROVE, {}, cast.leader, issued)
    promise = {"promised_days": past.promise.days, "sla_mode": past.promise.mode.value}
    log.act(Action.ISSUE, promise, cast.clerk, issued)
    if past.confirmed_at is None:
        return log.events, log.view
    log.act(Action.CONFIRM_RESOURCES, {"outcome": "available"}, cast.center, past.confirmed_at)
    if past.steps:
        _execute(log, past, past.confirmed_at)
    if past.completed_at is not None:
        log.act(Action.COMPLETE, {"results": past.results}, cast.center, past.completed_at)
    if past.accepted_at is not None:
        accept = {
            "signature_ref": PAPER_SIGNATURE,
            "signer_name": past.signer,
            "satisfaction": past.satisfaction,
        }
        log.act(Action.ACCEPT, accept, cast.owner, past.accepted_at)
        log.act(Action.SIGN_OFF, {}, cast.owner, past.accepted_at)
        log.act(Action.ARCHIVE, {}, cast.clerk, past.accepted_at)
    return log.events, log.view


_Move = tuple[datetime, Action, Mapping[str, object], DomainActor]


def _execute(log: _Log, past: PastOrder, dispatched: datetime) -> None:
    """Dispatch, then every step, return and restoration in time order (ties keep the
    order they are listed in, so each step's own moves stay in sequence)."""
    center = past.cast.center
    parallel = past.mode is DispatchMode.PARALLEL
    plans: list[dict[str, object]] = []
    moves: list[_Move] = []
    begin = dispatched
    for number, step in enumerate(past.steps, start=1):
        sid = {"step_id": str(number)}
        if parallel:
            begin = dispatched
        plans.append(
            {
                **sid,
                "workstation": step.workstation,
                "planned_hours": planned_hours(begin, step.done_at),
                "deadline": step.done_at.isoformat(),
            }
        )
        moves.append((begin, Action.START_STEP, sid, step.actor))
        for back in step.returns:
            returned = {**sid, "reason": back.reason.value, "detail": back.detail}
            moves.append((back.at, Action.RETURN_STEP, returned, step.actor))
            resolved = {**sid, "resolution": past.resolution}
            moves.append((back.at, Action.RESOLVE_RETURN, resolved, center))
            moves.append((back.at, Action.START_STEP, sid, step.actor))
        moves.append((step.done_at, Action.FINISH_STEP, sid, step.actor))
        begin = step.done_at
    if past.restored_at is not None:
        moves.append((past.restored_at, Action.RESTORE, {}, center))
    log.act(Action.DISPATCH, {"mode": past.mode.value, "steps": plans}, center, dispatched)
    for at, action, data, actor in sorted(moves, key=lambda move: move[0]):
        log.act(action, data, actor, at)
