"""Running orders' deadlines follow the calendar HQ publishes (lists and the order
window agree after new overrides arrive), and 我的一天 warns before and after them."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from kamdesk.db.models import CalendarOverride, Customer, Staff, WorkOrder
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import local
from kamdesk.services.actor import Actor
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.my_day import MyDay, MyDayService, Section, Urgency
from kamdesk.services.uow import read_session, write_session
from kamdesk.services.workorders import WorkOrderService
from kamdesk.services.workorders.deadlines import refresh_deadlines


def test_new_holidays_move_the_cached_deadline_of_running_orders(tmp_path: Path) -> None:
    path = tmp_path / "branch.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=12, orders=80, seed=3, workers=0))
    assert refresh_deadlines(engine) is None  # a new database: only marked
    with sqlite3.connect(path) as db:
        order_id, due_text = db.execute(
            "SELECT id, due_at FROM work_orders WHERE state IN ('issued', 'confirmed', "
            "'dispatched', 'completed') AND clock_mode = 'working_days' AND due_at IS NOT NULL "
            "ORDER BY due_at DESC LIMIT 1"
        ).fetchone()
    service = WorkOrderService(engine)
    before = service.get(order_id).deadline
    assert before is not None and before.due_at is not None
    assert due_text.startswith(before.due_at.strftime("%Y-%m-%d"))
    last_day = local(before.due_at).date()
    with write_session(engine) as s:  # as a sync round applies HQ's overrides
        for back in range(1, 4):
            s.add(CalendarOverride(day=last_day - timedelta(days=back), is_working=False))
    window_due = service.get(order_id).deadline.due_at  # derived afresh
    assert window_due is not None and window_due > before.due_at

    moved = refresh_deadlines(engine)
    assert moved is not None and moved >= 1
    with read_session(engine) as s:
        cached = s.scalar(select(WorkOrder.due_at).where(WorkOrder.id == order_id))
    assert cached == window_due  # the lists read what the order window shows
    assert refresh_deadlines(engine) is None  # nothing changed since
    engine.dispose()


def test_my_day_lists_orders_near_and_past_their_deadline(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "branch.sqlite")
    generate_demo(engine, DemoSpec(accounts=12, orders=80, seed=3, workers=0))
    with read_session(engine) as s:
        order_no, due_at, owner = s.execute(
            select(WorkOrder.order_no, WorkOrder.due_at, Customer.owner_id)
            .join(Customer, Customer.id == WorkOrder.customer_id)
            .where(WorkOrder.state.in_(["issued", "confirmed", "dispatched", "completed"]))
            .where(WorkOrder.due_at.is_not(None), Customer.owner_id.is_not(None))
            .order_by(WorkOrder.due_at)
            .limit(1)
        ).one()
        am = s.get_one(Staff, owner)
    actor = Actor(am.id, am.name, am.role, am.branch_id, am.industry_group_id)
    days = MyDayService(engine)
    assert order_no not in _order_lines(days.for_actor(actor, due_at - timedelta(days=3)))
    soon = _order_lines(days.for_actor(actor, due_at - timedelta(hours=2)))
    assert soon[order_no] == Urgency.SOON
    late = _order_lines(days.for_actor(actor, due_at + timedelta(hours=1)))
    assert late[order_no] == Urgency.URGENT
    engine.dispose()


def _order_lines(day: MyDay) -> dict[str, Urgency]:
    """Order number → urgency of the 我的一天 order lines."""
    lines = day.section(Section.ORDERS).lines
    return {re.findall(r"[A-Z]{2}\d{10,}", line.text)[0]: line.urgency for line in lines}
