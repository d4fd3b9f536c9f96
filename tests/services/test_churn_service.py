"""Churn warnings read from the customer file: signals, scope, cache, and SQL that does
not grow with the number of accounts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from kamdesk.db.models import Agreement, CompetitorNote, Complaint, Customer, Visit
from kamdesk.db.startup import open_database
from kamdesk.domain.customers.churn import ChurnRisk, ChurnSignal
from kamdesk.services.churn import ChurnService, refresh_churn
from kamdesk.services.demo import DEFAULT_NOW, DemoSpec, generate_demo
from kamdesk.services.reason_json import reasons_to_json
from kamdesk.services.uow import read_session, write_session
from tests.services.desk_support import NOW, Desk, add_account, make_desk


@pytest.fixture()
def desk(tmp_path: Path) -> Desk:
    return make_desk(tmp_path)


def _complaint(desk: Desk, customer_id: str, deadline_days: int) -> str:
    with write_session(desk.engine) as s:
        row = Complaint(
            customer_id=customer_id,
            received_at=NOW - timedelta(days=5),
            category="quality",
            description="专线频繁中断",
            deadline_at=NOW + timedelta(days=deadline_days),
        )
        s.add(row)
        s.flush()
        return row.id


def test_each_signal_adds_its_weight_with_a_reason(desk: Desk) -> None:
    customer_id = add_account(
        desk,
        "杭州银行",
        owner=desk.am,
        monthly_bills=(10_000, 9_000, 8_000, 6_000),  # -40 % in three months
        last_visit=NOW - timedelta(days=20),
    )
    _complaint(desk, customer_id, deadline_days=-1)
    with write_session(desk.engine) as s:
        s.add(
            Agreement(
                customer_id=customer_id,
                number="XY-1",
                title="专线协议",
                signed_on=date(2024, 1, 10),
                starts_on=date(2024, 2, 1),
                ends_on=date(2026, 12, 31),
                total_value=Decimal("100000"),
            )
        )
        s.add(
            CompetitorNote(
                customer_id=customer_id, noted_at=NOW - timedelta(days=3), competitor="移动"
            )
        )
    outcome = ChurnService(desk.engine).assess(customer_id, NOW)
    assert outcome is not None
    assert outcome.signals == (
        ChurnSignal.REVENUE_DROP,
        ChurnSignal.OVERDUE_COMPLAINT,
        ChurnSignal.AGREEMENT_ENDING,
        ChurnSignal.COMPETITOR_ACTIVITY,
    )
    assert (outcome.score, outcome.risk) == (95, ChurnRisk.HIGH)
    drop = outcome.reasons[0]
    assert (drop.params["before"], drop.params["latest"]) == (
        Decimal("10000.00"),
        Decimal("6000.00"),
    )
    assert outcome.reasons[2].params["days"] == 41


def test_closing_the_complaint_and_visiting_remove_their_signals(desk: Desk) -> None:
    customer_id = add_account(
        desk, "杭州银行", owner=desk.am, grade="A", last_visit=NOW - timedelta(days=61)
    )
    complaint_id = _complaint(desk, customer_id, deadline_days=-2)
    service = ChurnService(desk.engine)
    before = service.assess(customer_id, NOW)
    assert before is not None
    assert before.signals == (ChurnSignal.OVERDUE_COMPLAINT, ChurnSignal.VISIT_LAPSED)
    assert before.reasons[1].params == {"days": 61, "grade": "A", "interval": 30}
    with write_session(desk.engine) as s:
        complaint = s.get(Complaint, complaint_id)
        assert complaint is not None
        complaint.closed_at = NOW - timedelta(hours=1)
    with write_session(desk.engine) as s:
        s.add(Visit(customer_id=customer_id, status="done", done_at=NOW - timedelta(days=1)))
    after = service.assess(customer_id, NOW)
    assert after is not None and (after.score, after.signals) == (0, ())


def test_warnings_cover_the_actors_accounts_only(desk: Desk) -> None:
    mine = add_account(desk, "我的客户", owner=desk.am)
    colleague = add_account(desk, "同组客户", owner=desk.other_am)
    other_group = add_account(desk, "IT客户", owner=desk.it_am, group="it")
    for customer_id in (mine, colleague, other_group):
        _complaint(desk, customer_id, deadline_days=-1)
    service = ChurnService(desk.engine)
    # one overdue complaint (25) and no visit since opening (15): medium risk
    assert [w.customer_id for w in service.warnings(desk.am, NOW)] == [mine]
    assert {w.customer_id for w in service.warnings(desk.manager, NOW)} == {mine, colleague}
    assert len(service.warnings(desk.leader, NOW)) == 3
    assert service.warnings(desk.clerk, NOW) == ()
    assert service.warnings(desk.am, NOW, minimum=ChurnRisk.HIGH) == ()


@pytest.fixture()
def statements(desk: Desk) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(desk.engine, "before_cursor_execute", record)
    yield seen
    event.remove(desk.engine, "before_cursor_execute", record)


def test_many_accounts_cost_the_same_number_of_queries_as_one(
    desk: Desk, statements: list[str]
) -> None:
    ids = [
        add_account(desk, f"客户{i}", owner=desk.am, monthly_bills=(5_000,) * 4) for i in range(60)
    ]
    service = ChurnService(desk.engine)
    statements.clear()
    service.assess_many(ids[:1], NOW)
    one = len(statements)
    statements.clear()
    outcomes = service.assess_many(ids, NOW)
    assert len(statements) == one
    assert set(outcomes) == set(ids)


def test_refresh_stores_the_score_the_list_reads(desk: Desk) -> None:
    customer_id = add_account(desk, "杭州银行", owner=desk.am)
    _complaint(desk, customer_id, deadline_days=-1)
    with write_session(desk.engine) as s:
        outcome = refresh_churn(s, customer_id, NOW)
    assert outcome is not None
    with read_session(desk.engine) as s:
        customer = s.get(Customer, customer_id)
        assert customer is not None
        assert customer.churn_score == outcome.score == 40
        assert customer.churn_reasons == reasons_to_json(outcome.reasons)
    assert ChurnService(desk.engine).refresh_all(at=NOW) == 0


def test_live_scores_agree_with_the_demo_database(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=200, orders=200, seed=11))
    rows = sqlite3.connect(path).execute(
        "SELECT id, churn_score, churn_reasons FROM customers WHERE status = 'active'"
    )
    stored = {id_: (score, json.loads(reasons)) for id_, score, reasons in rows}
    service = ChurnService(engine)
    live = service.assess_many(stored, DEFAULT_NOW)
    assert {i: (o.score, reasons_to_json(o.reasons)) for i, o in live.items()} == stored
    assert any(score >= 30 for score, _ in stored.values())
    assert service.refresh_all(at=DEFAULT_NOW) == 0
    engine.dispose()
