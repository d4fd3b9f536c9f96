"""The evaluation sheet's own rules: KPI targets met or not, where A, B and C come from,
and a person without a basis gets the reason instead of a zero (hand-computed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kamdesk.domain.evaluation import (
    IncentiveBasis,
    TargetStatus,
    evaluation_lines,
    judge,
    money,
    person_incentive,
    schedule_rows,
)
from kamdesk.domain.incentive import (
    DEFAULT_INCENTIVE_SCHEDULE,
    IncentiveBand,
    IncentiveSchedule,
    StaffRole,
)
from kamdesk.domain.kpi.definitions import KPI_BY_CODE
from kamdesk.domain.kpi.figures import Figure
from kamdesk.errors import KamdeskError

D = Decimal
SCHEDULE = IncentiveSchedule()


def basis(**kw: object) -> IncentiveBasis:
    values: dict[str, object] = {
        "month": "2026-10", "window": "2025-10..2026-09", "revenue": D("11000.00"),
        "revenue_target": D("10000.00"), "history_revenue": D("0"), "history_months": 12,
    }  # fmt: skip
    values.update(kw)
    return IncentiveBasis(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "value", "target", "status"),
    [
        ("K01", 0.9, 0.9, TargetStatus.MET),  # at the target is met
        ("K01", 0.8999, 0.9, TargetStatus.MISSED),
        ("K02", 5.0, 5.0, TargetStatus.MET),  # lower is better
        ("K02", 5.06, 5.0, TargetStatus.MISSED),
        ("K07", 0.0, 0.05, TargetStatus.MET),
        ("K08", None, 1.0, TargetStatus.NO_VALUE),
        ("K12", 4.9, None, TargetStatus.NO_TARGET),
    ],
)
def test_judge(code: str, value: float | None, target: float | None, status: TargetStatus):
    assert judge(KPI_BY_CODE[code], value, target) is status


def test_float_noise_does_not_fail_a_met_target():
    assert judge(KPI_BY_CODE["K01"], 0.1 + 0.2, 0.3) is TargetStatus.MET


def test_lines_cover_every_kpi_and_k14_targets_the_revenue_target_in_full():
    figures = {"K14": Figure.of("K14", 1_100_000, 1_000_000)}  # fen
    lines = evaluation_lines(figures, {"K01": 0.95})
    assert len(lines) == len(KPI_BY_CODE)
    by_code = {line.kpi.code: line for line in lines}
    assert by_code["K14"].target == 1.0 and by_code["K14"].status is TargetStatus.MET
    assert by_code["K01"].status is TargetStatus.NO_VALUE
    assert evaluation_lines({}, {})[0].figure.value is None
    # No revenue target: no implicit K14 target.
    assert by_code["K14"].figure.denominator == 10_000
    bare = evaluation_lines({"K14": Figure.of("K14", 500, 0)}, {})
    assert {line.kpi.code: line for line in bare}["K14"].status is TargetStatus.NO_TARGET


def test_money_is_the_exact_fen():
    assert money(16_000.0) == D("16000.00")
    assert money(0.1 + 0.2) == D("0.30")
    assert money(123_456_789.07) == D("123456789.07")


def test_sales_with_a_and_c_set_by_hq_in_the_band(english: None):
    result = person_incentive(basis(average=D("10000"), commission=D("2")), SCHEDULE)
    assert result.role is StaffRole.SALES and result.amount == D("34.00")
    text = result.explanation()
    assert text[1] == "R = revenue of 2026-10 = 11000.00 CNY (numerator of K14 for the person)"
    assert text[2] == "A = 10000 CNY, set by HQ for 2026-10"
    assert text[3] == "C = 2 CNY per 100 CNY, set by HQ for 2026-10"
    assert text[-1] == "Amount: 34.00 CNY (rounded to the fen)"


def test_sales_a_from_history_is_rounded_to_the_fen_first(english: None):
    # A = 20,000 / 12 = 1,666.67 (not 1,666.666…); C = 2 by default; R = 11,000 > 1.2A
    # → 0.2 × 33.3334 + (11,000 − 2,000.004) × 0.02 = 6.66668 + 179.99992 = 186.6666 → 186.67
    result = person_incentive(basis(history_revenue=D("20000.00")), SCHEDULE)
    assert result.amount == D("186.67")
    assert result.result is not None and result.result.band is IncentiveBand.ABOVE_CAP
    assert result.explanation()[2] == (
        "A = revenue of the 12 month(s) on staff in 2025-10..2026-09 / 12 = 20000.00 / 12 = "
        "1666.67 CNY (rounded to the fen)"
    )
    assert result.explanation()[3] == (
        "C = 2 CNY per 100 CNY (the schedule's default: HQ set none for 2026-10)"
    )


def test_sales_history_divides_by_the_months_on_staff():
    result = person_incentive(
        basis(revenue=D("5000.00"), history_revenue=D("5000.00"), history_months=2),
        IncentiveSchedule.from_dict({"sales": {"commission_per_100": "2.5"}}),
    )
    assert result.amount == D("62.50")  # 0.2 × 62.5 + 2,000 × 0.025


def test_sales_below_the_floor_earns_nothing():
    result = person_incentive(basis(revenue=D("0.00"), average=D("5000")), SCHEDULE)
    assert result.amount == D("0.00")
    assert result.result is not None and result.result.band is IncentiveBand.BELOW_FLOOR


@pytest.mark.parametrize(
    "kw",
    [
        {"history_months": 12, "history_revenue": D("0")},  # no revenue in the window
        {"history_months": 0, "history_revenue": D("9000")},  # hired after the window
    ],
)
def test_sales_without_any_a_gets_a_reason_not_a_zero(english: None, kw: dict[str, object]):
    result = person_incentive(basis(**kw), SCHEDULE)
    assert result.amount is None and result.result is None
    assert result.explanation()[-1] == (
        "No historical average A: HQ set none for 2026-10 and the person has no revenue "
        "in 2025-10..2026-09; no incentive is computed"
    )


def test_a_refusal_of_the_schedule_becomes_the_reason(english: None):
    result = person_incentive(basis(revenue=D("-10.00"), average=D("1000")), SCHEDULE)
    assert result.amount is None
    assert result.explanation()[-1] == (
        "No incentive is computed: Revenue cannot be negative (-10.00 CNY)"
    )


def test_support_staff_paid_by_completion_within_the_schedule(english: None):
    result = person_incentive(
        basis(revenue=D("6000.00"), revenue_target=D("4000.00"), quota=D("3000")), SCHEDULE
    )
    assert result.role is StaffRole.SUPPORT and result.amount == D("3600.00")
    assert result.explanation()[:2] == [
        "Support staff: performance-pay quota B = 3000 CNY set by HQ for 2026-10",
        "Target completion = revenue / revenue target = 6000.00 / 4000.00 = 150.00%",
    ]
    low = person_incentive(
        basis(revenue=D("2000.00"), revenue_target=D("4000.00"), quota=D("3000")), SCHEDULE
    )
    assert low.amount == D("2400.00")  # 50 % counts as the schedule's 80 %
    zero = IncentiveSchedule.from_dict({"support": {"below_floor": "zero"}})
    assert person_incentive(
        basis(revenue=D("2000.00"), revenue_target=D("4000.00"), quota=D("3000")), zero
    ).amount == D("0.00")


def test_support_without_a_revenue_target_cannot_be_measured(english: None):
    result = person_incentive(basis(revenue_target=None, quota=D("3000")), SCHEDULE)
    assert result.amount is None
    assert result.explanation()[-1] == (
        "No revenue target for 2026-10: completion cannot be measured; no pay is computed"
    )


def test_the_schedules_open_figures_are_data():
    assert DEFAULT_INCENTIVE_SCHEDULE["sales"]["commission_per_100"] == "2"
    assert DEFAULT_INCENTIVE_SCHEDULE["sales"]["history_months"] == 12
    custom = IncentiveSchedule.from_dict({"sales": {"history_months": "6"}})
    assert custom.sales.history_months == 6
    assert IncentiveSchedule.from_dict(custom.to_dict()) == custom
    for bad in ({"history_months": 0}, {"history_months": "six"}, {"commission_per_100": "-1"}):
        with pytest.raises(KamdeskError) as caught:
            IncentiveSchedule.from_dict({"sales": bad})
        assert caught.value.params["field"] == f"sales.{next(iter(bad))}"


def test_schedule_rows_show_every_figure(english: None):
    rows = dict(schedule_rows(IncentiveSchedule()))
    assert rows["Sales: no bonus below"] == "0.8 × A"
    assert rows["Sales: bonus at the upper bound"] == "0.2 × A·C"
    assert rows["Support: completion counted up to"] == "120.00%"
    assert rows["Sales: months A averages over"] == "12"
