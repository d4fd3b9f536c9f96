"""我的一天: the lines a person should act on, per section and per scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from kamdesk.db.models import Agreement, CareAction, Complaint, Customer
from kamdesk.i18n import set_language
from kamdesk.services.customer_file.drafts import VisitDraft
from kamdesk.services.customer_file.service import CustomerFileService
from kamdesk.services.my_day import MyDayService, Section, Urgency
from kamdesk.services.uow import write_session
from tests.services.desk_support import NOW, Desk, add_account, make_desk


@pytest.fixture()
def desk(tmp_path: Path) -> Iterator[Desk]:
    set_language("en")
    yield make_desk(tmp_path)
    set_language("zh_CN")


def _ids(desk: Desk, actor_name: str, section: Section) -> list[str]:
    actor = getattr(desk, actor_name)
    day = MyDayService(desk.engine).for_actor(actor, NOW)
    return [line.customer_id for line in day.section(section).lines]


def test_recording_a_visit_takes_the_account_off_the_overdue_list(desk: Desk) -> None:
    overdue = add_account(
        desk, "逾期客户", owner=desk.am, grade="A", last_visit=NOW - timedelta(days=45)
    )
    add_account(desk, "正常客户", owner=desk.am, grade="A", last_visit=NOW - timedelta(days=5))
    soon = add_account(
        desk, "将到期客户", owner=desk.am, grade="B", last_visit=NOW - timedelta(days=55)
    )
    day = MyDayService(desk.engine).for_actor(desk.am, NOW)
    visits = day.section(Section.VISITS)
    assert [line.customer_id for line in visits.lines] == [overdue, soon]
    first, second = visits.lines
    assert (first.urgency, first.customer_name, first.grade) == (Urgency.URGENT, "逾期客户", "A")
    assert first.text == "Visit overdue by 15 days (grade A: every 30 days)"
    assert first.when == date(2026, 11, 5)
    assert (second.urgency, second.text) == (
        Urgency.SOON,
        "Visit due in 5 days (grade B: every 60 days)",
    )

    files = CustomerFileService(desk.engine, clock=lambda: NOW)
    files.record_visit(
        overdue, VisitDraft(status="done", at=NOW - timedelta(hours=2), purpose="季度走访"), desk.am
    )
    assert _ids(desk, "am", Section.VISITS) == [soon]


def test_care_complaints_and_agreements_of_this_week(desk: Desk) -> None:
    customer_id = add_account(desk, "杭州银行", owner=desk.am, last_visit=NOW - timedelta(days=1))
    with write_session(desk.engine) as s:
        for title, due in (
            ("生日问候", date(2026, 11, 17)),  # Tuesday this week, not done: late
            ("年会拜访", date(2026, 11, 22)),  # Sunday
            ("新年贺卡", date(2026, 11, 23)),  # next week
        ):
            s.add(CareAction(customer_id=customer_id, kind="birthday", title=title, due_on=due))
        s.add(
            CareAction(
                customer_id=customer_id,
                kind="holiday",
                title="已办",
                due_on=date(2026, 11, 20),
                status="done",
            )
        )
        for text, deadline in (("过期投诉", -3), ("临近投诉", 20), ("下周投诉", 60)):
            s.add(
                Complaint(
                    customer_id=customer_id,
                    received_at=NOW - timedelta(days=4),
                    category="quality",
                    description=text,
                    deadline_at=NOW + timedelta(hours=deadline),
                )
            )
        for number, ends in (("XY-OLD", date(2026, 12, 1)), ("XY-NEW", date(2027, 1, 10))):
            s.add(
                Agreement(
                    customer_id=customer_id, number=number, title="专线协议",
                    signed_on=date(2025, 1, 1), starts_on=date(2025, 1, 1), ends_on=ends,
                    total_value=Decimal("1000"),
                )
            )  # fmt: skip
    day = MyDayService(desk.engine).for_actor(desk.am, NOW)
    care = day.section(Section.CARE).lines
    assert [(c.text, c.urgency) for c in care] == [
        ("生日问候", Urgency.URGENT),
        ("年会拜访", Urgency.SOON),
    ]
    complaints = day.section(Section.COMPLAINTS).lines
    assert [c.text for c in complaints] == [
        "Past its deadline: 过期投诉",
        "Deadline near: 临近投诉",
    ]
    assert [c.urgency for c in complaints] == [Urgency.URGENT, Urgency.SOON]
    agreements = day.section(Section.AGREEMENTS).lines
    # the older agreement is followed by a newer one: only the latest-ending one counts
    assert [a.text for a in agreements] == ["Agreement XY-NEW ends on 2027-01-10, in 51 days"]
    assert {line.customer_id for s in day.sections for line in s.lines} == {customer_id}
    churn = day.section(Section.CHURN).lines
    assert [c.customer_id for c in churn] == [customer_id]
    assert churn[0].text.startswith("Risk score 45: Open complaints past their deadline: 1; ")


def test_each_role_sees_its_own_scope(desk: Desk) -> None:
    lapsed = NOW - timedelta(days=200)
    mine = add_account(desk, "我的客户", owner=desk.am, last_visit=lapsed)
    colleague = add_account(desk, "同组客户", owner=desk.other_am, last_visit=lapsed)
    it = add_account(desk, "IT客户", owner=desk.it_am, group="it", last_visit=lapsed)
    assert _ids(desk, "am", Section.VISITS) == [mine]
    assert set(_ids(desk, "manager", Section.VISITS)) == {mine, colleague}
    assert set(_ids(desk, "leader", Section.VISITS)) == {mine, colleague, it}
    assert _ids(desk, "clerk", Section.VISITS) == []


def test_a_long_section_keeps_the_most_urgent_lines_and_the_true_total(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kamdesk.services.my_day.LINE_LIMIT", 3)
    for days in (100, 300, 200, 400, 150):
        add_account(
            desk, f"客户{days}", owner=desk.am, grade="C", last_visit=NOW - timedelta(days=days)
        )
    visits = MyDayService(desk.engine).for_actor(desk.am, NOW).section(Section.VISITS)
    assert visits.total == 5
    assert [line.customer_name for line in visits.lines] == ["客户400", "客户300", "客户200"]


def test_the_due_soon_window_starts_seven_days_before_the_due_day(desk: Desk) -> None:
    add_account(desk, "八天后", owner=desk.am, grade="B", last_visit=NOW - timedelta(days=52))
    seven = add_account(
        desk, "七天后", owner=desk.am, grade="B", last_visit=NOW - timedelta(days=53)
    )
    never = add_account(desk, "新客户", owner=desk.am, grade="C", opened=NOW - timedelta(days=85))
    add_account(desk, "更新的客户", owner=desk.am, grade="C", opened=NOW - timedelta(days=82))
    assert _ids(desk, "am", Section.VISITS) == [never, seven]


def test_a_scope_too_big_to_assess_live_reads_the_lists_churn_cache(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kamdesk.services.my_day.LIVE_CHURN_LIMIT", 1)
    cached = add_account(desk, "缓存预警", owner=desk.am, last_visit=NOW - timedelta(days=1))
    add_account(desk, "无预警", owner=desk.am, last_visit=NOW - timedelta(days=1))
    with write_session(desk.engine) as s:
        customer = s.get(Customer, cached)
        assert customer is not None
        customer.churn_score = 65
        customer.churn_reasons = [{"code": "churn.no_visit_recorded", "params": {}}]
    [line] = MyDayService(desk.engine).for_actor(desk.am, NOW).section(Section.CHURN).lines
    assert (line.customer_id, line.urgency) == (cached, Urgency.URGENT)
    assert line.text == "Risk score 65: No visit recorded"
