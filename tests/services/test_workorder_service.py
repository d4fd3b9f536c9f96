"""The work-order service: one order walked from draft to archive, refusals, lists, files.

A small demo database gives the branch, its staff of every role, customers and
products; the service's clock is a test clock moved forward by hand, starting on a
Monday after the demo's "now".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kamdesk.db.startup import open_database
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.sla import SlaStatus
from kamdesk.domain.workorders.vocabulary import (
    SCOPED_ROLE_LABELS,
    STATE_PHRASES,
    Action,
    DispatchMode,
    ReturnReason,
    Role,
    Scope,
    State,
    StepState,
)
from kamdesk.errors import KamdeskError
from kamdesk.i18n import set_language, tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.demo.signatures import render
from kamdesk.services.workorders import (
    DemandForm,
    OrderQuery,
    OrderScope,
    OrderSort,
    SignatureInput,
    StepPlan,
    WorkOrderService,
)

START = datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)  # a Monday, a working day


class TestClock:
    __test__ = False

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass(frozen=True)
class Branch:
    path: Path
    engine: Engine

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def actor(self, role: Role, **where: str) -> Actor:
        """The first staff member of ``role`` (and of the given group or workstation id)."""
        sql = (
            "SELECT id, name, role, branch_id, industry_group_id, workstation_id FROM staff "
            "WHERE role = ?"
        )
        params: list[str] = [role.value]
        for column, value in where.items():
            sql += f" AND {column} = ?"
            params.append(value)
        row = self.db().execute(sql + " ORDER BY id LIMIT 1", params).fetchone()
        return Actor(*row)


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Branch]:
    set_language("zh_CN")
    path = tmp_path_factory.mktemp("orders") / "branch.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=12, orders=80, seed=3, workers=0))
    yield Branch(path, engine)
    engine.dispose()


def _signature(name: str = "张三") -> SignatureInput:
    strokes = [[[20, 40], [60, 30], [100, 50]], [[120, 20], [150, 60]]]
    return SignatureInput(
        signer_name=name,
        strokes=tuple(tuple(tuple(p) for p in s) for s in strokes),
        png=render(strokes),
    )


def _customer(branch: Branch) -> tuple[str, str, str, str]:
    """(customer id, owner AM id, industry group id, circuit product id)."""
    db = branch.db()
    customer_id, owner, group = db.execute(
        "SELECT c.id, c.owner_id, c.industry_group_id FROM customers c "
        "WHERE c.owner_id IS NOT NULL AND c.grade != 'A' ORDER BY c.id LIMIT 1"
    ).fetchone()
    (product_id,) = db.execute("SELECT id FROM products WHERE code = 'DDN'").fetchone()
    return customer_id, owner, group, product_id


def _workstation(branch: Branch, code: str) -> tuple[str, Actor]:
    (ws_id,) = branch.db().execute("SELECT id FROM workstations WHERE code = ?", (code,)).fetchone()
    return code, branch.actor(Role.WORKSTATION, workstation_id=ws_id)


def test_one_order_from_draft_to_archive(branch: Branch) -> None:
    clock = TestClock(START)
    service = WorkOrderService(branch.engine, now=clock)
    customer_id, owner_id, group_id, product_id = _customer(branch)
    am = branch.actor(Role.AM, id=owner_id)
    manager = branch.actor(Role.INDUSTRY_MANAGER, industry_group_id=group_id)
    clerk = branch.actor(Role.CLERK)
    center = branch.actor(Role.RESPONSE_CENTER)
    leader = branch.actor(Role.LEADER)
    w1, ws1 = _workstation(branch, "W01")
    w2, ws2 = _workstation(branch, "W04")

    form = DemandForm(
        customer_id=customer_id,
        product_id=product_id,
        quantity=1,
        value=Decimal("3600.00"),
        requirement="新建 2M 数字电路至总部机房",
        a_end="杭州市上城区解放路 1 号",
        z_end="杭州市滨江区网商路 599 号",
        bandwidth="2M",
        interface="E1",
    )
    order = service.create_draft(am, form)
    assert order.state is State.DRAFT and order.order_no.startswith("XQ20261207")
    assert order.form.requirement == form.requirement and order.owner_id == am.staff_id
    clock.advance(minutes=10)
    order = service.edit_draft(am, order.order_id, replace(form, bandwidth="10M"), order.seq)
    assert order.seq == 2 and order.form.bandwidth == "10M"
    assert order.timeline[-1].action is Action.EDIT

    def act(actor: Actor, action: Action, hours: float = 1, **payload: object) -> None:
        nonlocal order
        clock.advance(hours=hours)
        order = service.act(actor, order.order_id, action, payload, order.seq)

    act(am, Action.SUBMIT)
    with pytest.raises(KamdeskError) as refused:
        service.act(clerk, order.order_id, Action.ISSUE, {}, order.seq)
    message = refused.value.message()
    assert refused.value.code == "workorder.illegal_transition"
    assert tr(STATE_PHRASES[State.SUBMITTED]) in message
    assert tr(SCOPED_ROLE_LABELS[(Role.INDUSTRY_MANAGER, Scope.GROUP)]) in message
    assert service.get(order.order_id).state is State.SUBMITTED  # nothing written

    act(manager, Action.REVIEW_APPROVE)
    if order.state is State.LEADER_REVIEW:
        act(leader, Action.LEADER_APPROVE)
    assert order.state is State.APPROVED
    act(clerk, Action.ISSUE)  # promised days default to the product's: DDN, 5 working days
    assert order.deadline is not None and order.deadline.promised_days == 5
    due_before_pause = order.deadline.due_at
    # issued on a Monday: five working days end the next Monday at the same hour
    assert due_before_pause == order.deadline.issued_at + timedelta(days=7)
    assert order.deadline.trace and order.deadline.status is SlaStatus.ON_TIME

    act(center, Action.CONFIRM_RESOURCES, outcome="available")
    clock.advance(hours=1)
    deadline = clock.now + timedelta(days=2)
    order = service.dispatch(
        center,
        order.order_id,
        DispatchMode.SEQUENTIAL,
        [
            StepPlan(w1, Decimal("4.5"), deadline, "传输电路配置"),
            StepPlan(w2, Decimal("8"), deadline, "外线施工"),
        ],
        order.seq,
    )
    assert [(s.step_id, s.workstation, s.state) for s in order.steps] == [
        ("1", w1, StepState.PENDING),
        ("2", w2, StepState.PENDING),
    ]

    clock.advance(hours=1)
    order = service.pause(am, order.order_id, "客户机房未完工", order.seq)
    assert order.paused and order.deadline is not None and order.deadline.due_at is None
    assert order.deadline.status is SlaStatus.PAUSED
    clock.advance(hours=3)
    order = service.resume(am, order.order_id, order.seq)
    assert order.deadline is not None and order.deadline.due_at == due_before_pause + timedelta(
        hours=3
    )
    assert any("客户机房未完工" in line for line in order.deadline.trace)

    with pytest.raises(KamdeskError) as early:
        service.act(ws2, order.order_id, Action.START_STEP, {"step_id": "2"}, order.seq)
    assert early.value.code == "workorder.step_waits_for_previous"

    act(ws1, Action.START_STEP, step_id="1")
    clock.advance(hours=1)
    order = service.return_step(
        ws1,
        order.order_id,
        "1",
        ReturnReason.RESOURCE_MISSING,
        "缺少端口",
        "借用备用端口",
        order.seq,
    )
    assert order.returns[0].reason is ReturnReason.RESOURCE_MISSING
    assert order.steps[0].state is StepState.RETURNED
    act(center, Action.RESOLVE_RETURN, step_id="1", resolution="已调配端口")
    act(ws1, Action.START_STEP, step_id="1")
    act(ws1, Action.FINISH_STEP, step_id="1")
    act(ws2, Action.START_STEP, step_id="2")
    act(ws2, Action.FINISH_STEP, step_id="2", result="施工完成")
    act(center, Action.COMPLETE, results="电路开通，测试正常", test_results="误码率 0")

    empty = SignatureInput("张三", (), b"")
    with pytest.raises(KamdeskError) as unsigned:
        service.accept(am, order.order_id, empty, 5, order.seq)
    assert unsigned.value.code == "workorder.signature_empty"
    clock.advance(hours=2)
    order = service.accept(am, order.order_id, _signature("张三"), 5, order.seq)
    assert order.state is State.ACCEPTED and order.signer_name == "张三"
    assert [(s.role, s.signer_name) for s in order.signatures] == [("customer", "张三")]
    act(am, Action.SIGN_OFF)
    act(clerk, Action.ARCHIVE)
    assert order.state is State.ARCHIVED

    with pytest.raises(KamdeskError) as stale:
        service.act(clerk, order.order_id, Action.ARCHIVE, {}, order.seq - 1)
    assert stale.value.code == "workorder.stale"

    detail = service.get(order.order_id)
    assert [e.action for e in detail.timeline][:3] == [Action.CREATE, Action.EDIT, Action.SUBMIT]
    assert detail.timeline[-1].action is Action.ARCHIVE and len(detail.timeline) == detail.seq
    db = branch.db()
    cached = db.execute(
        "SELECT state, return_count, satisfaction, on_time, archived_at IS NOT NULL, "
        "completion_results FROM work_orders WHERE id = ?",
        (order.order_id,),
    ).fetchone()
    assert cached == ("archived", 1, 5, 1, 1, "电路开通，测试正常")
    assert db.execute(
        "SELECT reason, handled_by IS NOT NULL, resolution FROM return_orders WHERE order_id = ?",
        (order.order_id,),
    ).fetchall() == [("resource_missing", 1, "已调配端口")]
    assert db.execute(
        "SELECT reason, ended_at IS NOT NULL FROM clock_pauses WHERE order_id = ?",
        (order.order_id,),
    ).fetchall() == [("客户机房未完工", 1)]
    assert db.execute(
        "SELECT seq, state, return_count FROM work_order_steps WHERE order_id = ? ORDER BY seq",
        (order.order_id,),
    ).fetchall() == [(1, "done", 1), (2, "done", 0)]

    printing = service.printing
    first = printing.print_pdf(order.order_id, branch.path.parent / "first.pdf")
    second = printing.print_pdf(order.order_id, branch.path.parent / "second.pdf")
    assert (first.print_number, second.print_number) == (1, 2)
    assert first.sha256 == second.sha256
    assert printing.verify_pdf(branch.path.parent / "first.pdf").matches


def test_allowed_actions_and_waiting_lists_follow_the_rules(branch: Branch) -> None:
    service = WorkOrderService(branch.engine, now=TestClock(START))
    clerk = branch.actor(Role.CLERK)
    waiting = service.list_orders(clerk, OrderQuery(scope=OrderScope.WAITING_ON_ME), limit=500)
    assert waiting and {r.state for r in waiting} <= {State.APPROVED, State.SIGNED_OFF}
    expected = (
        branch.db()
        .execute("SELECT count(*) FROM work_orders WHERE state IN ('approved', 'signed_off')")
        .fetchone()[0]
    )
    assert service.count(clerk, OrderQuery(scope=OrderScope.WAITING_ON_ME)) == expected
    for row in waiting:
        assert {c.action for c in service.allowed_actions(clerk, row.order_id)} & {
            Action.ISSUE,
            Action.ARCHIVE,
        }
    am = branch.actor(Role.AM)
    mine = service.list_orders(am, OrderQuery(scope=OrderScope.MINE), limit=500)
    owned = (
        branch.db()
        .execute("SELECT count(*) FROM work_orders WHERE owner_id = ?", (am.staff_id,))
        .fetchone()[0]
    )
    assert len(mine) == owned
    for row in service.list_orders(am, OrderQuery(scope=OrderScope.WAITING_ON_ME), limit=500):
        assert row.state in (State.DRAFT, State.COMPLETED, State.ACCEPTED)
        assert service.allowed_actions(am, row.order_id)


def test_lists_page_sort_filter_and_search_in_sql(branch: Branch) -> None:
    service = WorkOrderService(branch.engine, now=TestClock(START))
    db = branch.db()
    total = db.execute("SELECT count(*) FROM work_orders").fetchone()[0]
    query = OrderQuery(sort=OrderSort.ORDER_NO, descending=False)
    assert service.count(None, query) == total
    first, second = service.page_ids(None, query, 0, 10), service.page_ids(None, query, 10, 10)
    numbers = [r.order_no for r in service.rows(first + second)]
    assert numbers == [r[0] for r in db.execute("SELECT order_no FROM work_orders ORDER BY 1")][:20]
    assert [r.order_id for r in service.rows(list(reversed(first)))] == list(reversed(first))

    archived = OrderQuery(states=(State.ARCHIVED,))
    rows = service.list_orders(None, archived, limit=1000)
    assert rows and all(r.state is State.ARCHIVED for r in rows)
    assert (
        len(rows)
        == db.execute("SELECT count(*) FROM work_orders WHERE state = 'archived'").fetchone()[0]
    )

    order_no, name = db.execute(
        "SELECT o.order_no, c.name FROM work_orders o JOIN customers c ON c.id = o.customer_id "
        "ORDER BY o.order_no LIMIT 1"
    ).fetchone()
    assert [r.order_no for r in service.list_orders(None, OrderQuery(text=order_no))] == [order_no]
    by_name = service.list_orders(None, OrderQuery(text=name[2:6]), limit=1000)
    assert order_no in {r.order_no for r in by_name}
    assert all(name[2:6] in r.customer_name for r in by_name)


def test_deadline_lists_show_open_orders_near_or_past_due(branch: Branch) -> None:
    db = branch.db()
    open_clock = "state IN ('issued', 'confirmed', 'dispatched', 'completed')"
    due = db.execute(
        f"SELECT due_at FROM work_orders WHERE {open_clock} AND due_at IS NOT NULL "
        "ORDER BY due_at LIMIT 1"
    ).fetchone()
    assert due is not None, "the demo has open orders with a running clock"
    due_at = datetime.fromisoformat(due[0] + "+00:00")  # stored as UTC
    soon = WorkOrderService(branch.engine, now=TestClock(due_at - timedelta(hours=2)))
    rows = soon.list_orders(None, OrderQuery(scope=OrderScope.DUE_SOON), limit=1000)
    assert rows and all(r.sla_status is SlaStatus.DUE_WITHIN_24H for r in rows)
    late = WorkOrderService(branch.engine, now=TestClock(due_at + timedelta(hours=1)))
    overdue = late.list_orders(None, OrderQuery(scope=OrderScope.OVERDUE), limit=1000)
    assert overdue and all(r.sla_status is SlaStatus.OVERDUE for r in overdue)
    assert {r.order_id for r in rows} & {r.order_id for r in overdue}


def test_attachments_are_stored_once_and_listed(branch: Branch) -> None:
    service = Services(branch.engine).work_orders
    am = branch.actor(Role.AM)
    (order_id,) = (
        branch.db()
        .execute(
            "SELECT id FROM work_orders WHERE owner_id = ? "
            "AND state NOT IN ('archived', 'cancelled') ORDER BY id LIMIT 1",
            (am.staff_id,),
        )
        .fetchone()
    )
    scan = b"%PDF-1.4 scanned acceptance form" * 100
    first = service.add_attachment(am, order_id, "签收单.pdf", scan)
    again = service.add_attachment(am, order_id, "签收单.pdf", scan)
    other = service.add_attachment(am, order_id, "签收单-副本.pdf", scan)
    assert again == first and other.sha256 == first.sha256 != other.attachment_id
    assert first.size == len(scan) and first.mime == "application/pdf"
    assert branch.db().execute(
        "SELECT count(*) FROM blobs WHERE sha256 = ?", (first.sha256,)
    ).fetchone() == (1,)
    listed = service.get(order_id).attachments
    assert [a.filename for a in listed] == ["签收单-副本.pdf", "签收单.pdf"]
    assert service.attachment_data(first.sha256) == scan
    with pytest.raises(KamdeskError) as empty:
        service.add_attachment(am, order_id, "空.txt", b"")
    assert empty.value.code == "workorder.attachment_empty"
    service.remove_attachment(am, other.attachment_id)
    assert [a.filename for a in service.get(order_id).attachments] == ["签收单.pdf"]
