"""Grading under the published rules: inside the caller's transaction, with history,
the rule set in force, and a regrade of every account that agrees with the demo."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, GradeHistory, GradingRuleSet, RevenueMonth
from kamdesk.db.startup import open_database
from kamdesk.domain.customers.classification import Grade, KeyAccountCategory
from kamdesk.domain.customers.grading_rules import DEFAULT_GRADING_RULES
from kamdesk.domain.progress import Cancelled
from kamdesk.services.demo import DEFAULT_NOW, DemoSpec, generate_demo
from kamdesk.services.demo.catalog import INDUSTRY_GROUPS
from kamdesk.services.grading import GradingService, regrade
from kamdesk.services.uow import read_session, write_session
from tests.services.desk_support import NOW, Desk, add_account, make_desk


@pytest.fixture()
def desk(tmp_path: Path) -> Desk:
    return make_desk(tmp_path)


def _history(desk: Desk, customer_id: str) -> list[tuple[str, str]]:
    with read_session(desk.engine) as s:
        rows = s.execute(
            select(GradeHistory.grade, GradeHistory.category)
            .where(GradeHistory.customer_id == customer_id)
            .order_by(GradeHistory.computed_at, GradeHistory.id)
        )
        return [(g, c) for g, c in rows]


def test_spend_from_the_last_three_bills_sets_grade_category_and_reasons(desk: Desk) -> None:
    # finance 90 × 0.20 + spend 10,000 → 70 × 0.40 + no strategic 0 + medium growth 60 × 0.15
    customer_id = add_account(
        desk, "杭州银行", owner=desk.am, monthly_bills=(1, 9_000, 11_000, 10_000)
    )
    with write_session(desk.engine) as s:
        outcome = regrade(s, customer_id, NOW)
    assert outcome is not None
    assert outcome.monthly_spend == Decimal("10000.00")
    assert outcome.score == Decimal("55.00")
    assert outcome.grade is Grade.B
    assert outcome.category is KeyAccountCategory.MONTHLY_SPEND
    codes = [r.code for r in outcome.reasons]
    assert codes[0] == "grading.category.monthly_spend"
    assert "grading.score.total" in codes
    industry = next(r for r in outcome.reasons if r.code == "grading.score.industry")
    assert industry.params["industry"] == "金融"
    with read_session(desk.engine) as s:
        stored = s.get(Customer, customer_id)
        assert stored is not None
        assert (stored.grade, stored.grade_score, stored.monthly_spend) == (
            "B",
            55.0,
            Decimal("10000.00"),
        )
        assert stored.grade_reasons[0]["code"] == "grading.category.monthly_spend"
    assert _history(desk, customer_id) == [("B", "monthly_spend")]


def test_regrade_belongs_to_the_callers_unit_of_work(desk: Desk) -> None:
    customer_id = add_account(desk, "杭州银行", owner=desk.am, monthly_bills=(10_000,) * 3)
    with pytest.raises(RuntimeError), write_session(desk.engine) as s:
        customer = s.get(Customer, customer_id)
        assert customer is not None
        customer.strategic = True  # the caller's edit, seen by the regrade before commit
        outcome = regrade(s, customer_id, NOW)
        assert outcome is not None and outcome.grade is Grade.A
        raise RuntimeError("the caller fails after regrading")
    with read_session(desk.engine) as s:
        stored = s.get(Customer, customer_id)
        assert stored is not None and stored.grade == "B" and not stored.strategic
        assert s.execute(select(func.count()).select_from(GradeHistory)).scalar_one() == 0


def test_history_grows_only_when_grade_or_category_changes(desk: Desk) -> None:
    customer_id = add_account(
        desk, "杭州银行", owner=desk.am, grade="C", monthly_bills=(2_000,) * 3
    )
    with write_session(desk.engine) as s:
        first = regrade(s, customer_id, NOW)
    assert first is not None and first.grade is Grade.C and first.score == Decimal("37.67")
    # below 3,000 CNY but kept on the desk by the branch: a local key account
    assert first.category is KeyAccountCategory.LOCAL_KEY
    with write_session(desk.engine) as s:
        again = regrade(s, customer_id, NOW + timedelta(hours=1))
    assert again is not None and not again.changed
    with write_session(desk.engine) as s:
        s.add(
            RevenueMonth(
                customer_id=customer_id,
                product_id=desk.products["MPLS"],
                month=date(2026, 10, 1),
                amount=Decimal("40000"),
            )
        )
        customer = s.get(Customer, customer_id)
        assert customer is not None
        customer.strategic = True
        raised = regrade(s, customer_id, NOW + timedelta(hours=2))
    assert raised is not None and raised.changed
    assert (raised.previous_grade, raised.grade) == ("C", Grade.A)
    assert _history(desk, customer_id) == [("C", "local_key"), ("A", "monthly_spend")]
    history = GradingService(desk.engine).history(customer_id)
    assert [h.grade for h in history] == ["A", "C"]
    assert history[0].reasons[0].code == "grading.category.monthly_spend"


def test_the_rule_set_in_force_on_the_day_is_used(desk: Desk) -> None:
    customer_id = add_account(desk, "杭州银行", owner=desk.am, monthly_bills=(10_000,) * 3)
    stricter = json.loads(json.dumps(DEFAULT_GRADING_RULES))
    stricter["version"] = "hq-2027"
    stricter["grade_cutoffs"] = {"A": "90", "B": "60"}
    with write_session(desk.engine) as s:
        s.add_all(
            [
                GradingRuleSet(
                    version=1, effective_from=date(2025, 1, 1), rules=DEFAULT_GRADING_RULES,
                    published_at=NOW - timedelta(days=400),
                ),
                GradingRuleSet(
                    version=2, effective_from=date(2026, 12, 1), rules=stricter,
                    published_at=NOW,
                ),
            ]
        )  # fmt: skip
    with write_session(desk.engine) as s:
        now = regrade(s, customer_id, NOW)
        december = regrade(s, customer_id, NOW + timedelta(days=12))
    assert now is not None and (now.grade, now.rule_version) == (Grade.B, 1)
    assert december is not None and (december.grade, december.rule_version) == (Grade.C, 2)


def test_a_party_government_body_without_bills_keeps_its_recorded_spend(desk: Desk) -> None:
    customer_id = add_account(
        desk, "杭州市财政局", owner=desk.am, group="party_government_military"
    )
    with write_session(desk.engine) as s:
        customer = s.get(Customer, customer_id)
        assert customer is not None
        customer.monthly_spend = Decimal("2500.00")
        outcome = regrade(s, customer_id, NOW)
    assert outcome is not None
    assert outcome.category is KeyAccountCategory.PARTY_GOVERNMENT_MILITARY
    assert outcome.monthly_spend == Decimal("2500.00")


def test_closed_deleted_and_unknown_accounts_are_not_regraded(desk: Desk) -> None:
    left = add_account(desk, "已离网公司", owner=desk.am, monthly_bills=(10_000,) * 3)
    with write_session(desk.engine) as s:
        customer = s.get(Customer, left)
        assert customer is not None
        customer.status = "left"
        assert regrade(s, left, NOW) is None
        assert regrade(s, "no-such-account", NOW) is None
    assert _history(desk, left) == []


def test_regrade_all_reports_progress_and_stops_on_cancel(desk: Desk) -> None:
    for i in range(3):
        add_account(desk, f"客户{i}", owner=desk.am, grade="C", monthly_bills=(10_000,) * 3)
    service = GradingService(desk.engine)
    with pytest.raises(Cancelled):
        service.regrade_all(at=NOW, cancel=lambda: True)
    with read_session(desk.engine) as s:
        assert set(s.scalars(select(Customer.grade))) == {"C"}
    seen: list[tuple[int, int]] = []
    summary = service.regrade_all(
        at=NOW, progress=lambda done, total, text: seen.append((done, total))
    )
    assert (summary.accounts, summary.changed, summary.rule_version) == (3, 3, 0)
    assert seen[-1] == (3, 3)
    with read_session(desk.engine) as s:
        assert set(s.scalars(select(Customer.grade))) == {"B"}


def test_everyone_is_regraded_once_when_new_rules_come_into_force_or_a_month_begins(
    desk: Desk,
) -> None:
    ids = [
        add_account(desk, f"客户{i}", owner=desk.am, grade="C", monthly_bills=(10_000,) * 3)
        for i in range(3)
    ]
    service = GradingService(desk.engine)
    assert service.regrade_if_due(at=NOW) is None  # a new database is only marked

    def grades() -> set[str]:
        with read_session(desk.engine) as s:
            return set(s.scalars(select(Customer.grade).where(Customer.id.in_(ids))))

    assert grades() == {"C"}
    stricter = json.loads(json.dumps(DEFAULT_GRADING_RULES))
    stricter["grade_cutoffs"] = {"A": "95", "B": "90"}
    with write_session(desk.engine) as s:
        s.add(
            GradingRuleSet(
                version=2, effective_from=date(2026, 12, 1), rules=stricter, published_at=NOW
            )
        )
    assert service.regrade_if_due(at=NOW + timedelta(hours=1)) is None  # not in force yet
    december = NOW + timedelta(days=12)
    with pytest.raises(Cancelled):  # an interrupted regrade is not marked as done
        service.regrade_if_due(at=december, cancel=lambda: True)
    summary = service.regrade_if_due(at=december)
    assert summary is not None and (summary.accounts, summary.rule_version) == (3, 2)
    assert service.regrade_if_due(at=december + timedelta(days=3)) is None
    assert service.regrade_if_due(at=december + timedelta(days=31)) is not None  # January
    with write_session(desk.engine) as s:
        for row in s.scalars(select(GradingRuleSet)):
            row.deleted_at = NOW  # HQ withdrew the rules: the defaults grade B again
    summary = service.regrade_if_due(at=december + timedelta(days=32))
    assert summary is not None and summary.rule_version == 0 and grades() == {"B"}


def test_demo_groups_are_scored_by_the_default_rules() -> None:
    scores = DEFAULT_GRADING_RULES["industry_scores"]
    assert {g.code for g in INDUSTRY_GROUPS} == set(scores)
    assert len({scores[g.code] for g in INDUSTRY_GROUPS}) > 1  # not all the default score


def test_regrading_the_demo_under_its_published_rules_changes_no_grade(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=200, orders=200, seed=7))
    query = (
        "SELECT id, grade, category, level, grade_score, monthly_spend FROM customers"
        " WHERE status = 'active' ORDER BY id"
    )
    before = sqlite3.connect(path).execute(query).fetchall()
    history = sqlite3.connect(path).execute("SELECT count(*) FROM grade_history").fetchone()
    summary = GradingService(engine).regrade_all(at=DEFAULT_NOW)
    assert (summary.accounts, summary.changed, summary.rule_version) == (len(before), 0, 1)
    assert sqlite3.connect(path).execute(query).fetchall() == before
    assert sqlite3.connect(path).execute("SELECT count(*) FROM grade_history").fetchone() == history
    grades = {row[1] for row in before}
    assert grades == {"A", "B", "C"}
    with Session(engine) as s:
        industries = {
            r["params"]["industry"]
            for reasons in s.scalars(select(Customer.grade_reasons))
            for r in reasons
            if r["code"] == "grading.score.industry"
        }
    assert industries == {g.name for g in INDUSTRY_GROUPS}
    engine.dispose()
