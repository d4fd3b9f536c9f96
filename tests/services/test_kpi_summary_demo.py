"""On a generated demo (bulk-loaded, so the summary comes from the generator's final
rebuild) every whole-month period gives the raw engine's figures exactly, before and
after edits through the ORM."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, WorkOrder
from kamdesk.db.startup import open_database
from kamdesk.domain.kpi import Dimension, parse_period
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.kpi import KpiService
from tests.services.test_kpi_summary import DIMS, assert_same

PERIODS = ("2025-12", "2026-06", "2026-10", "2026-11", "2026-Q3", "2026")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_database(tmp_path_factory.mktemp("kpi-demo") / "demo.sqlite")
    generate_demo(engine, DemoSpec(accounts=150, orders=1_500, seed=11))
    yield engine
    engine.dispose()


def _compare(engine: Engine) -> None:
    raw, fast = KpiService(engine, use_summary=False), KpiService(engine)
    for text_period in PERIODS:
        period = parse_period(text_period)
        assert_same(raw.pack(period, DIMS, with_previous=True, actor=None),
                    fast.pack(period, DIMS, with_previous=True, actor=None))  # fmt: skip


def test_demo_summary_equals_the_raw_engine(engine: Engine) -> None:
    figures = KpiService(engine).pack(parse_period("2026-10"), (), actor=None).total.figures
    assert figures["K01"].denominator > 0 and figures["K15"].denominator > 0
    _compare(engine)


def test_demo_edits_keep_the_summary_exact(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        orders = s.scalars(
            select(WorkOrder).where(WorkOrder.accepted_at.is_not(None)).limit(40)
        ).all()
        for i, order in enumerate(orders):
            assert order.accepted_at is not None
            order.accepted_at -= timedelta(days=20 * (i % 3))
            order.satisfaction = 1 + i % 5
        groups = s.scalars(select(Customer.industry_group_id).distinct()).all()
        for i, account in enumerate(s.scalars(select(Customer).limit(15))):
            account.industry_group_id = groups[i % len(groups)]
    _compare(engine)
    pack = KpiService(engine).pack(parse_period("2026-10"), (Dimension.AM,), actor=None)
    assert pack.rows[Dimension.AM]
