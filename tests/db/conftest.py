"""A few real rows for the database tests (the fresh database per test, opened the way
the app opens it, is the suite-wide ``engine`` fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from kamdesk.db.models import (
    AuditEntry,
    Branch,
    Customer,
    Product,
    Staff,
    WorkOrder,
    WorkOrderEvent,
)

OPENED = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Sample:
    branch_id: str
    customer_id: str
    order_id: str
    event_id: str
    audit_seq: int


def add_sample(session: Session, *, customers: int = 1) -> Sample:
    """Branch, staff, product, ``customers`` accounts, an order with its event, an audit entry."""
    branch = Branch(code="HZ", name="杭州分公司")
    am = Staff(login="wangfang", name="王芳", role="account_manager")
    session.add(branch)
    session.flush()
    am.branch_id = branch.id
    product = Product(
        code="DDN",
        name="DDN数字电路",
        family="circuit",
        promised_days=5,
        monthly_fee=Decimal("12345.67"),
    )
    session.add_all([am, product])
    session.flush()
    accounts = [
        Customer(
            branch_id=branch.id,
            name=f"杭州客户{i:04d}",
            credit_code="11330100MB1234567E",
            category="government",
            level="provincial",
            grade="A",
            owner_id=am.id,
            opened_at=OPENED,
            monthly_spend=Decimal(i) + Decimal("0.01"),
        )
        for i in range(customers)
    ]
    session.add_all(accounts)
    session.flush()
    order = WorkOrder(
        branch_id=branch.id,
        order_no="GD0001",
        customer_id=accounts[0].id,
        product_id=product.id,
        owner_id=am.id,
        state="submitted",
        promised_days=5,
        value=Decimal("999.99"),
    )
    session.add(order)
    session.flush()
    event = WorkOrderEvent(
        order_id=order.id,
        seq=1,
        action="submit",
        to_state="submitted",
        actor_id=am.id,
        actor_role="account_manager",
        at=OPENED,
    )
    audit = AuditEntry(
        at=OPENED,
        action="work_order.submit",
        entity="work_orders",
        entity_id=order.id,
        prev_mac="0" * 64,
        mac="a" * 64,
    )
    session.add_all([event, audit])
    session.flush()
    return Sample(branch.id, accounts[0].id, order.id, event.id, audit.seq)
