"""The KPI fixture of October 2026 (tests/services/kpi_fixture.py) plus what the monthly
evaluation sheets need: people of every kind, their targets, incentive schedules.

Incentive for October 2026, computed by hand (schedule version 1: the seed's figures
with C = 2.5 CNY per 100 CNY by default; version 2 starts in November, version 3 is
deleted — neither applies):

- 张敏 am1, sales, A = 10,000 and C = 2 set by HQ, R = 11,000 (110 % of A, in the band):
  A·C = 200; 0.08 × 200 + (0.2 − 0.08) × (11,000 − 8,000) × 2 / 100 / 0.4 = 16 + 18
  = **34.00**.
- 李强 am2, sales, hired 2026-08-01: A = revenue of Aug–Sep (5,000) / 2 = 2,500,
  C = 2.5 (schedule), R = 5,000 (above 1.2A = 3,000): 0.2 × 62.5 + (5,000 − 3,000) ×
  2.5 / 100 = 12.5 + 50 = **62.50**.
- 赵六 am3, sales, A = 5,000 set by HQ, R = 0 (below 0.8A): **0.00**.
- 孙七 am4, support, B = 3,000, revenue 6,000 of target 4,000 (150 %, counted as the
  schedule's 120 %): 3,000 × 1.2 = **3,600.00**.
- 周八 am5, sales, no A set and no revenue in the 12 months: **no amount**.

KPI targets (ratio, in the KPI's unit): am1 K01 0.9 (value 100 %: met), K02 5 days
(value 5.06: not met), K07 0.05 (0 %: met), K12 4.5 (4.67: met), K14 implicit 100 %
(110 %: met) → 4 of 5; am2 K01 0.9 (50 %: not met), K08 1.0 (no value), K14 100 %
(62.5 %: not met) → 0 of 3.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, IncentiveScheduleSet, RevenueMonth, Staff, Target
from kamdesk.services.actor import Actor
from tests.services.kpi_fixture import Built, at, build

OCTOBER_FIRST = date(2026, 10, 1)
EXPECTED_AMOUNTS: dict[str, Decimal | None] = {
    "am1": Decimal("34.00"),
    "am2": Decimal("62.50"),
    "am3": Decimal("0.00"),
    "am4": Decimal("3600.00"),
    "am5": None,
}
PUBLISHED = datetime(2026, 1, 1, tzinfo=UTC)


def build_evaluation(path: Path) -> Built:
    b = build(path)
    branch, g1, g2 = b.ids["branch"], b.ids["g1"], b.ids["g2"]
    with Session(b.engine) as s, s.begin():
        am2 = s.get(Staff, b.ids["am2"])
        assert am2 is not None
        am2.hired_on = date(2026, 8, 1)

        def staff(login: str, name: str, role: str, group: str | None = None, **kw: object) -> None:
            person = Staff(branch_id=branch, login=login, name=name, role=role,
                           industry_group_id=group, **kw)  # fmt: skip
            s.add(person)
            s.flush()
            b.ids[login] = person.id

        staff("boss", "王总", "leader")
        staff("im2", "钱经理", "industry_manager", g2)
        staff("clerk1", "文书", "clerk")
        staff("am3", "赵六", "am", g1)
        staff("am4", "孙七", "am", g2)
        staff("am5", "周八", "am", g1, hired_on=date(2026, 9, 10))
        staff("gone", "离职者", "am", g1, active=False)

        customer = Customer(
            branch_id=branch, name="客户E", credit_code="91330100MA2B3C4D5E",
            industry_group_id=g2, category="enterprise", level="local", grade="B",
            owner_id=b.ids["am4"], opened_at=at(1, 1, y=2025), status="active",
        )  # fmt: skip
        s.add(customer)
        s.flush()
        b.ids["cE"] = customer.id
        s.add(RevenueMonth(customer_id=customer.id, product_id=b.ids["p1"],
                           month=OCTOBER_FIRST, amount=Decimal(6000)))  # fmt: skip

        def target(login: str, metric: str, *, amount: str | None = None,
                   ratio: float | None = None) -> None:  # fmt: skip
            s.add(Target(branch_id=branch, scope="am", scope_id=b.ids[login], metric=metric,
                         month=OCTOBER_FIRST, amount=None if amount is None else Decimal(amount),
                         ratio=ratio))  # fmt: skip

        target("am1", "incentive_base", amount="10000")
        target("am1", "commission_per_100", amount="2")
        for code, value in (("K01", 0.9), ("K02", 5.0), ("K07", 0.05), ("K12", 4.5)):
            target("am1", code, ratio=value)
        target("am2", "K01", ratio=0.9)
        target("am2", "K08", ratio=1.0)
        target("am3", "incentive_base", amount="5000")
        target("am4", "performance_quota", amount="3000")
        target("am4", "revenue", amount="4000")
        # Another month's target must not count.
        s.add(Target(branch_id=branch, scope="am", scope_id=b.ids["am5"], metric="incentive_base",
                     month=date(2026, 9, 1), amount=Decimal(999)))  # fmt: skip

        def schedule(version: int, effective: date, rate: str, deleted: bool = False) -> None:
            s.add(IncentiveScheduleSet(
                version=version, effective_from=effective, published_at=PUBLISHED,
                schedule={"sales": {"commission_per_100": rate}},
                deleted_at=PUBLISHED if deleted else None,
            ))  # fmt: skip

        schedule(1, date(2026, 1, 1), "2.5")
        schedule(2, date(2026, 11, 1), "9")
        schedule(3, date(2026, 1, 1), "7", deleted=True)
    return b


def actor(b: Built, login: str, role: str, group: str | None = None) -> Actor:
    return Actor(b.ids[login], login, role, b.ids["branch"], group and b.ids[group])
