"""Incentive schedule of the monthly evaluation sheet (seed 000 p.26), configurable.

Sales staff (营销人员). Symbols of the seed: A = the person's historical average
performance (revenue in CNY over a period as long as the one assessed), C = the
commission unit price *per 100 CNY of revenue* (C = 2 means 2 CNY per 100 CNY, i.e.
2 %), R = revenue in the period (CNY). The seed writes the bonus levels as
"0.08A*C" and "0.2A*C"; with C per 100 CNY the only reading in CNY is

    A·C := A × C / 100 CNY — the commission revenue A would earn at rate C.

Default schedule (every figure is data in :class:`IncentiveSchedule`):

- R < 0.8A: nothing;
- 0.8A ≤ R ≤ 1.2A: bonus rising linearly from 0.08·A·C (at 0.8A) to 0.2·A·C (1.2A);
- R > 1.2A: 0.2·A·C plus uncapped commission at rate C on the revenue above 1.2A
  (``commission_on="excess"``, continuous at 1.2A). The seed's chart can also be
  read as commission at rate C on the *whole* revenue above the cap
  (``commission_on="total"``: R × C / 100, which jumps at 1.2A).

What the seed leaves open is data too: ``commission_per_100`` is the C a person
gets when HQ set none for them (the seed names no figure; 2 CNY per 100 CNY here),
and ``history_months`` is how many whole months before the assessed one A averages
over when HQ publishes no A for the person (the evaluation sheet says which).

Support staff (支撑人员): B = the person's performance-pay quota (CNY; the department
may raise it when it beats its target), completion = achieved / target (1.05 for
105 %). Pay = B × completion clamped to [0.8, 1.2]; ``below_floor="zero"`` pays
nothing under 0.8 instead of 0.8B.

Arithmetic is exact ``Decimal`` (the band formula divides only by the schedule's
``cap − floor``); the amount is rounded to the fen (0.01 CNY, half up) once, at the
end. Every result carries its steps as ``(code, params)`` so the evaluation sheet
can print how the figure was reached; :func:`describe_step` renders one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr

FEN = Decimal("0.01")
MAX_HISTORY_MONTHS = 60
HUNDRED = Decimal(100)
StepParam = str | int | Decimal

define(
    {
        "incentive.no_history": N_(
            "The historical average revenue (A) must be above 0 to compute a sales incentive"
        ),
        "incentive.negative_revenue": N_("Revenue cannot be negative ({value} CNY)"),
        "incentive.negative_rate": N_(
            "The commission per 100 CNY (C) cannot be negative ({value})"
        ),
        "incentive.negative_quota": N_(
            "The performance-pay quota (B) cannot be negative ({value})"
        ),
        "incentive.negative_completion": N_("Target completion cannot be negative ({value})"),
        "incentive.schedule_invalid": N_(
            "The incentive schedule cannot be used: '{field}' is wrong ({detail})"
        ),
    }
)

_STEP_TEMPLATES: dict[str, str] = {
    "incentive.sales.inputs": N_(
        "Revenue R = {revenue} CNY; historical average A = {average} CNY; "
        "commission C = {rate} CNY per 100 CNY"
    ),
    "incentive.sales.attainment": N_("Attainment R / A = {percent}%"),
    "incentive.sales.unit": N_("A·C = A × C / 100 = {average} × {rate} / 100 = {unit} CNY"),
    "incentive.sales.below_floor": N_("R is below {floor} × A = {floor_amount} CNY: no bonus"),
    "incentive.sales.band": N_(
        "R lies between {floor} × A = {floor_amount} CNY and {cap} × A = {cap_amount} CNY: "
        "bonus = {at_floor} × A·C + ({at_cap} − {at_floor}) × (R − {floor_amount}) × C / 100 "
        "/ ({cap} − {floor}) = {amount} CNY"
    ),
    "incentive.sales.above_cap_excess": N_(
        "R is above {cap} × A = {cap_amount} CNY: {at_cap} × A·C = {cap_bonus} CNY plus "
        "commission {factor} × C / 100 on R − {cap_amount} = {excess} CNY, i.e. "
        "{commission} CNY; total {amount} CNY"
    ),
    "incentive.sales.above_cap_total": N_(
        "R is above {cap} × A = {cap_amount} CNY: commission {factor} × C / 100 on all of R "
        "= {amount} CNY"
    ),
    "incentive.support.inputs": N_(
        "Performance-pay quota B = {quota} CNY; target completion {percent}%"
    ),
    "incentive.support.below_floor_zero": N_(
        "Completion is below {floor_percent}%: no performance pay"
    ),
    "incentive.support.clamped": N_(
        "Completion counted as {applied_percent}% (the schedule keeps it between "
        "{floor_percent}% and {cap_percent}%)"
    ),
    "incentive.support.pay": N_("Pay = B × {applied} = {quota} × {applied} = {amount} CNY"),
    "incentive.total": N_("Amount: {amount} CNY (rounded to the fen)"),
}


class IncentiveStep(NamedTuple):
    """One line of the computation: ``(code, params)``."""

    code: str
    params: Mapping[str, StepParam]


def incentive_step(code: str, **params: StepParam) -> IncentiveStep:
    return IncentiveStep(code, MappingProxyType(dict(params)))


def describe_step(step: IncentiveStep) -> str:
    """The step as a sentence in the current language."""
    template = _STEP_TEMPLATES.get(step.code)
    if template is None:
        return step.code
    return tr(template, **step.params)


class CommissionBase(StrEnum):
    EXCESS = "excess"  # commission on revenue above the cap, on top of the cap bonus
    TOTAL = "total"  # commission on all revenue, replacing the bonus


class BelowFloor(StrEnum):
    PAY_FLOOR = "floor"  # completion below the floor counts as the floor
    ZERO = "zero"  # nothing below the floor


class IncentiveBand(StrEnum):
    BELOW_FLOOR = "below_floor"
    BAND = "band"
    ABOVE_CAP = "above_cap"


class StaffRole(StrEnum):
    SALES = "sales"
    SUPPORT = "support"


def _invalid(field: str, detail: str) -> KamdeskError:
    return KamdeskError("incentive.schedule_invalid", field=field, detail=detail)


@dataclass(frozen=True)
class SalesSchedule:
    floor_ratio: Decimal = Decimal("0.8")
    cap_ratio: Decimal = Decimal("1.2")
    bonus_at_floor: Decimal = Decimal("0.08")  # multiples of A·C
    bonus_at_cap: Decimal = Decimal("0.2")
    commission_factor: Decimal = Decimal(1)  # multiples of C above the cap
    commission_on: CommissionBase = CommissionBase.EXCESS
    commission_per_100: Decimal = Decimal(2)  # C when HQ set none for the person
    history_months: int = 12  # months A averages over when HQ set no A

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.floor_ratio < self.cap_ratio:
            raise _invalid("sales.floor_ratio/cap_ratio", "0 ≤ floor < cap")
        if not Decimal(0) <= self.bonus_at_floor <= self.bonus_at_cap:
            raise _invalid("sales.bonus_at_floor/bonus_at_cap", "0 ≤ at floor ≤ at cap")
        if self.commission_factor < 0:
            raise _invalid("sales.commission_factor", "0 or more")
        if self.commission_per_100 < 0:
            raise _invalid("sales.commission_per_100", "0 or more")
        if not 1 <= self.history_months <= MAX_HISTORY_MONTHS:
            raise _invalid("sales.history_months", f"1 to {MAX_HISTORY_MONTHS}")


@dataclass(frozen=True)
class SupportSchedule:
    floor: Decimal = Decimal("0.8")
    cap: Decimal = Decimal("1.2")
    below_floor: BelowFloor = BelowFloor.PAY_FLOOR

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.floor <= self.cap:
            raise _invalid("support.floor/cap", "0 ≤ floor ≤ cap")


@dataclass(frozen=True)
class IncentiveSchedule:
    sales: SalesSchedule = field(default_factory=SalesSchedule)
    support: SupportSchedule = field(default_factory=SupportSchedule)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IncentiveSchedule:
        """Read the JSON form (decimals as strings); missing keys take the defaults."""
        sales = _mapping(data.get("sales", {}), "sales")
        support = _mapping(data.get("support", {}), "support")
        try:
            commission_on = CommissionBase(sales.get("commission_on", "excess"))
        except ValueError as exc:
            raise _invalid("sales.commission_on", "excess or total") from exc
        try:
            below_floor = BelowFloor(support.get("below_floor", "floor"))
        except ValueError as exc:
            raise _invalid("support.below_floor", "floor or zero") from exc
        s, p = SalesSchedule(), SupportSchedule()
        return cls(
            sales=SalesSchedule(
                floor_ratio=_number(sales, "floor_ratio", s.floor_ratio, "sales"),
                cap_ratio=_number(sales, "cap_ratio", s.cap_ratio, "sales"),
                bonus_at_floor=_number(sales, "bonus_at_floor", s.bonus_at_floor, "sales"),
                bonus_at_cap=_number(sales, "bonus_at_cap", s.bonus_at_cap, "sales"),
                commission_factor=_number(sales, "commission_factor", s.commission_factor, "sales"),
                commission_on=commission_on,
                commission_per_100=_number(
                    sales, "commission_per_100", s.commission_per_100, "sales"
                ),
                history_months=_whole(sales, "history_months", s.history_months, "sales"),
            ),
            support=SupportSchedule(
                floor=_number(support, "floor", p.floor, "support"),
                cap=_number(support, "cap", p.cap, "support"),
                below_floor=below_floor,
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        s, p = self.sales, self.support
        return {
            "sales": {
                "floor_ratio": str(s.floor_ratio),
                "cap_ratio": str(s.cap_ratio),
                "bonus_at_floor": str(s.bonus_at_floor),
                "bonus_at_cap": str(s.bonus_at_cap),
                "commission_factor": str(s.commission_factor),
                "commission_on": s.commission_on.value,
                "commission_per_100": str(s.commission_per_100),
                "history_months": s.history_months,
            },
            "support": {
                "floor": str(p.floor),
                "cap": str(p.cap),
                "below_floor": p.below_floor.value,
            },
        }


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(field, "an object is required")
    return value


def _number(section: Mapping[str, Any], key: str, default: Decimal, where: str) -> Decimal:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise _invalid(f"{where}.{key}", "a number is required")
    try:
        # A float goes through its shortest repr, so 0.08 stays 0.08.
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as exc:
        raise _invalid(f"{where}.{key}", f"{value!r} is not a number") from exc
    if not number.is_finite():
        raise _invalid(f"{where}.{key}", "a finite number is required")
    return number


def _whole(section: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _invalid(f"{where}.{key}", "a whole number is required")
    try:
        return int(value)
    except ValueError as exc:
        raise _invalid(f"{where}.{key}", f"{value!r} is not a whole number") from exc


DEFAULT_INCENTIVE_SCHEDULE: dict[str, Any] = IncentiveSchedule().to_dict()
"""The seed's figures (0.8/1.2 of A, 0.08/0.2 of A·C; 0.8/1.2 of target), as data,
with C = 2 CNY per 100 CNY and A over 12 months where the seed names no figure."""


@dataclass(frozen=True)
class IncentiveResult:
    role: StaffRole
    amount: Decimal  # CNY, rounded to the fen
    band: IncentiveBand
    steps: tuple[IncentiveStep, ...]


def fen(value: Decimal) -> Decimal:
    """``value`` rounded to the fen, half up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def percent_of(ratio: Decimal) -> Decimal:
    """``ratio`` as a percentage with two places (1.05 → 105.00)."""
    return (ratio * HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)


def sales_incentive(
    revenue: Decimal,
    historical_average: Decimal,
    commission_per_100: Decimal,
    schedule: IncentiveSchedule | None = None,
) -> IncentiveResult:
    """Bonus and commission of a sales person for revenue R against history A.

    Raises ``incentive.no_history`` when A ≤ 0 (no basis to judge), and
    ``incentive.negative_*`` for a negative R or C.
    """
    s = (schedule or IncentiveSchedule()).sales
    r, a, c = revenue, historical_average, commission_per_100
    if a <= 0:
        raise KamdeskError("incentive.no_history")
    if r < 0:
        raise KamdeskError("incentive.negative_revenue", value=r)
    if c < 0:
        raise KamdeskError("incentive.negative_rate", value=c)
    unit = a * c / HUNDRED
    floor_amount, cap_amount = s.floor_ratio * a, s.cap_ratio * a
    steps = [
        incentive_step("incentive.sales.inputs", revenue=r, average=a, rate=c),
        incentive_step("incentive.sales.attainment", percent=percent_of(r / a)),
        incentive_step("incentive.sales.unit", average=a, rate=c, unit=fen(unit)),
    ]
    if r < floor_amount:
        band, amount = IncentiveBand.BELOW_FLOOR, Decimal(0)
        steps.append(
            incentive_step(
                "incentive.sales.below_floor", floor=s.floor_ratio, floor_amount=fen(floor_amount)
            )
        )
    elif r <= cap_amount:
        band = IncentiveBand.BAND
        rise = (s.bonus_at_cap - s.bonus_at_floor) * (r - floor_amount) * c / HUNDRED
        amount = s.bonus_at_floor * unit + rise / (s.cap_ratio - s.floor_ratio)
        steps.append(
            incentive_step(
                "incentive.sales.band",
                floor=s.floor_ratio,
                cap=s.cap_ratio,
                floor_amount=fen(floor_amount),
                cap_amount=fen(cap_amount),
                at_floor=s.bonus_at_floor,
                at_cap=s.bonus_at_cap,
                amount=fen(amount),
            )
        )
    elif s.commission_on is CommissionBase.EXCESS:
        band = IncentiveBand.ABOVE_CAP
        cap_bonus = s.bonus_at_cap * unit
        commission = s.commission_factor * (r - cap_amount) * c / HUNDRED
        amount = cap_bonus + commission
        steps.append(
            incentive_step(
                "incentive.sales.above_cap_excess",
                cap=s.cap_ratio,
                cap_amount=fen(cap_amount),
                at_cap=s.bonus_at_cap,
                cap_bonus=fen(cap_bonus),
                factor=s.commission_factor,
                excess=fen(r - cap_amount),
                commission=fen(commission),
                amount=fen(amount),
            )
        )
    else:
        band = IncentiveBand.ABOVE_CAP
        amount = s.commission_factor * r * c / HUNDRED
        steps.append(
            incentive_step(
                "incentive.sales.above_cap_total",
                cap=s.cap_ratio,
                cap_amount=fen(cap_amount),
                factor=s.commission_factor,
                amount=fen(amount),
            )
        )
    total = fen(amount)
    steps.append(incentive_step("incentive.total", amount=total))
    return IncentiveResult(StaffRole.SALES, total, band, tuple(steps))


def support_incentive(
    quota: Decimal,
    completion: Decimal,
    schedule: IncentiveSchedule | None = None,
) -> IncentiveResult:
    """Performance pay of a support person: quota B × completion within the schedule."""
    p = (schedule or IncentiveSchedule()).support
    if quota < 0:
        raise KamdeskError("incentive.negative_quota", value=quota)
    if completion < 0:
        raise KamdeskError("incentive.negative_completion", value=completion)
    steps = [
        incentive_step("incentive.support.inputs", quota=quota, percent=percent_of(completion))
    ]
    limits = {
        "floor_percent": percent_of(p.floor),
        "cap_percent": percent_of(p.cap),
    }
    if completion < p.floor and p.below_floor is BelowFloor.ZERO:
        steps.append(incentive_step("incentive.support.below_floor_zero", **limits))
        steps.append(incentive_step("incentive.total", amount=Decimal("0.00")))
        return IncentiveResult(
            StaffRole.SUPPORT, Decimal("0.00"), IncentiveBand.BELOW_FLOOR, tuple(steps)
        )
    if completion < p.floor:
        band, applied = IncentiveBand.BELOW_FLOOR, p.floor
    elif completion > p.cap:
        band, applied = IncentiveBand.ABOVE_CAP, p.cap
    else:
        band, applied = IncentiveBand.BAND, completion
    if applied != completion:
        steps.append(
            incentive_step(
                "incentive.support.clamped", applied_percent=percent_of(applied), **limits
            )
        )
    total = fen(quota * applied)
    steps.append(
        incentive_step("incentive.support.pay", quota=quota, applied=applied, amount=total)
    )
    steps.append(incentive_step("incentive.total", amount=total))
    return IncentiveResult(StaffRole.SUPPORT, total, band, tuple(steps))
