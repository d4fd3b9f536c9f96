"""The monthly evaluation sheet (月度评估表, seed 000 p.25) of a person, pure.

A person's KPI figures of the month (the KPI engine's, by AM) are set against the
targets of their annual performance contract, which HQ publishes as ``targets`` rows
of scope ``am`` for each month:

- a row whose ``metric`` is a KPI code (``K01``…) holds the target value in
  ``ratio``, in the KPI's own unit (0.95 for 95 %, 3.5 for 3.5 days, 4.5 points);
- the ``revenue`` row (``amount``) is K14's denominator, so K14's target is 100 %
  unless a ``K14`` row says otherwise;
- ``incentive_base`` (A, CNY per month), ``commission_per_100`` (C) and
  ``performance_quota`` (B) feed the incentive (:mod:`kamdesk.domain.incentive`).
  A person with a quota is paid as support staff, by the completion of their
  revenue target; everyone else as sales staff, on their revenue.

Guarantees: a line carries the engine's figure untouched (value, numerator,
denominator); money is ``Decimal`` taken from the figure's exact fen; every amount
comes with the steps that explain it, starting with where R, A, B and C came from,
and a person whose incentive cannot be computed gets the reason instead of a zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from kamdesk.domain.incentive import (
    FEN,
    BelowFloor,
    CommissionBase,
    IncentiveResult,
    IncentiveSchedule,
    IncentiveStep,
    StaffRole,
    describe_step,
    fen,
    incentive_step,
    percent_of,
    sales_incentive,
    support_incentive,
)
from kamdesk.domain.kpi.definitions import KPIS, Direction, KpiDef
from kamdesk.domain.kpi.figures import Figure
from kamdesk.domain.kpi.period import Period
from kamdesk.errors import KamdeskError
from kamdesk.i18n import N_, tr

METRIC_REVENUE = "revenue"
METRIC_AVERAGE = "incentive_base"
METRIC_COMMISSION = "commission_per_100"
METRIC_QUOTA = "performance_quota"
INCENTIVE_METRICS = (METRIC_AVERAGE, METRIC_COMMISSION, METRIC_QUOTA)
TOLERANCE = 1e-9  # a value equal to its target up to float noise meets it


class TargetStatus(StrEnum):
    MET = "met"
    MISSED = "missed"
    NO_VALUE = "no_value"  # a target, but nothing to measure this month
    NO_TARGET = "no_target"


STATUS_LABELS: dict[TargetStatus, str] = {
    TargetStatus.MET: N_("Met"),
    TargetStatus.MISSED: N_("Not met"),
    TargetStatus.NO_VALUE: N_("No value"),
    TargetStatus.NO_TARGET: N_("No target"),
}

ROLE_LABELS: dict[StaffRole, str] = {
    StaffRole.SALES: N_("Sales staff"),
    StaffRole.SUPPORT: N_("Support staff"),
}

_STEP_TEMPLATES: dict[str, str] = {
    "evaluation.sales.role": N_(
        "Sales staff: bonus and commission on revenue against the historical average "
        "(seed 000 p.26)"
    ),
    "evaluation.sales.revenue": N_(
        "R = revenue of {month} = {revenue} CNY (numerator of K14 for the person)"
    ),
    "evaluation.average.target": N_("A = {amount} CNY, set by HQ for {month}"),
    "evaluation.average.history": N_(
        "A = revenue of the {months} month(s) on staff in {window} / {months} = "
        "{revenue} / {months} = {amount} CNY (rounded to the fen)"
    ),
    "evaluation.average.missing": N_(
        "No historical average A: HQ set none for {month} and the person has no revenue "
        "in {window}; no incentive is computed"
    ),
    "evaluation.commission.target": N_("C = {rate} CNY per 100 CNY, set by HQ for {month}"),
    "evaluation.commission.schedule": N_(
        "C = {rate} CNY per 100 CNY (the schedule's default: HQ set none for {month})"
    ),
    "evaluation.support.role": N_(
        "Support staff: performance-pay quota B = {quota} CNY set by HQ for {month}"
    ),
    "evaluation.support.completion": N_(
        "Target completion = revenue / revenue target = {revenue} / {target} = {percent}%"
    ),
    "evaluation.support.no_target": N_(
        "No revenue target for {month}: completion cannot be measured; no pay is computed"
    ),
    "evaluation.refused": N_("No incentive is computed: {reason}"),
}


def describe(step: IncentiveStep) -> str:
    """A step of the sheet (where the inputs came from, or the schedule's arithmetic)
    as a sentence in the current language."""
    template = _STEP_TEMPLATES.get(step.code)
    return describe_step(step) if template is None else tr(template, **step.params)


def money(value: float) -> Decimal:
    """A CNY figure of the engine (an exact sum of fen, divided by 100) as Decimal."""
    return (Decimal(round(value * 100)) / 100).quantize(FEN)


# --- KPI lines ----------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationLine:
    """One KPI of the sheet: the engine's figure, the person's target, the verdict."""

    kpi: KpiDef
    figure: Figure
    target: float | None
    status: TargetStatus


def judge(kpi: KpiDef, value: float | None, target: float | None) -> TargetStatus:
    """Met when the value is at least (higher is better) or at most (lower is better)
    the target."""
    if target is None:
        return TargetStatus.NO_TARGET
    if value is None:
        return TargetStatus.NO_VALUE
    if kpi.direction is Direction.HIGHER_IS_BETTER:
        met = value >= target - TOLERANCE
    else:
        met = value <= target + TOLERANCE
    return TargetStatus.MET if met else TargetStatus.MISSED


def target_of(kpi: KpiDef, figure: Figure, targets: Mapping[str, float]) -> float | None:
    """The target of ``kpi`` among ``targets`` (by KPI code); without a ``K14`` row,
    K14 targets its revenue target in full (100 %) when there is one (a denominator)."""
    target = targets.get(kpi.code)
    if target is None and kpi.code == "K14" and figure.denominator:
        return 1.0
    return target


def evaluation_lines(
    figures: Mapping[str, Figure], targets: Mapping[str, float]
) -> tuple[EvaluationLine, ...]:
    """Every KPI in catalogue order with its target (``targets`` by KPI code)."""
    lines = []
    for kpi in KPIS:
        figure = figures.get(kpi.code) or Figure.of(kpi.code, 0.0, 0.0)
        target = target_of(kpi, figure, targets)
        lines.append(EvaluationLine(kpi, figure, target, judge(kpi, figure.value, target)))
    return tuple(lines)


# --- incentive ----------------------------------------------------------------------


@dataclass(frozen=True)
class IncentiveBasis:
    """What the database says about one person's incentive for the month (CNY)."""

    month: str  # "2026-10"
    window: str  # the history window, "2025-10..2026-09"
    revenue: Decimal  # R: K14's numerator of the month
    revenue_target: Decimal | None  # K14's denominator (None: no revenue target)
    history_revenue: Decimal  # K14's numerator over the window
    history_months: int  # months of the window the person was on staff
    average: Decimal | None = None  # A set by HQ
    commission: Decimal | None = None  # C set by HQ
    quota: Decimal | None = None  # B set by HQ: the person is support staff


@dataclass(frozen=True)
class PersonIncentive:
    role: StaffRole
    steps: tuple[IncentiveStep, ...]  # the inputs' sources, then the schedule's steps
    result: IncentiveResult | None  # None: not computable (the last step says why)

    @property
    def amount(self) -> Decimal | None:
        return None if self.result is None else self.result.amount

    def explanation(self) -> list[str]:
        return [describe(step) for step in self.steps]


def _sales(basis: IncentiveBasis, schedule: IncentiveSchedule) -> PersonIncentive:
    month, window = basis.month, basis.window
    steps = [
        incentive_step("evaluation.sales.role"),
        incentive_step("evaluation.sales.revenue", month=month, revenue=basis.revenue),
    ]
    if basis.average is not None:
        average = basis.average
        steps.append(incentive_step("evaluation.average.target", amount=average, month=month))
    elif basis.history_months > 0 and basis.history_revenue > 0:
        average = fen(basis.history_revenue / basis.history_months)
        steps.append(
            incentive_step(
                "evaluation.average.history", months=basis.history_months, window=window,
                revenue=basis.history_revenue, amount=average,
            )
        )  # fmt: skip
    else:
        steps.append(incentive_step("evaluation.average.missing", month=month, window=window))
        return PersonIncentive(StaffRole.SALES, tuple(steps), None)
    rate = schedule.sales.commission_per_100
    if basis.commission is not None:
        rate = basis.commission
        steps.append(incentive_step("evaluation.commission.target", rate=rate, month=month))
    else:
        steps.append(incentive_step("evaluation.commission.schedule", rate=rate, month=month))
    try:
        result = sales_incentive(basis.revenue, average, rate, schedule)
    except KamdeskError as exc:
        steps.append(incentive_step("evaluation.refused", reason=exc.message()))
        return PersonIncentive(StaffRole.SALES, tuple(steps), None)
    return PersonIncentive(StaffRole.SALES, (*steps, *result.steps), result)


def _support(basis: IncentiveBasis, quota: Decimal, schedule: IncentiveSchedule) -> PersonIncentive:
    steps = [incentive_step("evaluation.support.role", quota=quota, month=basis.month)]
    target = basis.revenue_target
    if not target:
        steps.append(incentive_step("evaluation.support.no_target", month=basis.month))
        return PersonIncentive(StaffRole.SUPPORT, tuple(steps), None)
    completion = basis.revenue / target
    steps.append(
        incentive_step(
            "evaluation.support.completion", revenue=basis.revenue, target=target,
            percent=percent_of(completion),
        )
    )  # fmt: skip
    try:
        result = support_incentive(quota, completion, schedule)
    except KamdeskError as exc:
        steps.append(incentive_step("evaluation.refused", reason=exc.message()))
        return PersonIncentive(StaffRole.SUPPORT, tuple(steps), None)
    return PersonIncentive(StaffRole.SUPPORT, (*steps, *result.steps), result)


def person_incentive(basis: IncentiveBasis, schedule: IncentiveSchedule) -> PersonIncentive:
    """The person's incentive for the month with every step that explains it."""
    if basis.quota is not None:
        return _support(basis, basis.quota, schedule)
    return _sales(basis, schedule)


# --- the sheet ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSheet:
    """One person's evaluation sheet for the month."""

    staff_id: str
    name: str
    login: str
    group: str
    lines: tuple[EvaluationLine, ...]
    incentive: PersonIncentive

    @property
    def revenue(self) -> Decimal:
        """R: the person's revenue of the month (K14's numerator), CNY."""
        return money(self.line("K14").figure.numerator)

    @property
    def targets_set(self) -> int:
        return sum(line.status is not TargetStatus.NO_TARGET for line in self.lines)

    @property
    def targets_met(self) -> int:
        return sum(line.status is TargetStatus.MET for line in self.lines)

    def line(self, code: str) -> EvaluationLine:
        return next(line for line in self.lines if line.kpi.code == code)


@dataclass(frozen=True)
class ScheduleInForce:
    """The incentive schedule a month is computed with; version 0 = KAMDesk's defaults."""

    schedule: IncentiveSchedule
    version: int = 0
    effective_from: date | None = None

    def label(self) -> str:
        if self.version == 0 or self.effective_from is None:
            return tr("KAMDesk defaults (seed 000 p.26)")
        return tr(
            "Version {version}, effective from {day}",
            version=self.version,
            day=self.effective_from.isoformat(),
        )


@dataclass(frozen=True)
class EvaluationReport:
    """The sheets of one month: what the PDF and the workbook render."""

    period: Period
    branch_name: str
    schedule: ScheduleInForce
    people: tuple[PersonSheet, ...]
    generated_at: datetime


def schedule_rows(schedule: IncentiveSchedule) -> list[tuple[str, str]]:
    """The schedule's figures as (what, value) rows, in the current language."""
    s, p = schedule.sales, schedule.support
    commission = (
        tr("on the revenue above the upper bound")
        if s.commission_on is CommissionBase.EXCESS
        else tr("on all revenue, replacing the bonus")
    )
    below = (
        tr("counted as the lower bound") if p.below_floor is BelowFloor.PAY_FLOOR else tr("no pay")
    )
    return [
        (tr("Sales: no bonus below"), f"{s.floor_ratio} × A"),
        (tr("Sales: upper bound of the bonus band"), f"{s.cap_ratio} × A"),
        (tr("Sales: bonus at the lower bound"), f"{s.bonus_at_floor} × A·C"),
        (tr("Sales: bonus at the upper bound"), f"{s.bonus_at_cap} × A·C"),
        (tr("Sales: commission above the band"), f"{s.commission_factor} × C, {commission}"),
        (tr("Sales: default C (CNY per 100 CNY)"), str(s.commission_per_100)),
        (tr("Sales: months A averages over"), str(s.history_months)),
        (tr("Support: completion counted from"), f"{percent_of(p.floor)}%"),
        (tr("Support: completion counted up to"), f"{percent_of(p.cap)}%"),
        (tr("Support: below the lower bound"), below),
    ]
