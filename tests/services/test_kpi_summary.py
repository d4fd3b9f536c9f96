"""The summary table gives exactly the raw engine's figures: after a rebuild, and
after every kind of change made through the ORM (the session hooks keep it in step
in the same transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    CalendarOverride,
    Complaint,
    Customer,
    RevenueMonth,
    Target,
    Visit,
    WorkOrder,
    WorkOrderStep,
)
from kamdesk.domain.ids import uuid7
from kamdesk.domain.kpi import Dimension, KpiPack, Period, parse_period
from kamdesk.services.kpi import KpiService, summary
from kamdesk.services.kpi.summary_read import usable
from tests.services.kpi_fixture import Built, at, build

DIMS = tuple(d for d in Dimension if d is not Dimension.TOTAL)
PERIODS = ("2026-10", "2026-09", "2026-11", "2026-Q4", "2026")


def assert_same(raw: KpiPack, fast: KpiPack) -> None:
    """Every figure of every row equal, value for value (no tolerance)."""
    assert fast.total.figures == raw.total.figures
    assert (fast.previous_total and fast.previous_total.figures) == (
        raw.previous_total and raw.previous_total.figures
    )
    for dim in raw.rows:
        assert [(r.key, r.figures) for r in fast.rows[dim]] == [
            (r.key, r.figures) for r in raw.rows[dim]
        ], dim


def assert_summary_matches(built: Built, periods: tuple[str, ...] = PERIODS) -> None:
    raw, fast = KpiService(built.engine, use_summary=False), KpiService(built.engine)
    for text_period in periods:
        period = parse_period(text_period)
        with Session(built.engine) as s:
            assert usable(s, period), text_period
        assert_same(raw.pack(period, DIMS, with_previous=True, actor=None),
                    fast.pack(period, DIMS, with_previous=True, actor=None))  # fmt: skip


@pytest.fixture
def built(tmp_path) -> Iterator[Built]:
    b = build(tmp_path / "kpi.sqlite")
    KpiService(b.engine).rebuild_summary()
    yield b
    b.engine.dispose()


def test_rebuilt_summary_equals_the_raw_engine(built: Built) -> None:
    assert_summary_matches(built)
    october = KpiService(built.engine).pack(parse_period("2026-10"), (), actor=None).total.figures
    assert october["K01"].value == pytest.approx(0.8)


def test_summing_on_two_readers_equals_summing_in_the_transaction(built: Built) -> None:
    def stored() -> list[tuple[object, ...]]:
        with built.engine.connect() as c:
            return sorted(tuple(r) for r in c.execute(text("SELECT * FROM kpi_month_sums")))

    on_readers = stored()  # the fixture's rebuild counted on read connections
    with Session(built.engine) as s, s.begin():
        summary.rebuild(s)  # every family in this transaction
    assert on_readers and stored() == on_readers


def test_custom_ranges_are_computed_from_the_raw_rows(built: Built) -> None:
    with Session(built.engine) as s:
        assert not usable(s, parse_period("2026-10-01..2026-10-15"))
        s.execute(text("DELETE FROM kpi_summary_state"))
        s.commit()
        assert not usable(s, parse_period("2026-10"))


def _edit(built: Built, change) -> None:  # type: ignore[no-untyped-def]
    with Session(built.engine) as s, s.begin():
        change(s)


def test_order_changes_keep_the_summary_exact(built: Built) -> None:
    def accept_late_and_rework(s: Session) -> None:
        order = s.scalars(select(WorkOrder).where(WorkOrder.accepted_at.is_not(None))).first()
        assert order is not None
        order.accepted_at = at(11, 3, 10)  # moves from October to November
        order.return_count += 1
        order.satisfaction = 2

    _edit(built, accept_late_and_rework)
    assert_summary_matches(built)

    def tombstone_order_and_finish_a_step(s: Session) -> None:
        orders = s.scalars(select(WorkOrder).order_by(WorkOrder.order_no)).all()
        orders[-1].deleted_at = at(10, 20)
        step = s.scalars(select(WorkOrderStep).where(WorkOrderStep.done_at.is_(None))).first()
        if step is not None:
            step.done_at = at(10, 21, 9)

    _edit(built, tombstone_order_and_finish_a_step)
    assert_summary_matches(built)


def test_account_changes_reattribute_every_row(built: Built) -> None:
    def move_group_and_owner(s: Session) -> None:
        accounts = s.scalars(select(Customer).order_by(Customer.name)).all()
        first, second = accounts[0], accounts[1]
        first.industry_group_id, second.industry_group_id = (
            second.industry_group_id, first.industry_group_id,
        )  # fmt: skip
        first.owner_id = second.owner_id
        second.left_at = at(10, 18, 12)
        first.grade = "C" if first.grade != "C" else "A"

    _edit(built, move_group_and_owner)
    assert_summary_matches(built)


def test_new_rows_of_every_kind_are_counted(built: Built) -> None:
    def add_rows(s: Session) -> None:
        account = s.scalars(select(Customer).order_by(Customer.name)).first()
        assert account is not None
        s.add(Visit(id=uuid7(), customer_id=account.id, owner_id=account.owner_id,
                    status="done", done_at=at(10, 30, 15)))  # fmt: skip
        s.add(Complaint(id=uuid7(), customer_id=account.id, received_at=at(10, 9, 8),
                        category="billing", description="x", deadline_at=at(10, 12),
                        closed_at=at(10, 11), status="closed"))  # fmt: skip
        product = s.scalars(select(RevenueMonth.product_id)).first()
        s.add(RevenueMonth(id=uuid7(), customer_id=account.id, product_id=product,
                           month=date(2026, 9, 1), amount=Decimal("1234.56")))  # fmt: skip
        target = s.scalars(select(Target)).first()
        if target is not None:
            target.amount = (target.amount or Decimal(0)) + Decimal("100.00")

    _edit(built, add_rows)
    assert_summary_matches(built)


def test_a_calendar_change_recounts_confirmations(built: Built) -> None:
    fast = KpiService(built.engine)
    before = fast.pack(parse_period("2026-10"), (), actor=None).total.figures["K03b"]

    def work_on_sunday(s: Session) -> None:  # o3 (Fri 12:00 → Mon 12:00) turns late
        s.add(CalendarOverride(id=uuid7(), day=date(2026, 10, 11), is_working=True, name="t"))

    _edit(built, work_on_sunday)
    after = fast.pack(parse_period("2026-10"), (), actor=None).total.figures["K03b"]
    assert after.numerator < before.numerator
    assert_summary_matches(built, ("2026-10",))


def test_a_failed_transaction_leaves_the_summary_as_it_was(built: Built) -> None:
    before = KpiService(built.engine).pack(parse_period("2026-10"), DIMS, actor=None)
    with pytest.raises(RuntimeError), Session(built.engine) as s, s.begin():
        order = s.scalars(select(WorkOrder).where(WorkOrder.accepted_at.is_not(None))).first()
        assert order is not None
        order.accepted_at = None
        s.flush()
        raise RuntimeError("abandon")
    assert_same(before, KpiService(built.engine).pack(parse_period("2026-10"), DIMS, actor=None))
    assert_summary_matches(built, ("2026-10",))


def test_period_outside_the_state_range_falls_back(built: Built) -> None:
    with Session(built.engine) as s:
        assert not usable(s, Period(date(1999, 1, 1), date(1999, 1, 31), "month"))
