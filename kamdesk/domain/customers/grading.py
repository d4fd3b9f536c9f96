"""The grading engine: an account's key-account category, level and A/B/C grade, with why.

Category (seed 000 p.11, DOMAIN.md "Key accounts"): an account is a key account when
it is a party/government/military body, a national or provincial group customer,
spends at least the threshold (3,000 CNY) a month, or is designated strategic by HQ.
All rules that hold are kept in ``categories`` (in that order); the first is
``category``. An account meeting none is a local key account when the branch marks it
large for its area (or it reaches the optional local spend line), else not a key
account. Level: national for HQ's top-500 list or a national group, provincial for a
provincial group, local otherwise.

Grade: each factor's points (0-100, rounded to 0.01) are averaged with the rules'
weights; the score is rounded to 0.01 (half up) *before* it meets the cut-offs, so
the figure shown is the figure compared. A level may impose a minimum grade.

Guarantee: the same inputs and rules always give the same result, and every number
in ``reasons`` is one a reader can recompute the score from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kamdesk.domain.customers.classification import (
    GRADE_ORDER,
    AccountLevel,
    Grade,
    GroupScope,
    GrowthPotential,
    KeyAccountCategory,
)
from kamdesk.domain.customers.grading_rules import GradingRules, StrategicBasis
from kamdesk.domain.customers.reasons import Reason, define_reasons, reason
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

CENT = Decimal("0.01")

define({"grading.negative_spend": N_("Monthly spend cannot be negative ({spend} CNY)")})

define_reasons(
    {
        "grading.category.party_government_military": N_(
            "Key account: party, government or military body"
        ),
        "grading.category.national_group": N_("Key account: national group customer"),
        "grading.category.provincial_group": N_("Key account: provincial group customer"),
        "grading.category.monthly_spend": N_(
            "Key account: monthly spend {spend} CNY is at least {threshold} CNY"
        ),
        "grading.category.hq_strategic": N_("Key account: designated strategic by HQ"),
        "grading.category.local_key": N_(
            "Local key account: monthly spend {spend} CNY is below {threshold} CNY "
            "but large for the area"
        ),
        "grading.category.local_key_spend": N_(
            "Local key account: monthly spend {spend} CNY is below {threshold} CNY "
            "but at least the local line of {local_threshold} CNY"
        ),
        "grading.category.not_key": N_(
            "Not a key account: monthly spend {spend} CNY is below {threshold} CNY "
            "and no other rule applies"
        ),
        "grading.level.national_top500": N_(
            "National level: on HQ's list of top national accounts"
        ),
        "grading.level.national_group": N_("National level: national group customer"),
        "grading.level.provincial_group": N_("Provincial level: provincial group customer"),
        "grading.level.local": N_("Local level"),
        "grading.score.industry": N_("Industry {industry}: {points} points, weight {weight}"),
        "grading.score.monthly_spend": N_(
            "Monthly spend {spend} CNY: {points} points, weight {weight}"
        ),
        "grading.score.strategic.hq_strategic": N_(
            "Strategic importance (designated by HQ): {points} points, weight {weight}"
        ),
        "grading.score.strategic.national_group": N_(
            "Strategic importance (national group customer): {points} points, weight {weight}"
        ),
        "grading.score.strategic.party_government_military": N_(
            "Strategic importance (party, government or military body): {points} points, "
            "weight {weight}"
        ),
        "grading.score.strategic.provincial_group": N_(
            "Strategic importance (provincial group customer): {points} points, weight {weight}"
        ),
        "grading.score.strategic.none": N_(
            "No strategic importance recorded: {points} points, weight {weight}"
        ),
        "grading.score.growth.low": N_("Low growth potential: {points} points, weight {weight}"),
        "grading.score.growth.medium": N_(
            "Medium growth potential: {points} points, weight {weight}"
        ),
        "grading.score.growth.high": N_("High growth potential: {points} points, weight {weight}"),
        "grading.score.total": N_(
            "Weighted score {score} of 100 gives grade {grade} (A from {a_from}, B from {b_from})"
        ),
        "grading.grade.minimum.national": N_(
            "Raised to grade {grade}: national accounts get at least grade {grade}"
        ),
        "grading.grade.minimum.provincial": N_(
            "Raised to grade {grade}: provincial accounts get at least grade {grade}"
        ),
        "grading.grade.minimum.local": N_(
            "Raised to grade {grade}: local accounts get at least grade {grade}"
        ),
    }
)


@dataclass(frozen=True)
class GradingInputs:
    """What the customer file knows about an account; money in CNY.

    ``industry_group`` is the reference-data code the rules score; ``industry_name``
    is shown in the explanation instead of the code when given. ``monthly_spend`` is
    the account's typical monthly telecom spend (e.g. the mean of the last three
    billed months — the caller chooses and should say so).
    """

    industry_group: str
    monthly_spend: Decimal
    party_government_military: bool = False
    group_scope: GroupScope = GroupScope.NONE
    hq_strategic: bool = False
    national_top500: bool = False
    large_for_area: bool = False
    growth_potential: GrowthPotential = GrowthPotential.MEDIUM
    industry_name: str = ""


@dataclass(frozen=True)
class FactorScore:
    factor: str  # industry, monthly_spend, strategic, growth
    points: Decimal
    weight: Decimal


@dataclass(frozen=True)
class GradeResult:
    category: KeyAccountCategory
    categories: tuple[KeyAccountCategory, ...]
    level: AccountLevel
    grade: Grade
    score_grade: Grade  # the grade from the score alone, before a level's minimum
    score: Decimal
    factors: tuple[FactorScore, ...]
    reasons: tuple[Reason, ...]
    rules_version: str

    @property
    def is_key_account(self) -> bool:
        return self.category is not KeyAccountCategory.NOT_KEY


def grade(inputs: GradingInputs, rules: GradingRules) -> GradeResult:
    """Category, level and grade of one account under ``rules``, with the reasons."""
    if inputs.monthly_spend < 0:
        raise KamdeskError("grading.negative_spend", spend=inputs.monthly_spend)
    categories, category_reasons = _categories(inputs, rules)
    level, level_reason = _level(inputs)
    factors, factor_reasons = _factors(inputs, rules)
    total = sum((f.points * f.weight for f in factors), Decimal(0)) / rules.weight_total
    score = total.quantize(CENT, rounding=ROUND_HALF_UP)
    if score >= rules.grade_a_from:
        score_grade = Grade.A
    elif score >= rules.grade_b_from:
        score_grade = Grade.B
    else:
        score_grade = Grade.C
    reasons = [*category_reasons, level_reason, *factor_reasons]
    reasons.append(
        reason(
            "grading.score.total",
            score=score,
            grade=score_grade.value,
            a_from=rules.grade_a_from,
            b_from=rules.grade_b_from,
        )
    )
    final = score_grade
    floor = rules.minimum_grade_by_level.get(level)
    if floor is not None and GRADE_ORDER.index(floor) < GRADE_ORDER.index(score_grade):
        final = floor
        reasons.append(reason(f"grading.grade.minimum.{level.value}", grade=floor.value))
    return GradeResult(
        category=categories[0],
        categories=categories,
        level=level,
        grade=final,
        score_grade=score_grade,
        score=score,
        factors=factors,
        reasons=tuple(reasons),
        rules_version=rules.version,
    )


def _categories(
    inputs: GradingInputs, rules: GradingRules
) -> tuple[tuple[KeyAccountCategory, ...], list[Reason]]:
    spend, threshold = inputs.monthly_spend, rules.key_account_spend_threshold
    found: list[KeyAccountCategory] = []
    reasons: list[Reason] = []
    if inputs.party_government_military:
        found.append(KeyAccountCategory.PARTY_GOVERNMENT_MILITARY)
        reasons.append(reason("grading.category.party_government_military"))
    if inputs.group_scope is GroupScope.NATIONAL:
        found.append(KeyAccountCategory.NATIONAL_GROUP)
        reasons.append(reason("grading.category.national_group"))
    if inputs.group_scope is GroupScope.PROVINCIAL:
        found.append(KeyAccountCategory.PROVINCIAL_GROUP)
        reasons.append(reason("grading.category.provincial_group"))
    if spend >= threshold:
        found.append(KeyAccountCategory.MONTHLY_SPEND)
        reasons.append(reason("grading.category.monthly_spend", spend=spend, threshold=threshold))
    if inputs.hq_strategic:
        found.append(KeyAccountCategory.HQ_STRATEGIC)
        reasons.append(reason("grading.category.hq_strategic"))
    if found:
        return tuple(found), reasons
    local_line = rules.local_key_spend_threshold
    if inputs.large_for_area:
        return (KeyAccountCategory.LOCAL_KEY,), [
            reason("grading.category.local_key", spend=spend, threshold=threshold)
        ]
    if local_line is not None and spend >= local_line:
        return (KeyAccountCategory.LOCAL_KEY,), [
            reason(
                "grading.category.local_key_spend",
                spend=spend,
                threshold=threshold,
                local_threshold=local_line,
            )
        ]
    return (KeyAccountCategory.NOT_KEY,), [
        reason("grading.category.not_key", spend=spend, threshold=threshold)
    ]


def _level(inputs: GradingInputs) -> tuple[AccountLevel, Reason]:
    if inputs.national_top500:
        return AccountLevel.NATIONAL, reason("grading.level.national_top500")
    if inputs.group_scope is GroupScope.NATIONAL:
        return AccountLevel.NATIONAL, reason("grading.level.national_group")
    if inputs.group_scope is GroupScope.PROVINCIAL:
        return AccountLevel.PROVINCIAL, reason("grading.level.provincial_group")
    return AccountLevel.LOCAL, reason("grading.level.local")


def _strategic_basis(inputs: GradingInputs, rules: GradingRules) -> StrategicBasis:
    present: list[StrategicBasis] = []
    if inputs.hq_strategic:
        present.append(StrategicBasis.HQ_STRATEGIC)
    if inputs.group_scope is GroupScope.NATIONAL:
        present.append(StrategicBasis.NATIONAL_GROUP)
    if inputs.party_government_military:
        present.append(StrategicBasis.PARTY_GOVERNMENT_MILITARY)
    if inputs.group_scope is GroupScope.PROVINCIAL:
        present.append(StrategicBasis.PROVINCIAL_GROUP)
    present.append(StrategicBasis.NONE)
    # The best-scoring basis counts; on a tie the one listed first (max keeps the first).
    return max(present, key=lambda b: rules.strategic_scores[b])


def _factors(
    inputs: GradingInputs, rules: GradingRules
) -> tuple[tuple[FactorScore, ...], list[Reason]]:
    def points(value: Decimal) -> Decimal:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)

    industry = points(rules.industry_scores.get(inputs.industry_group, rules.industry_default))
    spend = points(rules.monthly_spend_curve.score(inputs.monthly_spend))
    basis = _strategic_basis(inputs, rules)
    strategic = points(rules.strategic_scores[basis])
    growth = points(rules.growth_scores[inputs.growth_potential])
    factors = (
        FactorScore("industry", industry, rules.weight_industry),
        FactorScore("monthly_spend", spend, rules.weight_monthly_spend),
        FactorScore("strategic", strategic, rules.weight_strategic),
        FactorScore("growth", growth, rules.weight_growth),
    )
    reasons = [
        reason(
            "grading.score.industry",
            industry=inputs.industry_name or inputs.industry_group,
            points=industry,
            weight=rules.weight_industry,
        ),
        reason(
            "grading.score.monthly_spend",
            spend=inputs.monthly_spend,
            points=spend,
            weight=rules.weight_monthly_spend,
        ),
        reason(
            f"grading.score.strategic.{basis.value}",
            points=strategic,
            weight=rules.weight_strategic,
        ),
        reason(
            f"grading.score.growth.{inputs.growth_potential.value}",
            points=growth,
            weight=rules.weight_growth,
        ),
    ]
    return factors, reasons
