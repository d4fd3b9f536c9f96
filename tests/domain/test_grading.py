"""Grading engine: categories, level, score and grade under HQ rules, hand-computed."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamdesk.domain.customers.classification import (
    AccountLevel,
    Grade,
    GroupScope,
    GrowthPotential,
    KeyAccountCategory,
)
from kamdesk.domain.customers.grading import GradingInputs, grade
from kamdesk.domain.customers.grading_rules import DEFAULT_GRADING_RULES, GradingRules
from kamdesk.domain.customers.reasons import describe
from kamdesk.errors import KamdeskError

RULES = GradingRules.from_dict(DEFAULT_GRADING_RULES)


def _rules(**changes: Any) -> GradingRules:
    data = copy.deepcopy(DEFAULT_GRADING_RULES)
    data.update(changes)
    return GradingRules.from_dict(data)


def test_provincial_bank_branch_is_grade_a(english: None):
    # finance 90×0.20 + spend 75×0.40 (70 + 20×10000/40000) + provincial group 70×0.25
    # + high growth 100×0.15 = 18 + 30 + 17.5 + 15 = 80.5
    result = grade(
        GradingInputs(
            industry_group="finance",
            industry_name="Finance",
            monthly_spend=Decimal("20000"),
            group_scope=GroupScope.PROVINCIAL,
            growth_potential=GrowthPotential.HIGH,
        ),
        RULES,
    )
    assert result.score == Decimal("80.50")
    assert result.grade is Grade.A
    assert result.category is KeyAccountCategory.PROVINCIAL_GROUP
    assert result.categories == (
        KeyAccountCategory.PROVINCIAL_GROUP,
        KeyAccountCategory.MONTHLY_SPEND,
    )
    assert result.level is AccountLevel.PROVINCIAL
    assert result.is_key_account
    assert [describe(r) for r in result.reasons] == [
        "Key account: provincial group customer",
        "Key account: monthly spend 20000 CNY is at least 3000 CNY",
        "Provincial level: provincial group customer",
        "Industry Finance: 90.00 points, weight 0.20",
        "Monthly spend 20000 CNY: 75.00 points, weight 0.40",
        "Strategic importance (provincial group customer): 70.00 points, weight 0.25",
        "High growth potential: 100.00 points, weight 0.15",
        "Weighted score 80.50 of 100 gives grade A (A from 75, B from 50)",
    ]
    assert result.rules_version == "kamdesk-default-1"


def test_account_at_the_spend_line_is_grade_c():
    # general 50×0.2 + 40×0.4 + 0 + medium 60×0.15 = 10 + 16 + 0 + 9 = 35
    result = grade(GradingInputs("general_1", Decimal("3000")), RULES)
    assert (result.score, result.grade) == (Decimal("35.00"), Grade.C)
    assert result.categories == (KeyAccountCategory.MONTHLY_SPEND,)
    assert result.level is AccountLevel.LOCAL


def test_government_body_below_the_spend_line_is_still_a_key_account():
    # 90×0.2 + (40×1000/3000 = 13.33)×0.4 + 80×0.25 + 20×0.15 = 18 + 5.332 + 20 + 3
    result = grade(
        GradingInputs(
            "party_government_military",
            Decimal("1000"),
            party_government_military=True,
            growth_potential=GrowthPotential.LOW,
        ),
        RULES,
    )
    assert result.category is KeyAccountCategory.PARTY_GOVERNMENT_MILITARY
    assert result.score == Decimal("46.33")
    assert result.grade is Grade.C


def test_national_account_is_raised_to_grade_a(english: None):
    # tourism 60×0.2 + (40×2000/3000 = 26.67)×0.4 + national group 90×0.25 + 20×0.15
    # = 12 + 10.668 + 22.5 + 3 = 48.168 → 48.17 → C, raised to A by the national minimum
    result = grade(
        GradingInputs(
            "tourism",
            Decimal("2000"),
            group_scope=GroupScope.NATIONAL,
            growth_potential=GrowthPotential.LOW,
        ),
        RULES,
    )
    assert result.score == Decimal("48.17")
    assert (result.score_grade, result.grade) == (Grade.C, Grade.A)
    assert result.level is AccountLevel.NATIONAL
    assert describe(result.reasons[-1]) == (
        "Raised to grade A: national accounts get at least grade A"
    )


def test_top500_flag_gives_national_level():
    result = grade(GradingInputs("it", Decimal("5000"), national_top500=True), RULES)
    assert result.level is AccountLevel.NATIONAL
    assert result.grade is Grade.A


def test_hq_designation_counts_as_best_strategic_basis():
    plain = grade(GradingInputs("it", Decimal("5000")), RULES)
    strategic = grade(GradingInputs("it", Decimal("5000"), hq_strategic=True), RULES)
    assert strategic.score - plain.score == Decimal("25.00")  # 100 points × 0.25
    assert strategic.categories == (
        KeyAccountCategory.MONTHLY_SPEND,
        KeyAccountCategory.HQ_STRATEGIC,
    )


def test_below_the_line_local_key_or_not_key(english: None):
    local = grade(GradingInputs("it", Decimal("2999.99"), large_for_area=True), RULES)
    assert local.category is KeyAccountCategory.LOCAL_KEY
    assert local.is_key_account
    ordinary = grade(GradingInputs("it", Decimal("2999.99")), RULES)
    assert ordinary.category is KeyAccountCategory.NOT_KEY
    assert not ordinary.is_key_account
    assert describe(ordinary.reasons[0]) == (
        "Not a key account: monthly spend 2999.99 CNY is below 3000 CNY and no other rule applies"
    )


def test_optional_local_spend_line():
    rules = _rules(
        key_account={"monthly_spend_threshold": "3000", "local_key_spend_threshold": "1000"}
    )
    assert grade(GradingInputs("it", Decimal("1500")), rules).category is (
        KeyAccountCategory.LOCAL_KEY
    )
    assert grade(GradingInputs("it", Decimal("999")), rules).category is KeyAccountCategory.NOT_KEY


def _spend_only(curve: dict[str, Any]) -> GradingRules:
    return _rules(
        weights={"industry": "0", "monthly_spend": "1", "strategic": "0", "growth": "0"},
        monthly_spend_curve=curve,
    )


def test_score_is_rounded_before_it_meets_the_cut_offs():
    rules = _spend_only({"kind": "linear", "points": [["0", "0"], ["100", "100"]]})
    assert grade(GradingInputs("it", Decimal("49.994")), rules).grade is Grade.C
    rounded_up = grade(GradingInputs("it", Decimal("49.995")), rules)
    assert (rounded_up.score, rounded_up.grade) == (Decimal("50.00"), Grade.B)
    assert grade(GradingInputs("it", Decimal("74.99")), rules).grade is Grade.B
    assert grade(GradingInputs("it", Decimal("75")), rules).grade is Grade.A


def test_step_curve_gives_tiers():
    rules = _spend_only({"kind": "steps", "points": [[0, 0], [3000, 40], [10000, 70]]})
    scores = [grade(GradingInputs("it", Decimal(s)), rules).score for s in (0, 9999, 10000, 10**6)]
    assert scores == [Decimal("0.00"), Decimal("40.00"), Decimal("70.00"), Decimal("70.00")]


def test_weights_are_relative():
    doubled = _rules(
        weights={"industry": "0.4", "monthly_spend": "0.8", "strategic": "0.5", "growth": "0.3"}
    )
    inputs = GradingInputs("finance", Decimal("20000"), group_scope=GroupScope.PROVINCIAL)
    assert grade(inputs, doubled).score == grade(inputs, RULES).score


def test_unknown_industry_scores_the_default():
    result = grade(GradingInputs("shipping", Decimal("3000")), RULES)
    assert result.factors[0].points == Decimal("50.00")


def test_negative_spend_is_refused():
    with pytest.raises(KamdeskError) as caught:
        grade(GradingInputs("it", Decimal("-1")), RULES)
    assert caught.value.code == "grading.negative_spend"


def test_rules_round_trip_through_json():
    assert GradingRules.from_dict(RULES.to_dict()) == RULES
    assert GradingRules.from_json(json.dumps(DEFAULT_GRADING_RULES)) == RULES


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"version": ""}, "version"),
        (
            {"weights": {"industry": "-1", "monthly_spend": "1", "strategic": "0", "growth": "0"}},
            "weights.industry",
        ),
        (
            {"weights": {"industry": "0", "monthly_spend": "0", "strategic": "0", "growth": "0"}},
            "weights",
        ),
        ({"grade_cutoffs": {"A": "50", "B": "75"}}, "grade_cutoffs"),
        ({"grade_cutoffs": {"A": "101", "B": "50"}}, "grade_cutoffs.A"),
        ({"monthly_spend_curve": {"points": [["10", "0"]]}}, "monthly_spend_curve.points[0]"),
        (
            {"monthly_spend_curve": {"points": [["0", "0"], ["0", "5"]]}},
            "monthly_spend_curve.points[1]",
        ),
        (
            {"monthly_spend_curve": {"kind": "cubic", "points": [["0", "0"]]}},
            "monthly_spend_curve.kind",
        ),
        ({"growth_scores": {"low": "1", "medium": "2"}}, "growth_scores"),
        (
            {"growth_scores": {"low": "1", "medium": "2", "high": "3", "huge": "4"}},
            "growth_scores.huge",
        ),
        ({"industry_scores": {"it": "abc"}}, "industry_scores.it"),
        ({"minimum_grade_by_level": {"national": "S"}}, "minimum_grade_by_level.national"),
    ],
)
def test_invalid_rules_name_the_field(changes: dict[str, Any], field: str):
    with pytest.raises(KamdeskError) as caught:
        _rules(**changes)
    assert caught.value.code == "grading.rules_invalid"
    assert caught.value.params["field"] == field


def test_bad_json_is_refused():
    with pytest.raises(KamdeskError):
        GradingRules.from_json("{not json")
    with pytest.raises(KamdeskError):
        GradingRules.from_json("[1, 2]")


@given(
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.sampled_from(list(GrowthPotential)),
    st.sampled_from(list(GroupScope)),
)
def test_more_spend_never_lowers_score_or_grade(
    low: Decimal, high: Decimal, growth: GrowthPotential, scope: GroupScope
):
    low, high = min(low, high), max(low, high)
    a = grade(GradingInputs("it", low, growth_potential=growth, group_scope=scope), RULES)
    b = grade(GradingInputs("it", high, growth_potential=growth, group_scope=scope), RULES)
    assert Decimal(0) <= a.score <= b.score <= Decimal(100)
    assert "ABC".index(b.grade.value) <= "ABC".index(a.grade.value)
