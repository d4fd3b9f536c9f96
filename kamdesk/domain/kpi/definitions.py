"""The KPI catalogue (DOMAIN.md "KPIs", K01–K16): the one place that says what each
figure means. Every report renders these definitions; the SQL of
:mod:`kamdesk.services.kpi` computes numerators and denominators that match them.

Guarantee: a figure's value is always :meth:`KpiDef.value` of its numerator and
denominator, so a reader can recompute it from the two numbers shown next to it.
The SQL sums integers (milliseconds, fen); ``numerator_scale``/``denominator_scale``
turn the exact sums into the unit shown (hours, days, CNY) only after summing.
K03 and K16 are two figures each (time and on-time share; month-on-month and
year-on-year growth), coded ``K03a``/``K03b`` and ``K16a``/``K16b``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kamdesk.i18n import N_, tr

MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000
FEN_PER_CNY = 100


class Unit(StrEnum):
    """How a value is read and shown."""

    PERCENT = "percent"  # a share, shown as 87.5%
    DAYS = "days"
    HOURS = "hours"
    SCORE = "score"  # satisfaction 1–5
    PER_HUNDRED = "per_hundred"  # per 100 accounts


UNIT_LABELS: dict[Unit, str] = {
    Unit.PERCENT: N_("%"),
    Unit.DAYS: N_("days"),
    Unit.HOURS: N_("hours"),
    Unit.SCORE: N_("points (1–5)"),
    Unit.PER_HUNDRED: N_("per 100 accounts"),
}


class Formula(StrEnum):
    """How the value follows from numerator N and denominator D (D = 0: no value)."""

    RATIO = "ratio"  # N / D
    MEAN = "mean"  # N / D, N a sum of durations or scores, D their count
    PER_HUNDRED = "per_hundred"  # N / D × 100
    ACCURACY = "accuracy"  # max(0, 1 − N / D)
    GROWTH = "growth"  # N / D, N = this period − previous, D = previous


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


DIRECTION_LABELS: dict[Direction, str] = {
    Direction.HIGHER_IS_BETTER: N_("higher is better"),
    Direction.LOWER_IS_BETTER: N_("lower is better"),
}


@dataclass(frozen=True)
class KpiDef:
    """One figure: code, name, what its numerator and denominator count, unit, direction."""

    code: str
    name: str  # N_-marked; pass through tr() to show
    numerator: str
    denominator: str
    unit: Unit
    formula: Formula
    direction: Direction
    note: str = ""
    numerator_scale: int = 1
    denominator_scale: int = 1

    def value(self, numerator: float, denominator: float) -> float | None:
        """The figure from its two parts; ``None`` when the denominator is zero."""
        if not denominator:
            return None
        share = numerator / denominator
        if self.formula is Formula.PER_HUNDRED:
            return share * 100
        if self.formula is Formula.ACCURACY:
            return max(0.0, 1 - share)
        return share

    def label(self) -> str:
        return f"{self.code} {tr(self.name)}"


KPIS: tuple[KpiDef, ...] = (
    KpiDef(
        "K01", N_("Order on-time rate"),
        N_("completed orders accepted no later than promised"),
        N_("completed orders (customer acceptance in the period)"),
        Unit.PERCENT, Formula.RATIO, Direction.HIGHER_IS_BETTER,
    ),
    KpiDef(
        "K02", N_("Average order time"),
        N_("sum of (acceptance − issue) over completed orders, calendar days"),
        N_("completed orders"),
        Unit.DAYS, Formula.MEAN, Direction.LOWER_IS_BETTER, numerator_scale=MS_PER_DAY,
    ),
    KpiDef(
        "K03a", N_("Resource confirmation time"),
        N_("sum of (confirmation − request) in hours over confirmations in the period"),
        N_("confirmations in the period"),
        Unit.HOURS, Formula.MEAN, Direction.LOWER_IS_BETTER, numerator_scale=MS_PER_HOUR,
    ),
    KpiDef(
        "K03b", N_("Resource confirmation on-time rate"),
        N_("confirmations within the target (default 2 working days, counted by the "
           "promised-time rule; order pauses do not stop this clock)"),
        N_("confirmations in the period"),
        Unit.PERCENT, Formula.RATIO, Direction.HIGHER_IS_BETTER,
    ),
    KpiDef(
        "K04", N_("First-time-right rate"),
        N_("completed orders with no return order in their whole life"),
        N_("completed orders"),
        Unit.PERCENT, Formula.RATIO, Direction.HIGHER_IS_BETTER,
    ),
    KpiDef(
        "K05", N_("Rework rate"),
        N_("completed orders with at least one return order"),
        N_("completed orders"),
        Unit.PERCENT, Formula.RATIO, Direction.LOWER_IS_BETTER,
    ),
    KpiDef(
        "K06", N_("Workstation first-pass rate"),
        N_("steps done in the period without a return"),
        N_("steps done in the period"),
        Unit.PERCENT, Formula.RATIO, Direction.HIGHER_IS_BETTER,
    ),
    KpiDef(
        "K07", N_("Execution error rate"),
        N_("return orders raised in the period with reason \"execution error\""),
        N_("steps done in the period"),
        Unit.PERCENT, Formula.RATIO, Direction.LOWER_IS_BETTER,
    ),
    KpiDef(
        "K08", N_("Complaint rate"),
        N_("complaints received in the period"),
        N_("active key accounts at period end"),
        Unit.PER_HUNDRED, Formula.PER_HUNDRED, Direction.LOWER_IS_BETTER,
    ),
    KpiDef(
        "K09", N_("Complaint follow-up rate"),
        N_("complaints closed in the period whose follow-up visit is recorded"),
        N_("complaints closed in the period"),
        Unit.PERCENT, Formula.RATIO, Direction.HIGHER_IS_BETTER,
    ),
    KpiDef(
        "K10", N_("Fault repair time"),
        N_("sum of (restored − reported) in hours over fault orders restored in the period"),
        N_("fault orders restored in the period"),
        Unit.HOURS, Formula.MEAN, Direction.LOWER_IS_BETTER, numerator_scale=MS_PER_HOUR,
    ),
    KpiDef(
        "K11", N_("Churn rate"),
        N_("accounts that left the network in the period"),
        N_("active accounts at period start"),
        Unit.PERCENT, Formula.RATIO, Direction.LOWER_IS_BETTER,
    ),
    KpiDef(
        "K12", N_("Satisfaction"),
        N_("sum of acceptance scores (1–5) of completed orders"),
        N_("completed orders with a score"),
        Unit.SCORE, Formula.MEAN, Direction.HIGHER_IS_BETTER,
    ),
    KpiDef(
        "K13", N_("Forecast accuracy"),
        N_("Σ |actual − forecast| over products and months (actual = demand forms issued)"),
        N_("Σ forecast"),
        Unit.PERCENT, Formula.ACCURACY, Direction.HIGHER_IS_BETTER,
        N_("value = max(0, 1 − numerator / denominator)"),
    ),
    KpiDef(
        "K14", N_("Sales attainment"),
        N_("revenue in the period (CNY)"),
        N_("revenue target of the AM, group or branch in the period (CNY)"),
        Unit.PERCENT, Formula.RATIO, Direction.HIGHER_IS_BETTER,
        numerator_scale=FEN_PER_CNY, denominator_scale=FEN_PER_CNY,
    ),
    KpiDef(
        "K15", N_("Visit coverage"),
        N_("active accounts at period end whose last done visit lies within their "
           "grade's interval (A 30, B 60, C 90 days) before period end"),
        N_("active accounts at period end"),
        Unit.PERCENT, Formula.RATIO, Direction.HIGHER_IS_BETTER,
    ),
    KpiDef(
        "K16a", N_("Revenue growth, period on period"),
        N_("revenue of the period − revenue of the previous period of the same length (CNY)"),
        N_("revenue of the previous period (CNY)"),
        Unit.PERCENT, Formula.GROWTH, Direction.HIGHER_IS_BETTER,
        numerator_scale=FEN_PER_CNY, denominator_scale=FEN_PER_CNY,
    ),
    KpiDef(
        "K16b", N_("Revenue growth, year on year"),
        N_("revenue of the period − revenue of the same period a year earlier (CNY)"),
        N_("revenue of the same period a year earlier (CNY)"),
        Unit.PERCENT, Formula.GROWTH, Direction.HIGHER_IS_BETTER,
        numerator_scale=FEN_PER_CNY, denominator_scale=FEN_PER_CNY,
    ),
)  # fmt: skip

KPI_BY_CODE: dict[str, KpiDef] = {k.code: k for k in KPIS}

COMMON_RULES: tuple[str, ...] = (
    N_("Period: half-open interval [start 00:00, end 00:00) in Asia/Shanghai."),
    N_("Completed = customer acceptance inside the period."),
    N_("Active account at an instant: opened before it and not left the network by it."),
    N_("Return orders count over an order's whole life."),
    N_("Averages are computed unrounded and rounded only for display."),
    N_("Orders are attributed to their AM and their account's industry group and branch; "
       "accounts to their current owner AM."),
)  # fmt: skip


def format_value(kpi: KpiDef, value: float | None) -> str:
    """The figure as every report prints it (one rounding rule for screen and paper)."""
    if value is None:
        return "—"
    if kpi.unit is Unit.PERCENT:
        return f"{value * 100:.1f}%"
    return f"{value:.2f}"


def format_part(value: float) -> str:
    """A numerator or denominator as printed: integers plainly, others with 2 places."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"
