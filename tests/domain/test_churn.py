"""Churn warning: each signal at its boundary, the score, the risk; visit status per grade."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.customers.churn import (
    ChurnInputs,
    ChurnRisk,
    ChurnRules,
    ChurnSignal,
    assess_churn,
)
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.reasons import describe
from kamdesk.domain.customers.visits import VisitState, visit_status
from kamdesk.errors import KamdeskError

TODAY = date(2026, 11, 20)
CALM = ChurnInputs(today=TODAY, grade=Grade.B, last_done_visit=TODAY - timedelta(days=10))


def _assess(**changes: object) -> tuple[int, ChurnRisk, tuple[ChurnSignal, ...]]:
    result = assess_churn(dataclasses.replace(CALM, **changes))  # type: ignore[arg-type]
    return result.score, result.risk, result.signals


def _money(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


def test_a_calm_account_scores_zero():
    assert _assess() == (0, ChurnRisk.LOW, ())


def test_revenue_drop_of_thirty_percent_over_three_months(english: None):
    # latest month against the month three before it: 7000 vs 10000 is exactly −30 %
    score, risk, signals = _assess(monthly_revenue=_money("10000", "9500", "8000", "7000"))
    assert (score, risk, signals) == (30, ChurnRisk.MEDIUM, (ChurnSignal.REVENUE_DROP,))
    result = assess_churn(
        dataclasses.replace(CALM, monthly_revenue=_money("10000", "1", "1", "7000"))
    )
    assert describe(result.reasons[0]) == "Revenue fell 30.0% in 3 months (10000 → 7000 CNY)"
    assert _assess(monthly_revenue=_money("10000", "9500", "8000", "7000.01"))[0] == 0
    assert _assess(monthly_revenue=_money("9500", "8000", "7000"))[0] == 0  # too short
    assert _assess(monthly_revenue=_money("0", "9500", "8000", "0"))[0] == 0  # no base
    # only the last four months matter
    assert _assess(monthly_revenue=_money("99999", "10000", "9000", "9000", "9000"))[0] == 0


def test_overdue_complaints():
    assert _assess(overdue_open_complaints=2)[2] == (ChurnSignal.OVERDUE_COMPLAINT,)
    assert _assess(overdue_open_complaints=0)[0] == 0


def test_agreement_ending_within_sixty_days_or_lapsed_recently(english: None):
    assert _assess(agreement_end=TODAY + timedelta(days=60))[0] == 20
    assert _assess(agreement_end=TODAY + timedelta(days=61))[0] == 0
    assert _assess(agreement_end=TODAY)[0] == 20
    assert _assess(agreement_end=TODAY - timedelta(days=60))[0] == 20
    assert _assess(agreement_end=TODAY - timedelta(days=61))[0] == 0
    lapsed = assess_churn(dataclasses.replace(CALM, agreement_end=date(2026, 11, 10)))
    assert describe(lapsed.reasons[0]) == (
        "The agreement ended on 2026-11-10, 10 days ago, and no renewal is recorded"
    )


def test_no_visit_past_twice_the_grade_interval(english: None):
    # grade B: 60 days, twice → 120
    assert _assess(last_done_visit=TODAY - timedelta(days=120))[0] == 0
    assert _assess(last_done_visit=TODAY - timedelta(days=121))[2] == (ChurnSignal.VISIT_LAPSED,)
    assert _assess(grade=Grade.A, last_done_visit=TODAY - timedelta(days=61))[0] == 15
    new = dataclasses.replace(CALM, last_done_visit=None, account_since=TODAY - timedelta(days=30))
    assert assess_churn(new).score == 0
    old = dataclasses.replace(new, account_since=TODAY - timedelta(days=200))
    assert describe(assess_churn(old).reasons[0]) == (
        "No visit since the account was opened 200 days ago; grade B asks for one every 60 days"
    )
    assert _assess(last_done_visit=None)[2] == (ChurnSignal.VISIT_LAPSED,)


def test_competitor_activity_within_ninety_days():
    assert _assess(last_competitor_activity=TODAY - timedelta(days=90))[0] == 20
    assert _assess(last_competitor_activity=TODAY - timedelta(days=91))[0] == 0


def test_signals_add_up_and_cap_at_one_hundred():
    everything = dict(
        monthly_revenue=_money("100", "90", "80", "10"),
        overdue_open_complaints=1,
        agreement_end=TODAY + timedelta(days=5),
        last_done_visit=TODAY - timedelta(days=365),
        last_competitor_activity=TODAY,
    )
    score, risk, signals = _assess(**everything)
    assert (score, risk) == (100, ChurnRisk.HIGH)  # 30+25+20+15+20 = 110 → 100
    assert signals == tuple(ChurnSignal)
    assert _assess(overdue_open_complaints=1, agreement_end=TODAY)[:2] == (45, ChurnRisk.MEDIUM)
    assert _assess(overdue_open_complaints=1, last_competitor_activity=TODAY, last_done_visit=None)[
        :2
    ] == (60, ChurnRisk.HIGH)
    assert _assess(last_done_visit=None)[:2] == (15, ChurnRisk.LOW)


def test_weights_and_thresholds_are_configurable():
    rules = ChurnRules(
        weights={s: 10 for s in ChurnSignal} | {ChurnSignal.VISIT_LAPSED: 50},
        medium_from=40,
        high_from=50,
        revenue_drop_ratio=Decimal("0.5"),
    )
    result = assess_churn(dataclasses.replace(CALM, last_done_visit=None), rules)
    assert (result.score, result.risk) == (50, ChurnRisk.HIGH)
    dropped = dataclasses.replace(CALM, monthly_revenue=_money("100", "1", "1", "60"))
    assert assess_churn(dropped, rules).score == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"weights": {ChurnSignal.REVENUE_DROP: 10}},
        {"revenue_drop_ratio": Decimal("1.5")},
        {"medium_from": 70, "high_from": 60},
        {"agreement_days": 0},
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object]):
    with pytest.raises(KamdeskError) as caught:
        ChurnRules(**changes)  # type: ignore[arg-type]
    assert caught.value.code == "churn.rules_invalid"


def test_datetimes_are_refused_where_a_local_date_is_meant():
    with pytest.raises(TypeError):
        assess_churn(
            dataclasses.replace(CALM, last_done_visit=datetime(2026, 11, 1, tzinfo=SHANGHAI))
        )


@given(
    st.lists(st.decimals(min_value=0, max_value=10**6, places=2), max_size=8),
    st.integers(min_value=0, max_value=5),
    st.one_of(st.none(), st.integers(min_value=-400, max_value=400)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_score_is_the_capped_sum_of_the_signals(
    revenue: list[Decimal], complaints: int, agreement: int | None, visit: int | None
):
    inputs = ChurnInputs(
        today=TODAY,
        grade=Grade.C,
        monthly_revenue=tuple(revenue),
        overdue_open_complaints=complaints,
        agreement_end=None if agreement is None else TODAY + timedelta(days=agreement),
        last_done_visit=None if visit is None else TODAY - timedelta(days=visit),
    )
    result = assess_churn(inputs)
    weights = ChurnRules().weights
    assert 0 <= result.score <= 100
    assert result.score == min(100, sum(weights[s] for s in result.signals))
    assert len(result.reasons) == len(result.signals)


@pytest.mark.parametrize(
    ("grade", "days_ago", "state", "due_in", "overdue"),
    [
        (Grade.A, 10, VisitState.OK, 20, 0),
        (Grade.A, 22, VisitState.OK, 8, 0),
        (Grade.A, 23, VisitState.DUE_SOON, 7, 0),
        (Grade.A, 30, VisitState.DUE_SOON, 0, 0),
        (Grade.A, 31, VisitState.OVERDUE, -1, 1),
        (Grade.B, 60, VisitState.DUE_SOON, 0, 0),
        (Grade.B, 75, VisitState.OVERDUE, -15, 15),
        (Grade.C, 90, VisitState.DUE_SOON, 0, 0),
        (Grade.C, 91, VisitState.OVERDUE, -1, 1),
    ],
)
def test_visit_status_by_grade_interval(
    grade: Grade, days_ago: int, state: VisitState, due_in: int, overdue: int
):
    status = visit_status(TODAY - timedelta(days=days_ago), grade, TODAY)
    assert status.state is state
    assert status.due == TODAY + timedelta(days=due_in)
    assert status.days_overdue == overdue


def test_visit_status_of_an_account_never_visited():
    unknown = visit_status(None, Grade.A, TODAY)
    assert (unknown.state, unknown.due, unknown.days_overdue) == (VisitState.OVERDUE, None, None)
    opened = visit_status(None, Grade.A, TODAY, since=TODAY - timedelta(days=5))
    assert (opened.state, opened.due) == (VisitState.OK, TODAY + timedelta(days=25))


def test_visit_intervals_are_configurable():
    status = visit_status(
        TODAY - timedelta(days=20), Grade.A, TODAY, intervals={Grade.A: 14}, due_soon_days=0
    )
    assert (status.state, status.days_overdue, status.interval_days) == (VisitState.OVERDUE, 6, 14)


def test_rules_cannot_be_changed_through_the_callers_dict():
    weights = {s: 10 for s in ChurnSignal}
    rules = ChurnRules(weights=weights)
    weights[ChurnSignal.REVENUE_DROP] = 99
    assert rules.weights[ChurnSignal.REVENUE_DROP] == 10
    with pytest.raises(KamdeskError):
        ChurnRules(visit_intervals={Grade.A: 30, Grade.B: 60})
