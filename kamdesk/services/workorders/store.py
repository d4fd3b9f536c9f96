"""Database plumbing shared by the work-order services (all calls take an open session).

Guarantee: an order's events are read in ``seq`` order and folded by the domain
(:func:`~kamdesk.domain.workorders.view.replay`), so every reader sees the state the
rules see. Blobs are stored once per SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Blob,
    CalendarOverride,
    IndustryGroup,
    Staff,
    WorkOrder,
    WorkOrderPolicySet,
    Workstation,
)
from kamdesk.db.models import WorkOrderEvent as EventRow
from kamdesk.domain.clock import local
from kamdesk.domain.working_calendar import ChineseWorkingCalendar
from kamdesk.domain.workorders.events import Actor as DomainActor
from kamdesk.domain.workorders.events import WorkOrderEvent, thaw
from kamdesk.domain.workorders.rules import PublishedPolicy, WorkOrderPolicy, policy_in_force
from kamdesk.domain.workorders.view import OrderView, replay
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Action, Role, State
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor

define(
    {
        "workorder.not_found": N_("There is no work order {order}."),
        "workorder.unknown_role": N_("{name} has no role that may work on orders."),
        "workorder.stale": N_(
            "The order was changed meanwhile (it is at change {current}, you saw change "
            "{expected}); reload it and try again."
        ),
    }
)


def order_row(s: Session, order_id: str) -> WorkOrder:
    """The live order ``order_id``; ``workorder.not_found`` otherwise."""
    order = s.get(WorkOrder, order_id)
    if order is None or order.deleted_at is not None:
        raise KamdeskError("workorder.not_found", order=order_id)
    return order


def order_by_no(s: Session, order_no: str) -> WorkOrder:
    order = s.execute(
        select(WorkOrder).where(WorkOrder.order_no == order_no, WorkOrder.deleted_at.is_(None))
    ).scalar_one_or_none()
    if order is None:
        raise KamdeskError("workorder.not_found", order=order_no)
    return order


def load_events(s: Session, order_id: str) -> list[WorkOrderEvent]:
    rows = s.execute(
        select(EventRow).where(EventRow.order_id == order_id).order_by(EventRow.seq)
    ).scalars()
    return [
        WorkOrderEvent(
            order_id=row.order_id,
            seq=row.seq,
            action=Action(row.action),
            from_state=None if row.from_state is None else State(row.from_state),
            to_state=State(row.to_state),
            actor_id=row.actor_id or "",
            actor_role=Role(row.actor_role),
            at=row.at,
            payload=row.payload or {},
        )
        for row in rows
    ]


def append_event(s: Session, event: WorkOrderEvent) -> None:
    """Store ``event`` as a new row (the log is append-only: never updated)."""
    s.add(
        EventRow(
            order_id=event.order_id,
            seq=event.seq,
            action=event.action.value,
            from_state=None if event.from_state is None else event.from_state.value,
            to_state=event.to_state.value,
            actor_id=event.actor_id,
            actor_role=event.actor_role.value,
            at=event.at,
            payload=thaw(event.payload),
        )
    )


def load_view(s: Session, order_id: str) -> tuple[OrderView, list[WorkOrderEvent]]:
    events = load_events(s, order_id)
    if not events:
        raise KamdeskError("workorder.not_found", order=order_id)
    return replay(events), events


def check_seq(view: OrderView, expected_seq: int) -> None:
    if view.seq != expected_seq:
        raise KamdeskError("workorder.stale", current=view.seq, expected=expected_seq)


def domain_actor(s: Session, actor: Actor) -> DomainActor:
    """The rules' view of ``actor``: role plus the group and workstation codes they reach."""
    try:
        role = Role(actor.role)
    except ValueError:
        raise KamdeskError("workorder.unknown_role", name=actor.name) from None
    groups: frozenset[str] = frozenset()
    stations: frozenset[str] = frozenset()
    if actor.industry_group_id is not None:
        code = s.get(IndustryGroup, actor.industry_group_id)
        groups = frozenset({code.code}) if code is not None else frozenset()
    if actor.workstation_id is not None:
        station = s.get(Workstation, actor.workstation_id)
        stations = frozenset({station.code}) if station is not None else frozenset()
    return DomainActor(actor.staff_id, role, groups, stations)


def working_calendar(s: Session) -> ChineseWorkingCalendar:
    """China's official calendar with the HQ overrides in this database."""
    overrides = {
        row.day: row.is_working
        for row in s.execute(
            select(CalendarOverride).where(CalendarOverride.deleted_at.is_(None))
        ).scalars()
    }
    return ChineseWorkingCalendar(overrides)


def published_policies(s: Session) -> tuple[PublishedPolicy, ...]:
    """Every live version of the work-order policy HQ published."""
    return tuple(
        PublishedPolicy(row.version, row.effective_from, row.leader_value_threshold)
        for row in s.execute(
            select(WorkOrderPolicySet).where(WorkOrderPolicySet.deleted_at.is_(None))
        ).scalars()
    )


def work_order_policy(s: Session, at: datetime) -> WorkOrderPolicy:
    """The work-order policy HQ published that is in force on ``at``'s local day."""
    return policy_in_force(published_policies(s), local(at).date())


def workstations(s: Session, branch_id: str) -> dict[str, Workstation]:
    """The branch's workstations by code."""
    rows = s.execute(select(Workstation).where(Workstation.branch_id == branch_id)).scalars()
    return {row.code: row for row in rows}


def staff_names(s: Session, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = s.execute(select(Staff.id, Staff.name).where(Staff.id.in_(wanted)))
    return {staff_id: name for staff_id, name in rows}


def role_label(role: str) -> str:
    try:
        return tr(ROLE_LABELS[Role(role)])
    except ValueError:
        return role


def put_blob(s: Session, data: bytes, mime: str, at: datetime) -> str:
    """Store ``data`` once; returns its SHA-256 (an existing blob is reused as is)."""
    sha = hashlib.sha256(data).hexdigest()
    if s.get(Blob, sha) is None:
        s.add(Blob(sha256=sha, size=len(data), mime=mime, data=data, created_at=at))
        s.flush()
    return sha
