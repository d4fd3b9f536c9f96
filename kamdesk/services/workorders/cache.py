"""Rewrite an order's cached rows from its derived view, in the writing transaction.

The events are the truth; ``work_orders`` (state and timestamps, due and on-time),
``work_order_steps``, ``return_orders`` and ``clock_pauses`` mirror the view so lists
and KPIs run in SQL. Guarantee: only attributes whose value changes are assigned, so
the sync capture sees real changes only. Rows are matched to the view by position
(steps by number, return orders and pauses in time order), which holds because the
view only ever appends to those lists. New step rows get their id when added, so a
never-flushed order (``new=True``, the historical import's batches) is written without
a query or a flush.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import ClockPause, ReturnOrder, WorkOrder, WorkOrderStep, Workstation
from kamdesk.domain.ids import uuid7
from kamdesk.domain.working_calendar import WorkingCalendar
from kamdesk.domain.workorders.deadline import order_clock
from kamdesk.domain.workorders.view import OrderView
from kamdesk.domain.workorders.vocabulary import DispatchMode


def _assign(row: object, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def refresh_order(
    s: Session,
    order: WorkOrder,
    view: OrderView,
    calendar: WorkingCalendar,
    stations: Mapping[str, Workstation],
    *,
    new: bool = False,
) -> None:
    """Bring ``order`` and its child rows in line with ``view``. ``new``: the order has
    never been flushed, so it has no child rows to read back (nothing is queried)."""
    clock = order_clock(view, calendar)
    due = None if clock is None else clock.due()
    on_time = None
    if clock is not None and view.accepted_at is not None:
        on_time = clock.on_time(view.accepted_at)
    values: dict[str, Any] = {
        "state": view.state.value,
        "kind": view.kind.value,
        "value": view.value,
        "submitted_at": view.submitted_at,
        "issued_at": view.issued_at,
        "confirm_requested_at": view.issued_at,
        "confirmed_at": view.confirmed_at,
        "confirmation": None if view.resource_outcome is None else view.resource_outcome.value,
        "dispatched_at": view.dispatched_at,
        "completed_at": view.completed_at,
        "accepted_at": view.accepted_at,
        "archived_at": view.archived_at,
        "cancelled_at": view.cancelled_at,
        "reported_at": view.reported_at,
        "restored_at": view.restored_at,
        "satisfaction": view.satisfaction,
        "return_count": view.return_count,
        "due_at": due,
        "on_time": on_time,
        "completion_results": view.results or "",
        "test_results": view.test_results or "",
        "updated_at": view.updated_at,
    }
    if view.promise is not None:
        values["promised_days"] = view.promise.days
        values["clock_mode"] = view.promise.mode.value
    _assign(order, values)
    step_ids = _refresh_steps(s, order, view, stations, new)
    _refresh_returns(s, order, view, step_ids, new)
    _refresh_pauses(s, order, view, new)


def _refresh_steps(
    s: Session,
    order: WorkOrder,
    view: OrderView,
    stations: Mapping[str, Workstation],
    new: bool,
) -> dict[int, str]:
    """Rewrite the step rows; returns every step row's id by ``seq`` (new rows get their
    id here, so return orders can name them before a flush)."""
    query = select(WorkOrderStep).where(WorkOrderStep.order_id == order.id)
    rows = {} if new else {row.seq: row for row in s.execute(query).scalars()}
    parallel = view.dispatch_mode is DispatchMode.PARALLEL
    for step in view.steps:
        seq = step.position + 1
        station = stations.get(step.workstation)
        if station is None:
            raise ValueError(f"no workstation {step.workstation!r} in the branch")
        values: dict[str, Any] = {
            "parallel_group": 1 if parallel else seq,
            "workstation_id": station.id,
            "planned_minutes": int(step.planned_hours * Decimal(60)),
            "deadline_at": step.deadline,
            "need_text": step.task,
            "state": step.state.value,
            "started_at": step.started_at,
            "done_at": step.done_at,
            "return_count": step.return_count,
        }
        row = rows.get(seq)
        if row is None:
            rows[seq] = row = WorkOrderStep(id=uuid7(), order_id=order.id, seq=seq, **values)
            s.add(row)
        else:
            _assign(row, values)
    return {seq: row.id for seq, row in rows.items()}


def _refresh_returns(
    s: Session, order: WorkOrder, view: OrderView, steps: Mapping[int, str], new: bool
) -> None:
    query = (
        select(ReturnOrder)
        .where(ReturnOrder.order_id == order.id)
        .order_by(ReturnOrder.raised_at, ReturnOrder.id)
    )
    rows = [] if new else list(s.execute(query).scalars())
    for i, record in enumerate(view.returns):
        step = view.step(record.step_id)
        values: dict[str, Any] = {
            "step_id": None if step is None else steps.get(step.position + 1),
            "reason": record.reason.value,
            "description": record.detail,
            "emergency_handling": record.emergency_handling,
            "raised_by": record.actor_id or None,
            "raised_at": record.at,
            "handled_at": record.resolved_at,
            "resolution": record.resolution or "",
        }
        if i < len(rows):
            _assign(rows[i], values)
        else:
            s.add(ReturnOrder(order_id=order.id, **values))


def set_return_handler(s: Session, order_id: str, staff_id: str) -> None:
    """Name ``staff_id`` as the handler of the order's handled but unattributed returns."""
    rows = s.execute(
        select(ReturnOrder).where(
            ReturnOrder.order_id == order_id,
            ReturnOrder.handled_at.is_not(None),
            ReturnOrder.handled_by.is_(None),
        )
    ).scalars()
    for row in rows:
        row.handled_by = staff_id


def _refresh_pauses(s: Session, order: WorkOrder, view: OrderView, new: bool) -> None:
    query = (
        select(ClockPause)
        .where(ClockPause.order_id == order.id)
        .order_by(ClockPause.started_at, ClockPause.id)
    )
    rows = [] if new else list(s.execute(query).scalars())
    for i, pause in enumerate(view.pauses):
        values = {"started_at": pause.start, "ended_at": pause.end, "reason": pause.reason}
        if i < len(rows):
            _assign(rows[i], values)
        else:
            s.add(ClockPause(order_id=order.id, **values))
