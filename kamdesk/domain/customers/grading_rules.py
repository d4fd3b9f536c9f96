"""Grading rules as HQ publishes them: plain JSON-able data → a checked frozen object.

Seed 001 (如何做好大客户服务工作) names the four factors of the A/B/C star service —
行业特点 (industry), 电信业务消费量 (telecom spend), 重要程度 (strategic importance)
and 发展潜力 (growth potential) — but no numbers; seed 000 p.11 gives the key-account
categories and the 3,000 CNY monthly-spend line. The numbers in
:data:`DEFAULT_GRADING_RULES` are therefore KAMDesk's defaults until HQ publishes its
own; every one of them is data, none is in the engine.

Each factor scores 0-100; the account's score is the weighted mean of the four
(weights are relative: they are divided by their sum). Money and scores are
``Decimal``; in the JSON form they are strings (numbers are accepted too).

Guarantee: :meth:`GradingRules.from_dict` either returns rules the engine can apply to
any input or raises ``KamdeskError("grading.rules_invalid", field=..., detail=...)``;
``GradingRules.from_dict(rules.to_dict()) == rules``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from kamdesk.domain.customers.classification import AccountLevel, Grade, GrowthPotential
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

define(
    {
        "grading.rules_invalid": N_(
            "The grading rules published by HQ cannot be used: '{field}' is wrong ({detail})"
        ),
    }
)

HUNDRED = Decimal(100)
_E = TypeVar("_E", bound=StrEnum)


class CurveKind(StrEnum):
    LINEAR = "linear"  # straight lines between the points
    STEPS = "steps"  # the score of the last point at or below the value


class StrategicBasis(StrEnum):
    """What makes an account strategically important; the best one present counts."""

    HQ_STRATEGIC = "hq_strategic"
    NATIONAL_GROUP = "national_group"
    PARTY_GOVERNMENT_MILITARY = "party_government_military"
    PROVINCIAL_GROUP = "provincial_group"
    NONE = "none"


@dataclass(frozen=True)
class ScoreCurve:
    """Points ``(value, score)``, values strictly rising from 0, scores 0-100."""

    kind: CurveKind
    points: tuple[tuple[Decimal, Decimal], ...]

    def score(self, value: Decimal) -> Decimal:
        """The score of ``value`` (≥ 0); flat after the last point."""
        below = self.points[0]
        for point in self.points[1:]:
            if value < point[0]:
                if self.kind is CurveKind.STEPS:
                    return below[1]
                (x0, y0), (x1, y1) = below, point
                return y0 + (y1 - y0) * (value - x0) / (x1 - x0)
            below = point
        return below[1]


@dataclass(frozen=True)
class GradingRules:
    version: str
    key_account_spend_threshold: Decimal
    local_key_spend_threshold: Decimal | None
    weight_industry: Decimal
    weight_monthly_spend: Decimal
    weight_strategic: Decimal
    weight_growth: Decimal
    industry_scores: Mapping[str, Decimal]
    industry_default: Decimal
    monthly_spend_curve: ScoreCurve
    strategic_scores: Mapping[StrategicBasis, Decimal]
    growth_scores: Mapping[GrowthPotential, Decimal]
    grade_a_from: Decimal
    grade_b_from: Decimal
    minimum_grade_by_level: Mapping[AccountLevel, Grade]

    @property
    def weight_total(self) -> Decimal:
        return (
            self.weight_industry
            + self.weight_monthly_spend
            + self.weight_strategic
            + self.weight_growth
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradingRules:
        return _parse(data)

    @classmethod
    def from_json(cls, text: str) -> GradingRules:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KamdeskError("grading.rules_invalid", field="(json)", detail=str(exc)) from exc
        if not isinstance(data, Mapping):
            raise KamdeskError("grading.rules_invalid", field="(json)", detail="not an object")
        return _parse(data)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form (decimals as strings) that :meth:`from_dict` reads back."""
        curve = self.monthly_spend_curve
        return {
            "version": self.version,
            "key_account": {
                "monthly_spend_threshold": str(self.key_account_spend_threshold),
                "local_key_spend_threshold": (
                    None
                    if self.local_key_spend_threshold is None
                    else str(self.local_key_spend_threshold)
                ),
            },
            "weights": {
                "industry": str(self.weight_industry),
                "monthly_spend": str(self.weight_monthly_spend),
                "strategic": str(self.weight_strategic),
                "growth": str(self.weight_growth),
            },
            "industry_scores": {k: str(v) for k, v in self.industry_scores.items()},
            "industry_default": str(self.industry_default),
            "monthly_spend_curve": {
                "kind": curve.kind.value,
                "points": [[str(x), str(y)] for x, y in curve.points],
            },
            "strategic_scores": {k.value: str(v) for k, v in self.strategic_scores.items()},
            "growth_scores": {k.value: str(v) for k, v in self.growth_scores.items()},
            "grade_cutoffs": {"A": str(self.grade_a_from), "B": str(self.grade_b_from)},
            "minimum_grade_by_level": {
                k.value: v.value for k, v in self.minimum_grade_by_level.items()
            },
        }


def _invalid(field: str, detail: str) -> KamdeskError:
    return KamdeskError("grading.rules_invalid", field=field, detail=detail)


def _section(data: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    value = data.get(field)
    if not isinstance(value, Mapping):
        raise _invalid(field, "an object is required")
    return value


def _decimal(
    value: object, field: str, *, low: Decimal | None = None, high: Decimal | None = None
) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise _invalid(field, "a number is required")
    try:
        # str() of a float gives its shortest repr: 0.1 stays 0.1, not 0.1000000000000000055…
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as exc:
        raise _invalid(field, f"{value!r} is not a number") from exc
    if not number.is_finite():
        raise _invalid(field, "a finite number is required")
    if low is not None and number < low:
        raise _invalid(field, f"{number} is below {low}")
    if high is not None and number > high:
        raise _invalid(field, f"{number} is above {high}")
    return number


def _score(value: object, field: str) -> Decimal:
    return _decimal(value, field, low=Decimal(0), high=HUNDRED)


def _enum_map(
    data: Mapping[str, Any], field: str, enum: type[_E], *, complete: bool
) -> dict[_E, Decimal]:
    section = _section(data, field)
    result: dict[_E, Decimal] = {}
    for key, value in section.items():
        try:
            member = enum(key)
        except ValueError as exc:
            raise _invalid(f"{field}.{key}", "unknown key") from exc
        result[member] = _score(value, f"{field}.{key}")
    missing = [m.value for m in enum if m not in result]
    if complete and missing:
        raise _invalid(field, "missing " + ", ".join(missing))
    return result


def _curve(data: Mapping[str, Any], field: str) -> ScoreCurve:
    section = _section(data, field)
    try:
        kind = CurveKind(section.get("kind", CurveKind.LINEAR.value))
    except ValueError as exc:
        raise _invalid(f"{field}.kind", "linear or steps") from exc
    raw = section.get("points")
    if not isinstance(raw, list | tuple) or not raw:
        raise _invalid(f"{field}.points", "a non-empty list of [value, score] is required")
    points: list[tuple[Decimal, Decimal]] = []
    for index, pair in enumerate(raw):
        where = f"{field}.points[{index}]"
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise _invalid(where, "a pair [value, score] is required")
        x = _decimal(pair[0], where, low=Decimal(0))
        if points and x <= points[-1][0]:
            raise _invalid(where, "values must rise strictly")
        points.append((x, _score(pair[1], where)))
    if points[0][0] != 0:
        raise _invalid(f"{field}.points[0]", "the first value must be 0")
    return ScoreCurve(kind, tuple(points))


def _parse(data: Mapping[str, Any]) -> GradingRules:
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise _invalid("version", "a non-empty text is required")
    key_account = _section(data, "key_account")
    threshold = _decimal(
        key_account.get("monthly_spend_threshold"),
        "key_account.monthly_spend_threshold",
        low=Decimal(0),
    )
    raw_local = key_account.get("local_key_spend_threshold")
    local = (
        None
        if raw_local is None
        else _decimal(
            raw_local, "key_account.local_key_spend_threshold", low=Decimal(0), high=threshold
        )
    )
    weights = _section(data, "weights")
    w = {
        name: _decimal(weights.get(name), f"weights.{name}", low=Decimal(0))
        for name in ("industry", "monthly_spend", "strategic", "growth")
    }
    if sum(w.values()) <= 0:
        raise _invalid("weights", "at least one weight must be above 0")
    industries = _section(data, "industry_scores")
    industry_scores = {str(k): _score(v, f"industry_scores.{k}") for k, v in industries.items()}
    cutoffs = _section(data, "grade_cutoffs")
    a_from = _score(cutoffs.get("A"), "grade_cutoffs.A")
    b_from = _score(cutoffs.get("B"), "grade_cutoffs.B")
    if b_from > a_from:
        raise _invalid("grade_cutoffs", "B must not start above A")
    floors: dict[AccountLevel, Grade] = {}
    for key, value in data.get("minimum_grade_by_level", {}).items():
        try:
            floors[AccountLevel(key)] = Grade(value)
        except ValueError as exc:
            raise _invalid(f"minimum_grade_by_level.{key}", "level → A, B or C") from exc
    return GradingRules(
        version=version.strip(),
        key_account_spend_threshold=threshold,
        local_key_spend_threshold=local,
        weight_industry=w["industry"],
        weight_monthly_spend=w["monthly_spend"],
        weight_strategic=w["strategic"],
        weight_growth=w["growth"],
        industry_scores=MappingProxyType(industry_scores),
        industry_default=_score(data.get("industry_default"), "industry_default"),
        monthly_spend_curve=_curve(data, "monthly_spend_curve"),
        strategic_scores=MappingProxyType(
            _enum_map(data, "strategic_scores", StrategicBasis, complete=True)
        ),
        growth_scores=MappingProxyType(
            _enum_map(data, "growth_scores", GrowthPotential, complete=True)
        ),
        grade_a_from=a_from,
        grade_b_from=b_from,
        minimum_grade_by_level=MappingProxyType(floors),
    )


DEFAULT_GRADING_RULES: dict[str, Any] = {
    "version": "kamdesk-default-1",
    "key_account": {
        # Seed 000 p.11: 月消费3000元; below it, 本地客户中电信支出相对较多 → local key
        # account, judged by the branch (None: no automatic line, the AM's flag decides).
        "monthly_spend_threshold": "3000",
        "local_key_spend_threshold": None,
    },
    "weights": {"industry": "0.20", "monthly_spend": "0.40", "strategic": "0.25", "growth": "0.15"},
    # Industry groups of the seeds (reference data codes); an unknown group scores the default.
    "industry_scores": {
        "finance": "90",
        "party_government_military": "90",
        "it": "80",
        "science_education_culture_health": "70",
        "tourism": "60",
        "general_1": "50",
        "general_2": "50",
    },
    "industry_default": "50",
    "monthly_spend_curve": {
        "kind": "linear",
        "points": [
            ["0", "0"],
            ["3000", "40"],
            ["10000", "70"],
            ["50000", "90"],
            ["200000", "100"],
        ],
    },
    "strategic_scores": {
        "hq_strategic": "100",
        "national_group": "90",
        "party_government_military": "80",
        "provincial_group": "70",
        "none": "0",
    },
    "growth_scores": {"low": "20", "medium": "60", "high": "100"},
    "grade_cutoffs": {"A": "75", "B": "50"},
    # National accounts (top 500, HQ first responsible) always get the A service.
    "minimum_grade_by_level": {"national": "A"},
}
"""KAMDesk's default rules, in the form HQ publishes (see the module docstring)."""
