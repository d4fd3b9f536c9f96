"""Incentive schedule (seed 000 p.26): hand-computed amounts and the steps behind them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamdesk.domain.incentive import (
    DEFAULT_INCENTIVE_SCHEDULE,
    CommissionBase,
    IncentiveBand,
    IncentiveSchedule,
    SalesSchedule,
    describe_step,
    sales_incentive,
    support_incentive,
)
from kamdesk.errors import KamdeskError

D = Decimal
A = D("100000")  # historical average revenue, CNY
C = D("2")  # 2 CNY per 100 CNY → A·C = 2000 CNY


@pytest.mark.parametrize(
    ("revenue", "amount", "band"),
    [
        ("0", "0.00", IncentiveBand.BELOW_FLOOR),
        ("79999.99", "0.00", IncentiveBand.BELOW_FLOOR),
        ("80000", "160.00", IncentiveBand.BAND),  # 0.08 × 2000
        ("100000", "280.00", IncentiveBand.BAND),  # 160 + 0.12 × 20000 × 0.02 / 0.4
        ("120000", "400.00", IncentiveBand.BAND),  # 0.2 × 2000
        ("120000.01", "400.00", IncentiveBand.ABOVE_CAP),  # continuous at the cap
        ("150000", "1000.00", IncentiveBand.ABOVE_CAP),  # 400 + 30000 × 0.02
        ("1000000", "18000.00", IncentiveBand.ABOVE_CAP),  # 400 + 880000 × 0.02: no cap
    ],
)
def test_sales_schedule_of_the_seed(revenue: str, amount: str, band: IncentiveBand):
    result = sales_incentive(D(revenue), A, C)
    assert (result.amount, result.band) == (D(amount), band)


def test_sales_bonus_with_awkward_figures_is_exact_then_rounded_once():
    # A = 30000, C = 1.5 → A·C = 450; band 24000..36000
    # 0.08 × 450 + 0.12 × (31234.56 − 24000) × 0.015 / 0.4 = 36 + 32.55552 = 68.55552
    assert sales_incentive(D("31234.56"), D("30000"), D("1.5")).amount == D("68.56")


def test_commission_on_total_revenue_is_the_other_reading():
    schedule = IncentiveSchedule(sales=SalesSchedule(commission_on=CommissionBase.TOTAL))
    assert sales_incentive(D("150000"), A, C, schedule).amount == D("3000.00")
    assert sales_incentive(D("120000"), A, C, schedule).amount == D("400.00")


def test_sales_steps_explain_the_figure(english: None):
    result = sales_incentive(D("100000"), A, C)
    assert [describe_step(s) for s in result.steps] == [
        "Revenue R = 100000 CNY; historical average A = 100000 CNY; "
        "commission C = 2 CNY per 100 CNY",
        "Attainment R / A = 100.00%",
        "A·C = A × C / 100 = 100000 × 2 / 100 = 2000.00 CNY",
        "R lies between 0.8 × A = 80000.00 CNY and 1.2 × A = 120000.00 CNY: "
        "bonus = 0.08 × A·C + (0.2 − 0.08) × (R − 80000.00) × C / 100 / (1.2 − 0.8) "
        "= 280.00 CNY",
        "Amount: 280.00 CNY (rounded to the fen)",
    ]
    above = sales_incentive(D("150000"), A, C)
    assert describe_step(above.steps[3]) == (
        "R is above 1.2 × A = 120000.00 CNY: 0.2 × A·C = 400.00 CNY plus commission "
        "1 × C / 100 on R − 120000.00 = 30000.00 CNY, i.e. 600.00 CNY; total 1000.00 CNY"
    )
    below = sales_incentive(D("1000"), A, C)
    assert describe_step(below.steps[3]) == "R is below 0.8 × A = 80000.00 CNY: no bonus"


@pytest.mark.parametrize(
    ("completion", "amount", "band"),
    [
        ("0.5", "1600.00", IncentiveBand.BELOW_FLOOR),
        ("0.8", "1600.00", IncentiveBand.BAND),
        ("0.95", "1900.00", IncentiveBand.BAND),
        ("1.2", "2400.00", IncentiveBand.BAND),
        ("1.35", "2400.00", IncentiveBand.ABOVE_CAP),
    ],
)
def test_support_quota_scaled_by_completion(completion: str, amount: str, band: IncentiveBand):
    result = support_incentive(D("2000"), D(completion))
    assert (result.amount, result.band) == (D(amount), band)


def test_support_schedule_may_pay_nothing_below_the_floor(english: None):
    schedule = IncentiveSchedule.from_dict({"support": {"below_floor": "zero"}})
    result = support_incentive(D("2000"), D("0.79"), schedule)
    assert result.amount == D("0.00")
    assert describe_step(result.steps[1]) == "Completion is below 80.00%: no performance pay"
    assert support_incentive(D("2000"), D("0.8"), schedule).amount == D("1600.00")


def test_support_steps(english: None):
    result = support_incentive(D("1500"), D("1.3"))
    assert [describe_step(s) for s in result.steps] == [
        "Performance-pay quota B = 1500 CNY; target completion 130.00%",
        "Completion counted as 120.00% (the schedule keeps it between 80.00% and 120.00%)",
        "Pay = B × 1.2 = 1500 × 1.2 = 1800.00 CNY",
        "Amount: 1800.00 CNY (rounded to the fen)",
    ]


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: sales_incentive(D("1"), D("0"), C), "incentive.no_history"),
        (lambda: sales_incentive(D("-1"), A, C), "incentive.negative_revenue"),
        (lambda: sales_incentive(D("1"), A, D("-0.5")), "incentive.negative_rate"),
        (lambda: support_incentive(D("-1"), D("1")), "incentive.negative_quota"),
        (lambda: support_incentive(D("1"), D("-1")), "incentive.negative_completion"),
    ],
)
def test_impossible_inputs_are_refused(call: Any, code: str):
    with pytest.raises(KamdeskError) as caught:
        call()
    assert caught.value.code == code


def test_schedule_is_data():
    assert IncentiveSchedule.from_dict(DEFAULT_INCENTIVE_SCHEDULE) == IncentiveSchedule()
    custom = IncentiveSchedule.from_dict(
        {"sales": {"bonus_at_cap": "0.3", "commission_factor": 1.5}, "support": {"cap": "1.5"}}
    )
    assert IncentiveSchedule.from_dict(custom.to_dict()) == custom
    # 0.08 × 2000 + 0.22 × 40000 × 0.02 / 0.4 = 160 + 440 = 600 at the cap
    assert sales_incentive(D("120000"), A, C, custom).amount == D("600.00")
    # 600 + 1.5 × 10000 × 0.02 = 900
    assert sales_incentive(D("130000"), A, C, custom).amount == D("900.00")
    assert support_incentive(D("1000"), D("1.4"), custom).amount == D("1400.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sales": {"floor_ratio": "1.2", "cap_ratio": "0.8"}}, "sales.floor_ratio/cap_ratio"),
        ({"sales": {"bonus_at_floor": "0.5"}}, "sales.bonus_at_floor/bonus_at_cap"),
        ({"sales": {"commission_on": "gross"}}, "sales.commission_on"),
        ({"sales": {"cap_ratio": "lots"}}, "sales.cap_ratio"),
        ({"support": {"floor": "NaN"}}, "support.floor"),
        ({"support": {"below_floor": "never"}}, "support.below_floor"),
        ({"support": []}, "support"),
    ],
)
def test_bad_schedules_name_the_field(data: dict[str, Any], field: str):
    with pytest.raises(KamdeskError) as caught:
        IncentiveSchedule.from_dict(data)
    assert caught.value.code == "incentive.schedule_invalid"
    assert caught.value.params["field"] == field


@given(
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.decimals(min_value=1, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=20, places=2),
)
def test_more_revenue_never_pays_less(r1: Decimal, r2: Decimal, a: Decimal, c: Decimal):
    low, high = sorted((r1, r2))
    first, second = sales_incentive(low, a, c), sales_incentive(high, a, c)
    assert D(0) <= first.amount <= second.amount
    assert first.steps[-1].params["amount"] == first.amount
