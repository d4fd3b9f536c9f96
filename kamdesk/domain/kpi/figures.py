"""KPI figures and how fine-grained counts roll up to a branch, group, AM, workstation
or product.

The services compute, per KPI, sums of numerator and denominator at the finest grain
(branch × group × AM × product × workstation, plus a bucket for K13 and a target
scope for K14). :func:`roll_up` adds them up per dimension, so every dimension and
the total come from the same rows. Hazards: K13 is not additive (|actual − forecast|
is taken per product and month after summing inside the dimension key) and K14's
denominator counts only targets set at the dimension's own scope (an AM's target at
AM level, a group's at group level, the branch's for the total).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from kamdesk.domain.kpi.definitions import KPI_BY_CODE, KPIS, Formula
from kamdesk.domain.kpi.period import Period
from kamdesk.i18n import N_


class Dimension(StrEnum):
    TOTAL = "total"
    BRANCH = "branch"
    GROUP = "group"
    AM = "am"
    WORKSTATION = "workstation"
    PRODUCT = "product"


DIMENSION_LABELS: dict[Dimension, str] = {
    Dimension.TOTAL: N_("Total"),
    Dimension.BRANCH: N_("Branch"),
    Dimension.GROUP: N_("Industry group"),
    Dimension.AM: N_("Account manager"),
    Dimension.WORKSTATION: N_("Workstation"),
    Dimension.PRODUCT: N_("Product"),
}

# Position of each dimension's key in Grain.keys (TOTAL has none).
KEY_INDEX: dict[Dimension, int] = {
    Dimension.BRANCH: 0,
    Dimension.GROUP: 1,
    Dimension.AM: 2,
    Dimension.PRODUCT: 3,
    Dimension.WORKSTATION: 4,
}
TARGET_SCOPE: dict[Dimension, str] = {
    Dimension.TOTAL: "branch",
    Dimension.BRANCH: "branch",
    Dimension.GROUP: "group",
    Dimension.AM: "am",
}
NO_KEY = ""


@dataclass(frozen=True)
class Grain:
    """Sums for one KPI at the finest grain. ``keys`` = (branch, group, AM, product,
    workstation), ``None`` where not attributable; ``scope`` marks K14 target rows."""

    code: str
    keys: tuple[str | None, str | None, str | None, str | None, str | None]
    numerator: float
    denominator: float
    scope: str | None = None
    bucket: str | None = None


class Figure(NamedTuple):
    """One KPI value with the numerator and denominator it is computed from (a tuple:
    packs hold tens of thousands of them)."""

    code: str
    numerator: float
    denominator: float
    value: float | None

    @classmethod
    def of(cls, code: str, numerator: float, denominator: float) -> Figure:
        """The figure of summed stored units (ms, fen): scaled to the unit shown."""
        kpi = KPI_BY_CODE[code]
        num, den = numerator / kpi.numerator_scale, denominator / kpi.denominator_scale
        return cls(code, num, den, kpi.value(num, den))


@dataclass(frozen=True)
class KpiRow:
    """One line of a KPI table: the figures of one dimension key (id and display name)."""

    dimension: Dimension
    key: str
    name: str
    figures: Mapping[str, Figure]


@dataclass(frozen=True)
class KpiPack:
    """Everything a dashboard, PDF or workbook shows for one period."""

    period: Period
    branch_name: str
    total: KpiRow
    rows: Mapping[Dimension, tuple[KpiRow, ...]] = field(default_factory=dict)
    previous_total: KpiRow | None = None


@dataclass(frozen=True)
class MonthTotal:
    """One month of a monthly trend: the total's figures and the KPI targets published
    for that month (by KPI code, in the KPI's unit)."""

    period: Period
    figures: Mapping[str, Figure]
    targets: Mapping[str, float] = field(default_factory=dict)


def empty_figures() -> dict[str, Figure]:
    """Every KPI without a value (0 / 0)."""
    return {k.code: Figure.of(k.code, 0.0, 0.0) for k in KPIS}


def total_figures(grains: Iterable[Grain]) -> dict[str, Figure]:
    """The figures of all ``grains`` together (every KPI present, empty ones valueless)."""
    return roll_up(grains, Dimension.TOTAL).get(NO_KEY) or empty_figures()


def _key_of(grain: Grain, dimension: Dimension) -> str | None:
    if dimension is Dimension.TOTAL:
        return NO_KEY
    return grain.keys[KEY_INDEX[dimension]]


def roll_up(grains: Iterable[Grain], dimension: Dimension) -> dict[str, dict[str, Figure]]:
    """``{key: {code: Figure}}`` for ``dimension``; every KPI present for every key."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    accuracy: dict[tuple[str, str], dict[tuple[str | None, str | None], list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0])
    )
    scope = TARGET_SCOPE.get(dimension)
    keys: set[str] = set()
    for g in grains:
        key = _key_of(g, dimension)
        if key is None:
            continue
        if g.scope is not None and g.scope != scope:
            continue
        keys.add(key)
        if KPI_BY_CODE[g.code].formula is Formula.ACCURACY:
            cell = accuracy[(key, g.code)][(g.keys[3], g.bucket)]
        else:
            cell = sums[(key, g.code)]
        cell[0] += g.numerator
        cell[1] += g.denominator
    for (key, code), buckets in accuracy.items():
        total = sums[(key, code)]
        for actual, forecast in buckets.values():
            total[0] += abs(actual - forecast)
            total[1] += forecast
    return {
        key: {k.code: Figure.of(k.code, *sums.get((key, k.code), (0.0, 0.0))) for k in KPIS}
        for key in keys
    }
