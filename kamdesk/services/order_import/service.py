"""Importing past work orders from a branch's old spreadsheet, all or nothing.

:meth:`OrderImportService.run` runs the shared dry-run / all-or-nothing import of
:func:`kamdesk.services.sheet_import.run_sheet_import` with the columns of
:mod:`.columns` and the checks of :mod:`.check`. Saving writes each order as the
work-order service does: the ``work_orders`` row, its events from
:func:`~kamdesk.services.order_import.timeline.replay_past`, and the steps, return
orders and cached columns rewritten from the folded view
(:func:`~kamdesk.services.workorders.cache.refresh_order`), all through the ORM, so
the sync outbox, the audit log and the KPI summary (its session hooks) follow in the
same transaction. Orders are flushed in batches of :data:`SAVE_BATCH`.

Because the summary holds account state only for the months of its marker, the
import then widens the marker to the imported months
(:func:`kamdesk.services.kpi.summary.cover`), so those months are answered from the
summary too, with the same figures as the raw rows.

Only the department leader and the branch admin may import. Hazard: the digits from
the 11th character of an imported order number count towards the highest number
:func:`~kamdesk.services.workorders.forms.next_order_no` continues from, so an old
number shaped like KAMDesk's own (``XQ`` + date + digits) moves new numbers up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.db.models import ClockPause, Product, ReturnOrder, WorkOrder, Workstation
from kamdesk.domain.clock import local, utcnow
from kamdesk.domain.ids import uuid7
from kamdesk.domain.progress import CancelCheck, Progress
from kamdesk.domain.working_calendar import WorkingCalendar
from kamdesk.domain.workorders import Role
from kamdesk.domain.workorders.rules import WorkOrderPolicy, policy_in_force
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.kpi import summary
from kamdesk.services.order_import.check import Planned, check_rows
from kamdesk.services.order_import.columns import ORDER_COLUMNS
from kamdesk.services.order_import.timeline import replay_past
from kamdesk.services.sheet_import import ImportReport, run_sheet_import, tick
from kamdesk.services.workorders import store
from kamdesk.services.workorders.cache import refresh_order
from kamdesk.services.workorders.forms import form_columns

define(
    {
        "order_import.not_allowed": N_(
            "Only the department leader or the branch admin may import historical work orders"
        ),
    }
)

IMPORT_ROLES = frozenset({Role.LEADER.value, Role.ADMIN.value})
SAVE_BATCH = 200
"""Orders per flush: the session hooks (sync, audit, KPI summary) run once per batch."""
ERROR_SHEET = "工单"
"""Name of the error workbook's sheet."""


class OrderImportService:
    """Dry runs and commits of historical work-order sheets; one unit of work per call.
    ``clock`` decides what "in the future" means for the sheet's times."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self._engine = engine
        self._clock = clock

    def run(
        self,
        path: Path,
        actor: Actor,
        *,
        dry_run: bool,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> ImportReport:
        """Check every row of ``path``; unless ``dry_run``, save all when all are fine."""
        if not actor.branch_id or actor.role not in IMPORT_ROLES:
            raise KamdeskError("order_import.not_allowed")
        now = self._clock()

        def save(session: Session, plans: list[Planned]) -> int:
            _save(session, plans, actor, progress, cancel)
            return len(plans)

        return run_sheet_import(
            self._engine,
            path,
            actor,
            ORDER_COLUMNS,
            check=lambda s, rows: check_rows(s, rows, actor, now, progress, cancel),
            save=save,
            entity="work_orders",
            dry_run=dry_run,
            progress=progress,
            cancel=cancel,
        )


def _save(
    session: Session,
    plans: list[Planned],
    actor: Actor,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> None:
    calendar = store.working_calendar(session)
    stations = store.workstations(session, actor.branch_id)
    policies = store.published_policies(session)
    products = {p.form.product_id: session.get(Product, p.form.product_id) for p in plans}
    for start in range(0, len(plans), SAVE_BATCH):
        handlers: dict[str, str] = {}
        with session.no_autoflush:  # every row of the batch is new: flushed below
            for done, plan in enumerate(plans[start : start + SAVE_BATCH], start=start + 1):
                # a cancel rolls the whole import back
                tick(done, len(plans), tr("Saving work orders"), progress, cancel, 20)
                policy = policy_in_force(policies, local(plan.past.issued_at).date())
                order_id = _add_order(session, plan, products, actor, calendar, stations, policy)
                handlers[order_id] = plan.past.cast.center.user_id
        _flush_parents_first(session, handlers)
    if plans:
        days = [local(p.past.issued_at).date() for p in plans]
        summary.cover(session, min(days), max(days))


def _flush_parents_first(session: Session, handlers: Mapping[str, str]) -> None:
    """Flush the batch so that every row follows the rows it references.

    The tables have no ORM relationships, so one flush would insert them in class-name
    order, ``ReturnOrder`` and ``ClockPause`` before the ``WorkOrder`` and steps they
    name: those are held back for a second flush. The response center member who
    recorded the handling becomes each return's handler, as the service records it.
    """
    held = [row for row in session.new if isinstance(row, ReturnOrder | ClockPause)]
    for row in held:
        session.expunge(row)
        if isinstance(row, ReturnOrder):
            row.handled_by = handlers[row.order_id]
    session.flush()
    session.add_all(held)
    session.flush()


def _add_order(
    session: Session,
    plan: Planned,
    products: Mapping[str, Product | None],
    actor: Actor,
    calendar: WorkingCalendar,
    stations: Mapping[str, Workstation],
    policy: WorkOrderPolicy,
) -> str:
    """The order row, its events and its cached rows, as the work-order service writes
    them (see :meth:`~kamdesk.services.workorders.WorkOrderService.create_draft`)."""
    order_id = uuid7()
    events, view = replay_past(order_id, plan.past, policy)
    product = products[plan.form.product_id]
    assert product is not None  # checked in this transaction
    order = WorkOrder(
        id=order_id,
        branch_id=actor.branch_id,
        order_no=plan.order_no,
        customer_id=plan.form.customer_id,
        product_id=product.id,
        owner_id=plan.past.cast.owner.user_id,
        state=view.state.value,
        created_at=plan.past.issued_at,
        promised_days=plan.past.promise.days,
        clock_mode=plan.past.promise.mode.value,
        **form_columns(plan.form, product),
    )
    session.add(order)
    for event in events:
        store.append_event(session, event)
    refresh_order(session, order, view, calendar, stations, new=True)
    return order_id
