"""Order lists in SQL: count, one page of ids, rows by ids (what a big-table model needs).

Filters and sorting run on the cached columns of ``work_orders`` (see :mod:`.cache`).
"Waiting on me" is derived from the domain's transition table: the states from which
the actor's role has a move that advances the flow (not edit, pause, resume or
cancel), narrowed by the rule's reach (own orders, own industry group, a step at the
actor's workstation that can start or finish now) and, for the response center while
the steps run, to orders with a returned step or with every step done.

Hazard: the lists read the cache; an order whose cache is stale (written by another
tool) lists by its cached state until the service next acts on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from kamdesk.db.models import Customer, Product, Staff, WorkOrder, WorkOrderStep
from kamdesk.db.models import WorkOrderEvent as EventRow
from kamdesk.domain.sla import DUE_SOON, SLA_STATUS_LABELS, SlaStatus
from kamdesk.domain.workorders.rules import RULES
from kamdesk.domain.workorders.vocabulary import (
    CLOCK_STATES,
    STATE_LABELS,
    Action,
    OrderKind,
    Role,
    Scope,
    State,
    StepState,
)
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.workorders.types import OrderQuery, OrderRow, OrderScope, OrderSort

_NOT_WAITING = frozenset({Action.CREATE, Action.EDIT, Action.PAUSE, Action.RESUME, Action.CANCEL})
_STEP_MOVES = frozenset({Action.START_STEP, Action.FINISH_STEP, Action.RETURN_STEP})
_CLOCK = tuple(s.value for s in CLOCK_STATES)


def _my_step_can_move(actor: Actor) -> ColumnElement[bool]:
    """A step at the actor's workstation is running, or waiting with nothing before it."""
    if actor.workstation_id is None:
        return false()
    earlier = aliased(WorkOrderStep)
    blocked = exists().where(
        earlier.order_id == WorkOrderStep.order_id,
        earlier.parallel_group < WorkOrderStep.parallel_group,
        earlier.state != StepState.DONE.value,
    )
    return exists().where(
        WorkOrderStep.order_id == WorkOrder.id,
        WorkOrderStep.workstation_id == actor.workstation_id,
        or_(
            WorkOrderStep.state == StepState.IN_PROGRESS.value,
            and_(WorkOrderStep.state == StepState.PENDING.value, ~blocked),
        ),
    )


def _steps_need_center() -> ColumnElement[bool]:
    returned = exists().where(
        WorkOrderStep.order_id == WorkOrder.id, WorkOrderStep.state == StepState.RETURNED.value
    )
    open_step = exists().where(
        WorkOrderStep.order_id == WorkOrder.id, WorkOrderStep.state != StepState.DONE.value
    )
    return or_(returned, ~open_step)


def _reach(scope: Scope, actor: Actor) -> ColumnElement[bool]:
    if scope is Scope.OWNER:
        return WorkOrder.owner_id == actor.staff_id
    if scope is Scope.GROUP:
        if actor.industry_group_id is None:
            return false()
        return Customer.industry_group_id == actor.industry_group_id
    if scope in (Scope.STEP_WORKSTATION, Scope.ORDER_WORKSTATION):
        return _my_step_can_move(actor)
    return true()


def waiting_on(actor: Actor) -> ColumnElement[bool]:
    """Orders whose next move belongs to ``actor`` (see the module docstring)."""
    try:
        role = Role(actor.role)
    except ValueError:
        return false()
    terms: list[ColumnElement[bool]] = []
    for action, rule in RULES.items():
        scope = rule.roles.get(role)
        if scope is None or action in _NOT_WAITING or action is Action.RESTORE:
            continue
        states = [s.value for s in rule.sources]
        term = and_(WorkOrder.state.in_(states), _reach(scope, actor))
        if action in (Action.RESOLVE_RETURN, Action.COMPLETE):
            term = and_(term, _steps_need_center())
        terms.append(term)
    return or_(*terms) if terms else false()


def _mine(actor: Actor) -> ColumnElement[bool]:
    if actor.role == Role.AM.value:
        return WorkOrder.owner_id == actor.staff_id
    if actor.role == Role.INDUSTRY_MANAGER.value:
        return _reach(Scope.GROUP, actor)
    if actor.role == Role.WORKSTATION.value and actor.workstation_id is not None:
        return exists().where(
            WorkOrderStep.order_id == WorkOrder.id,
            WorkOrderStep.workstation_id == actor.workstation_id,
        )
    return exists().where(EventRow.order_id == WorkOrder.id, EventRow.actor_id == actor.staff_id)


def _filtered(stmt: Select[Any], actor: Actor | None, query: OrderQuery, now: datetime) -> Any:
    stmt = stmt.join(Customer, Customer.id == WorkOrder.customer_id).where(
        WorkOrder.deleted_at.is_(None)
    )
    if actor is not None:
        stmt = stmt.where(WorkOrder.branch_id == actor.branch_id)
    scope = query.scope
    if scope in (OrderScope.MINE, OrderScope.WAITING_ON_ME):
        if actor is None:
            raise ValueError(f"the list {scope} needs an actor")
        stmt = stmt.where(_mine(actor) if scope is OrderScope.MINE else waiting_on(actor))
    elif scope is OrderScope.DUE_SOON:
        stmt = stmt.where(
            WorkOrder.state.in_(_CLOCK), WorkOrder.due_at.between(now, now + DUE_SOON)
        )
    elif scope is OrderScope.OVERDUE:
        stmt = stmt.where(WorkOrder.state.in_(_CLOCK), WorkOrder.due_at < now)
    if query.states:
        stmt = stmt.where(WorkOrder.state.in_([s.value for s in query.states]))
    if query.kind is not None:
        stmt = stmt.where(WorkOrder.kind == query.kind.value)
    text = query.text.strip()
    if text:
        pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(
            or_(
                WorkOrder.order_no.like(f"{pattern}%", escape="\\"),
                Customer.name.like(f"%{pattern}%", escape="\\"),
                Customer.name_initials.like(f"{pattern}%", escape="\\"),
            )
        )
    return stmt


_SORT_COLUMNS: dict[OrderSort, Any] = {
    OrderSort.ORDER_NO: WorkOrder.order_no,
    OrderSort.CREATED: WorkOrder.created_at,
    OrderSort.UPDATED: WorkOrder.updated_at,
    OrderSort.DUE: WorkOrder.due_at,
    OrderSort.CUSTOMER: Customer.name,
    OrderSort.STATE: WorkOrder.state,
}


def count(s: Session, actor: Actor | None, query: OrderQuery, now: datetime) -> int:
    stmt = _filtered(select(func.count(WorkOrder.id)).select_from(WorkOrder), actor, query, now)
    return int(s.execute(stmt).scalar_one())


def page_ids(
    s: Session, actor: Actor | None, query: OrderQuery, now: datetime, offset: int, limit: int
) -> list[str]:
    column = _SORT_COLUMNS[query.sort]
    direction = column.desc() if query.descending else column.asc()
    tie = WorkOrder.id.desc() if query.descending else WorkOrder.id.asc()
    stmt = _filtered(select(WorkOrder.id).select_from(WorkOrder), actor, query, now)
    stmt = stmt.order_by(column.is_(None), direction, tie).offset(max(offset, 0)).limit(limit)
    return list(s.execute(stmt).scalars())


def sla_status(row: Any, now: datetime) -> SlaStatus | None:
    """The list's deadline status from the cached columns (the domain's rule: accepted
    orders by the on-time test; an open clock without a due instant is paused)."""
    if row.issued_at is None or row.state == State.CANCELLED.value:
        return None
    if row.accepted_at is not None:
        return SlaStatus.ON_TIME if row.on_time in (True, None) else SlaStatus.OVERDUE
    if row.due_at is None:
        return SlaStatus.PAUSED
    if now > row.due_at:
        return SlaStatus.OVERDUE
    if row.due_at - now <= DUE_SOON:
        return SlaStatus.DUE_WITHIN_24H
    return SlaStatus.ON_TIME


def rows(s: Session, order_ids: Sequence[str], now: datetime) -> list[OrderRow]:
    if not order_ids:
        return []
    stmt = (
        select(
            WorkOrder.id,
            WorkOrder.order_no,
            WorkOrder.kind,
            WorkOrder.state,
            Customer.name.label("customer_name"),
            Product.name.label("product_name"),
            Staff.name.label("owner_name"),
            WorkOrder.created_at,
            WorkOrder.updated_at,
            WorkOrder.due_at,
            WorkOrder.issued_at,
            WorkOrder.accepted_at,
            WorkOrder.on_time,
            WorkOrder.return_count,
        )
        .join(Customer, Customer.id == WorkOrder.customer_id)
        .join(Product, Product.id == WorkOrder.product_id)
        .outerjoin(Staff, Staff.id == WorkOrder.owner_id)
        .where(WorkOrder.id.in_(list(order_ids)))
    )
    found = {row.id: row for row in s.execute(stmt)}
    out = []
    for order_id in order_ids:
        row = found.get(order_id)
        if row is None:
            continue
        state = State(row.state)
        status = sla_status(row, now)
        out.append(
            OrderRow(
                order_id=row.id,
                order_no=row.order_no,
                kind=OrderKind(row.kind),
                state=state,
                state_label=tr(STATE_LABELS[state]),
                customer_name=row.customer_name,
                product_name=row.product_name,
                owner_name=row.owner_name or "",
                created_at=row.created_at,
                updated_at=row.updated_at,
                due_at=row.due_at,
                sla_status=status,
                sla_label="" if status is None else tr(SLA_STATUS_LABELS[status]),
                return_count=row.return_count,
            )
        )
    return out
