"""Session hooks that keep ``kpi_month_sums`` equal to the rows it sums, in the same
transaction as the change (installed on every ORM :class:`Session` on import;
:mod:`kamdesk.services.uow` imports this module).

``before_flush`` collects the entities a flush touches in ways a KPI can see (an
order, its steps and returns → the order; an account → its state, orders,
complaints and revenue; a visit → its account's state; complaints, revenue lines,
forecasts, targets; a staff member's group → their targets) and subtracts their
current contribution; ``after_flush`` adds their new contribution and applies the
difference to every dimension. A change of the working calendar or of the
confirmation rule recounts K03. Nothing happens while the summary is not marked
complete (the engine then reads the raw rows).

Hazard: statements executed without the ORM unit of work (Core ``insert``/``update``/
``delete`` through a session, e.g. rows applied from HQ) cannot be attributed; they
clear the summary's marker, so the engine falls back to the raw rows until
:func:`kamdesk.services.kpi.summary.rebuild` runs again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from kamdesk.db.models import (
    CalendarOverride,
    Complaint,
    Customer,
    DemandForecast,
    ReturnOrder,
    RevenueMonth,
    SlaRule,
    Staff,
    Target,
    Visit,
    WorkOrder,
    WorkOrderStep,
)
from kamdesk.services.kpi import summary
from kamdesk.services.kpi.facts import CONFIRMATIONS

_PENDING = "kamdesk_kpi_summary_pending"

# Per model: the subject kind, the attribute naming it, the columns the KPIs read.
_TRACKED: dict[type, tuple[str, str, frozenset[str]]] = {
    WorkOrder: ("order", "id", frozenset({
        "branch_id", "customer_id", "product_id", "owner_id", "kind", "issued_at",
        "confirm_requested_at", "confirmed_at", "accepted_at", "reported_at", "restored_at",
        "satisfaction", "return_count", "on_time", "deleted_at"})),
    WorkOrderStep: ("order", "order_id", frozenset({
        "order_id", "workstation_id", "done_at", "return_count", "deleted_at"})),
    ReturnOrder: ("order", "order_id", frozenset({
        "order_id", "step_id", "reason", "raised_at", "deleted_at"})),
    Customer: ("customer", "id", frozenset({
        "branch_id", "industry_group_id", "owner_id", "opened_at", "left_at", "deleted_at",
        "grade"})),
    Visit: ("account", "customer_id", frozenset({
        "customer_id", "status", "done_at", "deleted_at"})),
    Complaint: ("complaint", "id", frozenset({
        "customer_id", "received_at", "closed_at", "followed_up_at", "deleted_at"})),
    RevenueMonth: ("revenue", "id", frozenset({
        "customer_id", "product_id", "month", "amount", "deleted_at"})),
    DemandForecast: ("forecast", "id", frozenset({
        "branch_id", "industry_group_id", "owner_id", "product_id", "month", "quantity",
        "period", "deleted_at"})),
    Target: ("target", "id", frozenset({
        "branch_id", "scope", "scope_id", "metric", "month", "amount", "deleted_at"})),
    Staff: ("staff", "id", frozenset({"industry_group_id"})),
}  # fmt: skip
_REFERENCE = (CalendarOverride, SlaRule)
TRACKED_TABLES = frozenset(
    {m.__tablename__ for m in (*_TRACKED, *_REFERENCE)}  # type: ignore[attr-defined]
)


def _relevant(obj: object, columns: frozenset[str]) -> bool:
    state: Any = obj._sa_instance_state  # type: ignore[attr-defined]
    return any(state.attrs[c].history.has_changes() for c in columns if c in state.attrs)


def _touched(session: Session, include_dirty: bool = True) -> Iterable[object]:
    yield from session.new
    yield from session.deleted
    if include_dirty:
        for obj in session.dirty:
            spec = _TRACKED.get(type(obj))
            if (spec is not None and _relevant(obj, spec[2])) or isinstance(obj, _REFERENCE):
                yield obj


def _subjects(objects: Iterable[object]) -> tuple[set[tuple[str, str]], bool, bool]:
    """(subjects with known ids, whether any tracked entity was seen, reference changed)."""
    found: set[tuple[str, str]] = set()
    seen = reference = False
    for obj in objects:
        if isinstance(obj, _REFERENCE):
            reference = True
            continue
        spec = _TRACKED.get(type(obj))
        if spec is None:
            continue
        seen = True
        ident = getattr(obj, spec[1])
        if ident is not None:
            found.add((spec[0], ident))
    return found, seen, reference


@event.listens_for(Session, "before_flush")
def _subtract_old(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    if session.get_bind().dialect.name != "sqlite":
        return
    found, seen, reference = _subjects(_touched(session))
    if not (seen or reference):
        return
    marker = summary.read_marker(session.connection())
    if marker is None:
        return
    summary.prepare(session, marker)
    summary.clear_subjects(session)
    session.execute(text("DELETE FROM temp.kpi_delta"))
    summary.add_subjects(session, found)
    summary.expand_subjects(session)
    summary.count_subjects(session, -1)
    session.info[_PENDING] = reference


@event.listens_for(Session, "after_flush")
def _add_new(session: Session, _ctx: UOWTransaction) -> None:
    if _PENDING not in session.info:
        return
    reference = session.info.pop(_PENDING)
    found, _, _ = _subjects(session.new)  # ids are assigned by now
    summary.add_subjects(session, found)
    summary.expand_subjects(session)
    summary.count_subjects(session, 1)
    summary.apply_delta(session)
    summary.clear_subjects(session)
    if reference:
        summary.recount_family(session, CONFIRMATIONS)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _unattributed_write(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in TRACKED_TABLES:
        summary.forget_marker(state.session)
