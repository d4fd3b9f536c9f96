"""Monthly evaluation sheets on a small seeded database: hand-computed incentives, the
KPI engine's own figures, the schedule in force, and who may read whose sheet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from kamdesk.domain.evaluation import EvaluationReport, TargetStatus
from kamdesk.domain.incentive import IncentiveBand, StaffRole
from kamdesk.domain.kpi import Dimension, month, parse_period
from kamdesk.errors import KamdeskError
from kamdesk.services.evaluation import EvaluationService, history_window, months_on_staff
from kamdesk.services.kpi import KpiService
from tests.services.evaluation_fixture import EXPECTED_AMOUNTS, actor, build_evaluation
from tests.services.kpi_fixture import Built

OCTOBER = month(2026, 10)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build_evaluation(tmp_path_factory.mktemp("evaluation") / "kpi.sqlite")
    yield b
    b.engine.dispose()


@pytest.fixture(scope="module")
def report(built: Built) -> EvaluationReport:
    return EvaluationService(built.engine).report(actor(built, "boss", "leader"), OCTOBER)


def test_every_am_of_the_branch_with_the_hand_computed_incentive(report: EvaluationReport):
    amounts = {p.login: p.incentive.amount for p in report.people}
    assert amounts == EXPECTED_AMOUNTS  # the inactive AM without figures is not listed
    assert report.branch_name == "测试分公司"
    assert [p.group for p in report.people] == sorted(p.group for p in report.people)


def test_bands_roles_and_why(report: EvaluationReport):
    people = {p.login: p for p in report.people}
    assert people["am1"].incentive.result is not None
    assert people["am1"].incentive.result.band is IncentiveBand.BAND
    assert people["am2"].incentive.result is not None
    assert people["am2"].incentive.result.band is IncentiveBand.ABOVE_CAP
    assert people["am3"].incentive.result is not None
    assert people["am3"].incentive.result.band is IncentiveBand.BELOW_FLOOR
    support = people["am4"].incentive
    assert support.role is StaffRole.SUPPORT
    assert support.result is not None and support.result.band is IncentiveBand.ABOVE_CAP
    assert people["am5"].incentive.result is None
    assert people["am5"].incentive.steps[-1].code == "evaluation.average.missing"
    # Where A and C came from is part of the explanation.
    codes = [step.code for step in people["am2"].incentive.steps]
    assert "evaluation.average.history" in codes and "evaluation.commission.schedule" in codes
    history = next(
        s for s in people["am2"].incentive.steps if s.code == "evaluation.average.history"
    )
    assert dict(history.params) == {
        "months": 2, "window": "2025-10..2026-09", "revenue": Decimal("5000.00"),
        "amount": Decimal("2500.00"),
    }  # fmt: skip
    codes = [step.code for step in people["am1"].incentive.steps]
    assert "evaluation.average.target" in codes and "evaluation.commission.target" in codes


def test_the_schedule_in_force_is_the_latest_live_version_of_the_month(report: EvaluationReport):
    assert report.schedule.version == 1
    assert report.schedule.effective_from == date(2026, 1, 1)
    assert report.schedule.schedule.sales.commission_per_100 == Decimal("2.5")


def test_a_later_version_applies_from_its_month(built: Built):
    service = EvaluationService(built.engine)
    november = service.report(actor(built, "boss", "leader"), month(2026, 11))
    assert november.schedule.version == 2
    assert november.schedule.schedule.sales.commission_per_100 == Decimal(9)


def test_kpi_lines_against_targets(report: EvaluationReport):
    people = {p.login: p for p in report.people}
    am1, am2 = people["am1"], people["am2"]
    statuses = {line.kpi.code: line.status for line in am1.lines if line.target is not None}
    assert statuses == {
        "K01": TargetStatus.MET, "K02": TargetStatus.MISSED, "K07": TargetStatus.MET,
        "K12": TargetStatus.MET, "K14": TargetStatus.MET,
    }  # fmt: skip
    assert (am1.targets_met, am1.targets_set) == (4, 5)
    assert am1.line("K14").target == 1.0
    assert am2.line("K08").status is TargetStatus.NO_VALUE
    assert (am2.targets_met, am2.targets_set) == (0, 3)
    assert people["am3"].line("K14").status is TargetStatus.NO_TARGET


def test_figures_are_the_kpi_engines(built: Built, report: EvaluationReport):
    pack = KpiService(built.engine).pack(OCTOBER, (Dimension.AM,), actor=None)
    engine_rows = {row.key: row.figures for row in pack.rows[Dimension.AM]}
    for person in report.people:
        if person.staff_id in engine_rows:
            assert {line.kpi.code: line.figure for line in person.lines} == dict(
                engine_rows[person.staff_id]
            )
    assert {p.login: p.revenue for p in report.people}["am1"] == Decimal("11000.00")


def test_summary_table_and_raw_rows_give_the_same_sheets(built: Built, report: EvaluationReport):
    KpiService(built.engine).rebuild_summary()
    boss = actor(built, "boss", "leader")
    from_summary = EvaluationService(built.engine).report(boss, OCTOBER)
    raw = EvaluationService(built.engine, use_summary=False).report(boss, OCTOBER)
    assert from_summary.people == raw.people == report.people


@pytest.mark.parametrize(
    ("login", "role", "group", "expected"),
    [
        ("im2", "industry_manager", "g2", ["am2", "am4"]),
        ("am3", "am", "g1", ["am3"]),
    ],
)
def test_each_role_sees_its_scope(
    built: Built, login: str, role: str, group: str, expected: list[str]
):
    seen = EvaluationService(built.engine).report(actor(built, login, role, group), OCTOBER)
    assert sorted(p.login for p in seen.people) == expected


def test_one_person_by_login(built: Built):
    one = EvaluationService(built.engine).report(actor(built, "boss", "leader"), OCTOBER, "am4")
    assert [(p.login, p.incentive.amount) for p in one.people] == [("am4", Decimal("3600.00"))]


@pytest.mark.parametrize(
    ("login", "role", "person", "period", "code"),
    [
        ("clerk1", "clerk", None, "2026-10", "evaluation.not_allowed"),
        ("am3", "am", "am1", "2026-10", "evaluation.not_yours"),
        ("im2", "industry_manager", "am1", "2026-10", "evaluation.not_yours"),
        ("boss", "leader", "nobody", "2026-10", "evaluation.unknown_person"),
        ("boss", "leader", None, "2026-Q4", "evaluation.not_a_month"),
    ],
)
def test_refusals(built: Built, login: str, role: str, person: str | None, period: str, code: str):
    group = "g2" if login == "im2" else None
    with pytest.raises(KamdeskError) as caught:
        EvaluationService(built.engine).report(
            actor(built, login, role, group), parse_period(period), person
        )
    assert caught.value.code == code


def test_history_window_and_months_on_staff():
    window = history_window(month(2026, 1), 12)
    assert (window.first, window.last) == (date(2025, 1, 1), date(2025, 12, 31))
    assert months_on_staff(window, None) == 12
    assert months_on_staff(window, date(2025, 12, 31)) == 1
    assert months_on_staff(window, date(2026, 1, 1)) == 0
    assert months_on_staff(window, date(2020, 5, 5)) == 12
