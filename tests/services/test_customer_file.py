"""The customer file service: every write operation, validation in Chinese, the
duplicate warning before create, and closing (离网) with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kamdesk import i18n
from kamdesk.db.models import (
    AgreementMonth,
    Branch,
    Customer,
    GradeHistory,
    IndustryGroup,
    KeyPerson,
    Product,
    RevenueMonth,
    Staff,
    Visit,
)
from kamdesk.db.startup import open_database
from kamdesk.errors import KamdeskError
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.drafts import (
    AgreementDraft,
    CareActionDraft,
    ComplaintDraft,
    CustomerDraft,
    KeyPersonDraft,
    MonthShare,
    OpportunityDraft,
    VisitDraft,
)
from kamdesk.services.customer_file.service import CustomerFileService
from kamdesk.services.customer_file.validation import InvalidInput

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
CODE_A = "91110105MAH4BXKF1P"
CODE_B = "911101051907483345"
CODE_C = "91110105788762325Y"


@dataclass(frozen=True)
class World:
    service: CustomerFileService
    engine: Engine
    am: Actor
    clerk: Actor
    group_id: str
    product_id: str


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


@pytest.fixture()
def world(tmp_path: Path) -> Iterator[World]:
    engine = open_database(tmp_path / "kamdesk.sqlite")
    with Session(engine) as s, s.begin():
        branch = Branch(code="BJ", name="北京分公司")
        group = IndustryGroup(code="it", name="IT行业组", sort_order=1)
        product = Product(code="DDN", name="DDN数字电路", family="circuit", promised_days=5)
        s.add_all([branch, group, product])
        s.flush()
        am = Staff(branch_id=branch.id, login="am1", name="王芳", role="am")
        clerk = Staff(branch_id=branch.id, login="clerk", name="赵文", role="clerk")
        s.add_all([am, clerk])
        s.flush()
        world = World(
            service=CustomerFileService(engine, clock=lambda: NOW),
            engine=engine,
            am=Actor(am.id, am.name, "am", branch.id),
            clerk=Actor(clerk.id, clerk.name, "clerk", branch.id),
            group_id=group.id,
            product_id=product.id,
        )
    yield world
    engine.dispose()


def draft(name: str = "北京某某科技有限公司", code: str = CODE_A, **kw: object) -> CustomerDraft:
    return CustomerDraft(name=name, credit_code=code, **kw)  # type: ignore[arg-type]


def create(world: World, d: CustomerDraft | None = None) -> str:
    outcome = world.service.create_customer(d or draft(industry_group_id=world.group_id), world.am)
    assert outcome.customer_id is not None, outcome.duplicates
    return outcome.customer_id


def count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


# --- create, edit, duplicates ------------------------------------------------------------


def test_create_stores_the_account_graded_with_search_keys(world: World) -> None:
    customer_id = create(
        world,
        draft(
            name=" 北京某某科技有限公司 ",
            code="9111 0105 mah4 bxkf1p",
            industry_group_id=world.group_id,
            phone="010-87654321",
            monthly_spend=Decimal("5200.00"),
        ),
    )
    file = world.service.read(customer_id, world.am)
    o = file.overview
    assert (o.name, o.credit_code, o.phone) == ("北京某某科技有限公司", CODE_A, "010-87654321")
    assert o.owner_name == "王芳" and o.branch_name == "北京分公司"
    assert o.category == "monthly_spend"  # 5,200 CNY a month is a key account
    assert o.grade in ("A", "B", "C") and o.grade_reasons
    assert o.status == "active" and o.opened_at == NOW
    assert len(o.revenue) == 12 and o.revenue[-1].month == date(2026, 10, 1)
    with Session(world.engine) as s:
        row = s.get(Customer, customer_id)
        assert row is not None
        assert (row.name_key, row.name_initials) == ("北京某某科技", "bjmmkjyxgs")
        assert s.scalars(select(GradeHistory.customer_id)).all() == [customer_id]


def test_revenue_chart_reads_twelve_complete_months(world: World) -> None:
    customer_id = create(world)
    with Session(world.engine) as s, s.begin():
        for month, amount in ((date(2026, 10, 1), "1000.50"), (date(2025, 11, 1), "7.00")):
            for part in ("0.25", amount):
                s.add(
                    RevenueMonth(
                        customer_id=customer_id,
                        product_id=world.product_id,
                        month=month,
                        amount=Decimal(part),
                    )
                )
        s.add(
            RevenueMonth(
                customer_id=customer_id,
                product_id=world.product_id,
                month=date(2025, 10, 1),  # 13 months back: outside the chart
                amount=Decimal("99.00"),
            )
        )
    revenue = world.service.read(customer_id, world.am).overview.revenue
    assert revenue[0].month == date(2025, 11, 1) and revenue[0].amount == Decimal("7.25")
    assert revenue[-1].amount == Decimal("1000.75")
    assert sum(p.amount for p in revenue) == Decimal("1008.00")


def test_bad_credit_code_is_refused_in_chinese_and_nothing_is_written(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        world.service.create_customer(draft(code=CODE_A[:-1] + "0"), world.am)
    assert caught.value.problems["credit_code"].code == "credit_code.check_digit"
    assert caught.value.message() == "统一社会信用代码第18位校验码不正确，请核对"
    assert count(world.engine, Customer) == 0


def test_missing_name_and_bad_phone_are_reported_together(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        world.service.create_customer(draft(name="  ", phone="12345"), world.am)
    assert set(caught.value.problems) == {"name", "phone"}
    assert "手机号码应为11位" in caught.value.problems["phone"].message()


def test_duplicate_warning_on_the_same_credit_code(world: World) -> None:
    first = create(world)
    outcome = world.service.create_customer(draft(name="完全不同的名字有限公司"), world.am)
    assert outcome.customer_id is None
    [dup] = outcome.duplicates
    assert (dup.customer_id, dup.same_credit_code) == (first, True)
    assert count(world.engine, Customer) == 1


@pytest.mark.parametrize(
    "typed",
    ["北京某某科技有限责任公司", "北京 某某科技（有限责任公司）", "北京某某科技有限公司 "],
)
def test_duplicate_warning_on_a_near_identical_name(world: World, typed: str) -> None:
    first = create(world)
    assert world.service.check_duplicates(draft(name=typed, code=CODE_B))[0].customer_id == first
    outcome = world.service.create_customer(draft(name=typed, code=CODE_B), world.am)
    assert outcome.customer_id is None
    assert outcome.duplicates[0].name_score == 100.0
    assert not outcome.duplicates[0].same_credit_code
    created = world.service.create_customer(
        draft(name=typed, code=CODE_B), world.am, accept_duplicates=True
    )
    assert created.customer_id is not None and count(world.engine, Customer) == 2


def test_a_different_company_is_no_duplicate(world: World) -> None:
    create(world)
    assert world.service.check_duplicates(draft(name="上海远洋物流有限公司", code=CODE_C)) == ()


def test_edit_saves_fields_and_regrades_on_spend(world: World) -> None:
    customer_id = create(world)
    before = world.service.read(customer_id, world.am).overview
    changed = replace(
        before.draft(), address="北京市朝阳区建国路1号", monthly_spend=Decimal("500000.00")
    )
    world.service.edit_customer(customer_id, changed, world.am)
    after = world.service.read(customer_id, world.am).overview
    assert after.address == "北京市朝阳区建国路1号"
    assert after.monthly_spend == Decimal("500000.00")
    assert after.grade_score > before.grade_score


def test_a_clerk_may_not_change_a_file(world: World) -> None:
    with pytest.raises(KamdeskError) as caught:
        world.service.create_customer(draft(), world.clerk)
    assert caught.value.code == "customer_file.not_allowed"


def test_close_with_reason_keeps_the_file_and_refuses_changes(world: World) -> None:
    customer_id = create(world)
    with pytest.raises(InvalidInput) as caught:
        world.service.close_customer(customer_id, "   ", world.am)
    assert caught.value.problems["reason"].code == "customer_file.required"
    world.service.close_customer(customer_id, "转网至其他运营商", world.am)
    o = world.service.read(customer_id, world.am).overview
    assert (o.status, o.left_at, o.leave_reason) == ("left", NOW, "转网至其他运营商")
    with pytest.raises(KamdeskError) as refused:
        world.service.save_key_person(customer_id, KeyPersonDraft("张三", "user"), world.am)
    assert refused.value.code == "customer_file.closed"


# --- key persons, visits, care ------------------------------------------------------------


def test_key_person_with_bad_mobile_is_refused_then_saved(world: World) -> None:
    customer_id = create(world)
    bad = KeyPersonDraft("李总", "decision_maker", tier="senior", mobile="1380013800")
    with pytest.raises(InvalidInput) as caught:
        world.service.save_key_person(customer_id, bad, world.am)
    assert caught.value.problems["mobile"].message() == "手机号码应为11位，“1380013800”有10位"
    assert count(world.engine, KeyPerson) == 0
    boss = world.service.save_key_person(
        customer_id, replace(bad, mobile="138 0013 8000", landline="010-8765-4321"), world.am
    )
    aide = world.service.save_key_person(
        customer_id, KeyPersonDraft("小周", "gatekeeper", reports_to_id=boss), world.am
    )
    persons = {p.id: p for p in world.service.read(customer_id, world.am).key_persons}
    assert (persons[boss].mobile, persons[boss].landline) == ("13800138000", "010-87654321")
    assert persons[aide].reports_to_name == "李总"
    analyst = replace(world.clerk, role="hq_analyst")  # reads the branch, not contacts
    masked = {p.id: p for p in world.service.read(customer_id, analyst).key_persons}
    assert masked[boss].masked and masked[boss].mobile == ""
    with pytest.raises(KamdeskError) as refused:  # the clerk sees no customer file at all
        world.service.read(customer_id, world.clerk)
    assert refused.value.code == "customer_file.not_found"


def test_reporting_lines_never_loop(world: World) -> None:
    customer_id = create(world)
    boss = world.service.save_key_person(customer_id, KeyPersonDraft("甲", "user"), world.am)
    aide = world.service.save_key_person(
        customer_id, KeyPersonDraft("乙", "user", reports_to_id=boss), world.am
    )
    with pytest.raises(KamdeskError) as caught:
        world.service.save_key_person(
            customer_id, KeyPersonDraft("甲", "user", reports_to_id=aide), world.am, boss
        )
    assert caught.value.code == "customer_file.reports_loop"


def test_done_visit_moves_last_visit_and_replaces_the_planned_one(world: World) -> None:
    customer_id = create(world)
    person = world.service.save_key_person(customer_id, KeyPersonDraft("李总", "user"), world.am)
    planned = world.service.record_visit(
        customer_id, VisitDraft("planned", NOW + timedelta(days=3), "季度走访"), world.am
    )
    done_at = NOW - timedelta(hours=1)
    world.service.record_visit(
        customer_id,
        VisitDraft(
            "done",
            done_at,
            "季度走访",
            explicit_needs="专线扩容到1G",
            hidden_needs="担心割接影响业务",
            next_steps="下周提交方案",
            key_person_ids=(person,),
            fulfils_visit_id=planned,
        ),
        world.am,
    )
    file = world.service.read(customer_id, world.am)
    [visit] = file.visits
    assert (visit.status, visit.done_at, visit.hidden_needs) == (
        "done",
        done_at,
        "担心割接影响业务",
    )
    assert visit.planned_at == NOW + timedelta(days=3)
    assert file.overview.last_visit_at == done_at
    assert file.key_persons[0].last_contact_at == done_at
    assert count(world.engine, Visit) == 2  # the planned row stays as a tombstone


def test_visit_dates_are_checked(world: World) -> None:
    customer_id = create(world)
    with pytest.raises(InvalidInput) as caught:
        world.service.record_visit(
            customer_id, VisitDraft("done", NOW + timedelta(days=1), "走访"), world.am
        )
    assert caught.value.problems["at"].code == "customer_file.future_done"


def test_care_action_added_and_done(world: World) -> None:
    customer_id = create(world)
    action = world.service.add_care_action(
        customer_id, CareActionDraft("holiday", "春节慰问", date(2027, 2, 10)), world.am
    )
    world.service.complete_care_action(customer_id, action, "已送达", world.am)
    [care] = world.service.read(customer_id, world.am).care_actions
    assert (care.status, care.done_at, care.notes) == ("done", NOW, "已送达")


# --- complaints, agreements, opportunities -------------------------------------------------


def test_complaint_moves_through_its_loop_to_a_follow_up_visit(world: World) -> None:
    customer_id = create(world)
    complaint = world.service.add_complaint(
        customer_id,
        ComplaintDraft(NOW - timedelta(days=4), NOW - timedelta(days=1), "网络故障", "专线中断"),
        world.am,
    )
    assert world.service.read(customer_id, world.am).complaints[0].overdue
    with pytest.raises(InvalidInput):
        world.service.advance_complaint(customer_id, complaint, "", world.am)
    states = [
        world.service.advance_complaint(customer_id, complaint, notes, world.am)
        for notes in ("更换光模块", "", "客户满意")
    ]
    assert [s.value for s in states] == ["handled", "closed", "followed_up"]
    file = world.service.read(customer_id, world.am)
    [c] = file.complaints
    assert (c.state, c.resolution, c.followup_notes, c.overdue) == (
        "followed_up",
        "更换光模块",
        "客户满意",
        False,
    )
    assert file.visits[0].complaint_id == complaint
    assert file.overview.last_visit_at == NOW
    with pytest.raises(KamdeskError) as caught:
        world.service.advance_complaint(customer_id, complaint, "x", world.am)
    assert caught.value.code == "customer_file.complaint_done"


def test_agreement_split_evenly_or_as_given(world: World) -> None:
    customer_id = create(world)
    base = AgreementDraft(
        "XY-2026-01",
        "专线服务协议",
        date(2026, 1, 5),
        date(2026, 1, 15),
        date(2026, 3, 31),
        Decimal("1000.00"),
    )
    world.service.add_agreement(customer_id, base, world.am)
    [agreement] = world.service.read(customer_id, world.am).agreements
    assert [m.amount for m in agreement.months] == [Decimal("333.33")] * 2 + [Decimal("333.34")]
    assert agreement.expected_revenue == Decimal("1000.00")
    wrong = replace(
        base,
        number="XY-2",
        months=(
            MonthShare(date(2026, 1, 1), Decimal("600")),
            MonthShare(date(2026, 2, 1), Decimal("1")),
        ),
    )
    with pytest.raises(InvalidInput) as caught:
        world.service.add_agreement(customer_id, wrong, world.am)
    assert caught.value.problems["months"].code == "customer_file.split_sum"
    outside = replace(base, months=(MonthShare(date(2026, 5, 1), Decimal("1000")),))
    with pytest.raises(InvalidInput) as outside_caught:
        world.service.add_agreement(customer_id, outside, world.am)
    assert outside_caught.value.problems["months"].code == "customer_file.month_outside"
    assert count(world.engine, AgreementMonth) == 3


def test_opportunity_moves_along_the_funnel_until_won(world: World) -> None:
    customer_id = create(world)
    opportunity = world.service.save_opportunity(
        customer_id,
        OpportunityDraft("IDC托管扩容", product_id=world.product_id, expected_value=Decimal("8")),
        world.am,
    )
    with pytest.raises(KamdeskError) as skipped:
        world.service.move_opportunity(customer_id, opportunity, "negotiation", world.am)
    assert skipped.value.code == "funnel.bad_transition"
    for stage in ("created", "assigned", "relationship", "negotiation", "won"):
        world.service.move_opportunity(customer_id, opportunity, stage, world.am)
    [o] = world.service.read(customer_id, world.am).opportunities
    assert (o.stage, o.product_name, o.stage_changed_at) == ("won", "DDN数字电路", NOW)
    with pytest.raises(KamdeskError) as caught:
        world.service.move_opportunity(customer_id, opportunity, "lead", world.am)
    assert caught.value.code == "customer_file.funnel_closed"


def test_history_names_who_created_and_who_changed_the_account(world: World) -> None:
    customer_id = create(world)
    history = world.service.read(customer_id, world.am).history
    created = [h for h in history if h.entity == "customers" and h.action == "create"]
    assert [(h.entity_id, h.actor_name) for h in created] == [(customer_id, "王芳")]
