"""Churn warning (预警, seed 004): signals → a 0-100 score, a risk level and reasons.

Signals (DOMAIN.md "Churn warning"), each adding its weight when present; the score is
the sum capped at 100:

- revenue drop: the latest complete month's revenue is at least 30 % below the
  revenue of the month three months before it (``monthly_revenue[-1]`` against
  ``monthly_revenue[-4]``); needs four months and a positive base;
- an open complaint past its deadline (the caller counts them);
- the latest agreement ends within 60 days, or ended less than 60 days ago (not
  renewed: the caller passes the end of the latest-ending agreement);
- no done visit for more than twice the grade's interval (from the account's start
  when never visited; with neither known, the signal holds);
- competitor activity recorded within the last 90 days.

Every threshold and weight is in :class:`ChurnRules`. Guarantee: the score is an
``int`` in 0-100 and equals ``min(100, sum of the weights of the signals returned)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.reasons import Reason, define_reasons, reason
from kamdesk.domain.customers.visits import DEFAULT_VISIT_INTERVAL_DAYS, require_date
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

define(
    {
        "churn.rules_invalid": N_(
            "The churn warning settings cannot be used: '{field}' is wrong ({detail})"
        ),
    }
)

define_reasons(
    {
        "churn.revenue_drop": N_(
            "Revenue fell {drop_percent}% in {months} months ({before} → {latest} CNY)"
        ),
        "churn.overdue_complaints": N_("Open complaints past their deadline: {count}"),
        "churn.agreement_expiring": N_("The agreement ends on {end}, in {days} days"),
        "churn.agreement_expired": N_(
            "The agreement ended on {end}, {days} days ago, and no renewal is recorded"
        ),
        "churn.visit_lapsed": N_(
            "No visit for {days} days; grade {grade} asks for one every {interval} days"
        ),
        "churn.never_visited": N_(
            "No visit since the account was opened {days} days ago; grade {grade} asks "
            "for one every {interval} days"
        ),
        "churn.no_visit_recorded": N_("No visit recorded"),
        "churn.competitor_activity": N_("Competitor activity recorded on {day}"),
    }
)


class ChurnSignal(StrEnum):
    REVENUE_DROP = "revenue_drop"
    OVERDUE_COMPLAINT = "overdue_complaint"
    AGREEMENT_ENDING = "agreement_ending"
    VISIT_LAPSED = "visit_lapsed"
    COMPETITOR_ACTIVITY = "competitor_activity"


class ChurnRisk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def _default_weights() -> dict[ChurnSignal, int]:
    return {
        ChurnSignal.REVENUE_DROP: 30,
        ChurnSignal.OVERDUE_COMPLAINT: 25,
        ChurnSignal.AGREEMENT_ENDING: 20,
        ChurnSignal.VISIT_LAPSED: 15,
        ChurnSignal.COMPETITOR_ACTIVITY: 20,
    }


@dataclass(frozen=True)
class ChurnRules:
    """Weights (points per signal) and thresholds; the defaults are KAMDesk's."""

    weights: Mapping[ChurnSignal, int] = field(default_factory=_default_weights)
    revenue_drop_ratio: Decimal = Decimal("0.30")
    revenue_months: int = 3
    agreement_days: int = 60
    visit_interval_multiple: int = 2
    competitor_window_days: int = 90
    medium_from: int = 30
    high_from: int = 60
    visit_intervals: Mapping[Grade, int] = field(
        default_factory=lambda: DEFAULT_VISIT_INTERVAL_DAYS
    )

    def __post_init__(self) -> None:
        for signal in ChurnSignal:
            weight = self.weights.get(signal)
            if weight is None or weight < 0:
                raise KamdeskError(
                    "churn.rules_invalid",
                    field=f"weights.{signal.value}",
                    detail="a number of points from 0 is required",
                )
        if not Decimal(0) < self.revenue_drop_ratio < Decimal(1):
            raise KamdeskError(
                "churn.rules_invalid", field="revenue_drop_ratio", detail="between 0 and 1"
            )
        for name in (
            "revenue_months",
            "agreement_days",
            "visit_interval_multiple",
            "competitor_window_days",
        ):
            if getattr(self, name) < 1:
                raise KamdeskError("churn.rules_invalid", field=name, detail="at least 1")
        for grade in Grade:
            if self.visit_intervals.get(grade, 0) < 1:
                raise KamdeskError(
                    "churn.rules_invalid",
                    field=f"visit_intervals.{grade.value}",
                    detail="at least 1 day",
                )
        # Frozen in fact, not only in name: the caller's dicts are copied.
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "visit_intervals", MappingProxyType(dict(self.visit_intervals)))
        if not 0 < self.medium_from <= self.high_from <= 100:
            raise KamdeskError(
                "churn.rules_invalid",
                field="medium_from/high_from",
                detail="0 < medium ≤ high ≤ 100",
            )


@dataclass(frozen=True)
class ChurnInputs:
    """Plain facts about one account on ``today`` (local dates, money in CNY)."""

    today: date
    grade: Grade
    monthly_revenue: Sequence[Decimal] = ()  # complete months, oldest first
    overdue_open_complaints: int = 0
    agreement_end: date | None = None
    last_done_visit: date | None = None
    account_since: date | None = None
    last_competitor_activity: date | None = None


@dataclass(frozen=True)
class ChurnAssessment:
    score: int
    risk: ChurnRisk
    signals: tuple[ChurnSignal, ...]
    reasons: tuple[Reason, ...]  # one per signal, in the order of ``signals``


def assess_churn(inputs: ChurnInputs, rules: ChurnRules | None = None) -> ChurnAssessment:
    """Score the account's churn risk; see the module docstring for each signal."""
    rules = rules or ChurnRules()
    for name in (
        "today",
        "agreement_end",
        "last_done_visit",
        "account_since",
        "last_competitor_activity",
    ):
        require_date(getattr(inputs, name), name)
    found: list[tuple[ChurnSignal, Reason]] = []
    for check in (_revenue_drop, _complaints, _agreement, _visits, _competitor):
        hit = check(inputs, rules)
        if hit is not None:
            found.append(hit)
    score = min(100, sum(rules.weights[signal] for signal, _ in found))
    if score >= rules.high_from:
        risk = ChurnRisk.HIGH
    elif score >= rules.medium_from:
        risk = ChurnRisk.MEDIUM
    else:
        risk = ChurnRisk.LOW
    return ChurnAssessment(
        score=score,
        risk=risk,
        signals=tuple(signal for signal, _ in found),
        reasons=tuple(r for _, r in found),
    )


_Hit = tuple[ChurnSignal, Reason] | None


def _revenue_drop(inputs: ChurnInputs, rules: ChurnRules) -> _Hit:
    months = rules.revenue_months
    revenue = inputs.monthly_revenue
    if len(revenue) < months + 1:
        return None
    before, latest = revenue[-1 - months], revenue[-1]
    if before <= 0:
        return None
    drop = (before - latest) / before
    if drop < rules.revenue_drop_ratio:
        return None
    percent = (drop * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return ChurnSignal.REVENUE_DROP, reason(
        "churn.revenue_drop", drop_percent=percent, months=months, before=before, latest=latest
    )


def _complaints(inputs: ChurnInputs, rules: ChurnRules) -> _Hit:
    count = inputs.overdue_open_complaints
    if count <= 0:
        return None
    return ChurnSignal.OVERDUE_COMPLAINT, reason("churn.overdue_complaints", count=count)


def _agreement(inputs: ChurnInputs, rules: ChurnRules) -> _Hit:
    end = inputs.agreement_end
    if end is None:
        return None
    days = (end - inputs.today).days
    if 0 <= days <= rules.agreement_days:
        return ChurnSignal.AGREEMENT_ENDING, reason(
            "churn.agreement_expiring", end=end.isoformat(), days=days
        )
    if -rules.agreement_days <= days < 0:
        return ChurnSignal.AGREEMENT_ENDING, reason(
            "churn.agreement_expired", end=end.isoformat(), days=-days
        )
    return None


def _visits(inputs: ChurnInputs, rules: ChurnRules) -> _Hit:
    interval = rules.visit_intervals[inputs.grade]
    limit = interval * rules.visit_interval_multiple
    params = {"grade": inputs.grade.value, "interval": interval}
    if inputs.last_done_visit is not None:
        days = (inputs.today - inputs.last_done_visit).days
        code = "churn.visit_lapsed"
    elif inputs.account_since is not None:
        days = (inputs.today - inputs.account_since).days
        code = "churn.never_visited"
    else:
        return ChurnSignal.VISIT_LAPSED, reason("churn.no_visit_recorded")
    if days <= limit:
        return None
    return ChurnSignal.VISIT_LAPSED, reason(code, days=days, **params)


def _competitor(inputs: ChurnInputs, rules: ChurnRules) -> _Hit:
    day = inputs.last_competitor_activity
    if day is None:
        return None
    if not 0 <= (inputs.today - day).days <= rules.competitor_window_days:
        return None
    return ChurnSignal.COMPETITOR_ACTIVITY, reason("churn.competitor_activity", day=day.isoformat())
