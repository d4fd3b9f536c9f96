"""A small branch for the grading, churn, my-day and funnel tests: staff of every
scope, industry groups, products and helpers that add accounts and their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from kamdesk.db.models import (
    Branch,
    Customer,
    IndustryGroup,
    Product,
    RevenueMonth,
    Staff,
    Visit,
)
from kamdesk.db.startup import open_database
from kamdesk.domain.clock import SHANGHAI
from kamdesk.services.actor import Actor
from kamdesk.services.uow import write_session

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # a Friday
BILLED_MONTHS = (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1))
"""The three complete months before NOW."""


@dataclass(frozen=True)
class Desk:
    engine: Engine
    branch_id: str
    groups: dict[str, str]  # code → id
    products: dict[str, str]  # code → id
    am: Actor  # finance
    other_am: Actor  # finance too
    it_am: Actor
    manager: Actor  # finance industry manager
    leader: Actor
    clerk: Actor


def make_desk(tmp_path: Path) -> Desk:
    engine = open_database(tmp_path / "desk.sqlite")
    with write_session(engine) as s:
        branch = Branch(code="HZ", name="杭州分公司")
        s.add(branch)
        s.flush()
        groups = {
            code: IndustryGroup(code=code, name=name)
            for code, name in (
                ("finance", "金融"),
                ("it", "IT"),
                ("party_government_military", "党政军"),
            )
        }
        s.add_all(groups.values())
        products = {
            code: Product(code=code, name=name, family="data", promised_days=5)
            for code, name in (("DIA", "互联网专线"), ("MPLS", "MPLS VPN"))
        }
        s.add_all(products.values())
        s.flush()

        def person(login: str, name: str, role: str, group: str | None) -> Actor:
            row = Staff(
                branch_id=branch.id,
                login=login,
                name=name,
                role=role,
                industry_group_id=None if group is None else groups[group].id,
            )
            s.add(row)
            s.flush()
            return Actor(row.id, name, role, branch.id, row.industry_group_id)

        desk = Desk(
            engine=engine,
            branch_id=branch.id,
            groups={code: g.id for code, g in groups.items()},
            products={code: p.id for code, p in products.items()},
            am=person("am1", "王芳", "am", "finance"),
            other_am=person("am2", "赵磊", "am", "finance"),
            it_am=person("am3", "钱进", "am", "it"),
            manager=person("mgr", "孙丽", "industry_manager", "finance"),
            leader=person("boss", "李强", "leader", None),
            clerk=person("clerk", "周文", "clerk", None),
        )
    return desk


def add_account(
    desk: Desk,
    name: str,
    *,
    owner: Actor,
    group: str = "finance",
    grade: str = "B",
    category: str = "monthly_spend",
    opened: datetime = NOW - timedelta(days=800),
    monthly_bills: tuple[int, ...] = (),
    strategic: bool = False,
    growth: int = 3,
    last_visit: datetime | None = None,
) -> str:
    """An open account; ``monthly_bills`` in whole CNY for the months ending with
    October 2026 (oldest first); ``last_visit`` adds a done visit and sets the
    account's ``last_visit_at`` as recording it does."""
    with write_session(desk.engine) as s:
        customer = Customer(
            branch_id=desk.branch_id,
            name=name,
            credit_code="91330100MA27XL0Q2T",
            industry_group_id=desk.groups[group],
            category=category,
            level="local",
            grade=grade,
            owner_id=owner.staff_id,
            strategic=strategic,
            growth_potential=growth,
            opened_at=opened,
            last_visit_at=last_visit,
        )
        s.add(customer)
        s.flush()
        for back, amount in enumerate(reversed(monthly_bills)):
            month = BILLED_MONTHS[-1]
            index = month.year * 12 + month.month - 1 - back
            s.add(
                RevenueMonth(
                    customer_id=customer.id,
                    product_id=desk.products["DIA"],
                    month=date(index // 12, index % 12 + 1, 1),
                    amount=Decimal(amount),
                )
            )
        if last_visit is not None:
            s.add(Visit(customer_id=customer.id, status="done", done_at=last_visit))
        return customer.id
