"""The customer list service: search as you type, filters, sorts and counts in SQL.

Hand-built accounts (tests/customer_list_samples.py) give exact answers; a small demo
database checks the SQL filters against the domain functions on every generated row.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from kamdesk.db.startup import open_database
from kamdesk.domain.customers.churn import ChurnRisk
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.visits import VisitState
from kamdesk.services.container import Services
from kamdesk.services.customer_list import (
    AccountStatus,
    CustomerFilter,
    CustomerListService,
    SortKey,
)
from kamdesk.services.customers_query.text_search import phone_prefixes
from kamdesk.services.demo import DEFAULT_NOW, DemoSpec, generate_demo
from tests.customer_list_samples import TODAY, Sample, build


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    engine = open_database(tmp_path_factory.mktemp("list") / "list.sqlite")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def sample(engine: sa.Engine) -> Sample:
    return build(engine)


@pytest.fixture(scope="module")
def service(engine: sa.Engine, sample: Sample) -> CustomerListService:
    return CustomerListService(engine, today=lambda: TODAY)


def found(service: CustomerListService, **fields: object) -> list[str]:
    return service.ordered_ids(CustomerFilter(**fields))  # type: ignore[arg-type]


# -- search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电信", ["telecom"]),  # the deleted 中国电信集团 is never listed
        ("教育", ["bureau"]),
        ("阿里巴巴(中国", ["alibaba"]),  # stored with full-width brackets
        ("ＩＴ", []),  # full-width Latin is folded, and matches nothing here
        ("杭州 电信", ["telecom"]),  # every word must match
        ("杭州 移动", []),
        ("91330100ma2", ["telecom"]),  # credit code prefix, any case
        ("1133", ["bureau"]),
        ("zgdx", ["telecom"]),  # pinyin initials
        ("ZJYD", ["mobile"]),
        ("zhongguodianxin", ["telecom"]),  # full pinyin
        ("hangzhoushijiao", ["bureau"]),
        ("0571-8765", ["telecom"]),  # the account's phone as stored
        ("057187654321", ["telecom"]),  # typed without the dash
        ("0571 8702", ["bureau"]),  # stored in display form
        ("139 1234", ["mobile"]),  # key person's mobile, stored as +8613912345678
        ("+86 139", ["mobile"]),
        ("057188881234", ["bureau"]),  # key person's landline 0571 8888 1234
        ("13800000000", []),  # only on a deleted key person
        ("张伟", ["mobile"]),  # key person's name
        ("李", ["telecom", "mobile", "bureau", "alibaba"]),  # one character: no filter
        ("教_局", []),  # _ and % are plain characters
        ("%", ["telecom", "mobile", "bureau", "alibaba"]),
    ],
)
def test_search_finds_exactly_the_accounts_it_should(
    service: CustomerListService, sample: Sample, text: str, expected: list[str]
) -> None:
    ids = found(service, text=text)
    assert sorted(ids) == sorted(getattr(sample, role) for role in expected)
    assert service.count(CustomerFilter(text=text)) == len(ids)


def test_phone_prefixes_cover_the_stored_forms() -> None:
    assert phone_prefixes("13912345678") == [
        "13912345678",
        "+8613912345678",
        "139 1234 5678",
        "139-1234-5678",
    ]
    assert phone_prefixes("057187") == ["057187", "+8657187", "0571 87", "0571-87", "(0571)87"]
    assert phone_prefixes("8613912") == ["8613912", "13912", "+8613912", "139 12", "139-12"]
    assert phone_prefixes("010123") == ["010123", "+8610123", "010 123", "010-123", "(010)123"]


def test_search_in_left_accounts_needs_the_status_filter(
    service: CustomerListService, sample: Sample
) -> None:
    assert found(service, text="联合网络") == []
    assert found(service, text="联合网络", status=AccountStatus.LEFT) == [sample.unicom_left]
    assert found(service, text="中国", status=AccountStatus.ALL) == [
        sample.telecom,  # 中国电信… before 中国联合… (电 U+7535 < 联 U+8054)
        sample.unicom_left,
        sample.alibaba,
    ]


# -- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"grade": Grade.A}, ["telecom", "bureau"]),
        ({"grade": Grade.C}, ["alibaba"]),
        ({"category": "party_government_military"}, ["bureau"]),
        ({"level": "provincial"}, ["mobile", "bureau"]),
        ({"churn_risk": ChurnRisk.HIGH}, ["mobile"]),
        ({"churn_risk": ChurnRisk.MEDIUM}, ["bureau"]),
        ({"churn_risk": ChurnRisk.LOW}, ["telecom", "alibaba"]),
        ({"visit": VisitState.OVERDUE}, ["mobile", "alibaba"]),
        ({"visit": VisitState.DUE_SOON}, ["bureau"]),
        ({"visit": VisitState.OK}, ["telecom"]),
        ({"status": AccountStatus.LEFT}, ["unicom_left"]),
        ({"grade": Grade.A, "visit": VisitState.DUE_SOON, "text": "杭州"}, ["bureau"]),
    ],
)
def test_each_filter_narrows_the_list(
    service: CustomerListService, sample: Sample, fields: dict[str, object], expected: list[str]
) -> None:
    ids = found(service, **fields)
    assert sorted(ids) == sorted(getattr(sample, role) for role in expected)
    assert service.count(CustomerFilter(**fields)) == len(ids)  # type: ignore[arg-type]


def test_industry_group_and_owner_filters(service: CustomerListService, sample: Sample) -> None:
    assert sorted(found(service, industry_group_id=sample.it_group)) == sorted(
        [sample.telecom, sample.mobile]
    )
    assert sorted(found(service, owner_id=sample.wang)) == sorted([sample.telecom, sample.bureau])
    assert found(service, owner_id=sample.li, industry_group_id=sample.gov_group) == []


def test_choices_offer_the_groups_in_their_order_and_the_owners(
    service: CustomerListService, sample: Sample
) -> None:
    choices = service.choices()
    assert [g.name for g in choices.industry_groups] == ["党政军行业组", "IT行业组"]
    assert {o.id: o.name for o in choices.owners} == {sample.wang: "王芳", sample.li: "李强"}


# -- sorting ---------------------------------------------------------------------------


def test_default_sort_is_by_name_key_and_descending_reverses_it(
    service: CustomerListService,
) -> None:
    ids = found(service)
    names = [r.name for r in service.rows(ids)]
    # By the name key (legal forms dropped), in code point order: 中 < 杭 < 浙 < 阿.
    assert names == [
        "中国电信股份有限公司杭州分公司",
        "杭州市教育局",
        "浙江移动通信有限公司",
        "阿里巴巴（中国）有限公司",
    ]
    assert found(service, descending=True) == ids[::-1]


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        (SortKey.GRADE, lambda r: r.grade),
        (SortKey.CHURN, lambda r: r.churn_score),
        (SortKey.MONTHLY_SPEND, lambda r: r.monthly_spend),
        (SortKey.CREDIT_CODE, lambda r: r.credit_code),
        (SortKey.OWNER, lambda r: r.owner),
        (SortKey.LAST_VISIT, lambda r: r.last_visit_on or date.min),
        (SortKey.LEVEL, lambda r: ["national", "provincial", "local"].index(r.level)),
    ],
)
def test_each_sort_orders_by_its_column(
    service: CustomerListService, sort: SortKey, value: object
) -> None:
    for descending in (False, True):
        rows = service.rows(found(service, sort=sort, descending=descending))
        values = [value(r) for r in rows]  # type: ignore[operator]
        assert values == sorted(values, reverse=descending)
        assert len(rows) == 4


def test_sort_by_industry_group_follows_the_groups_order(
    service: CustomerListService, sample: Sample
) -> None:
    ids = found(service, sort=SortKey.INDUSTRY_GROUP)
    # No group first (NULL sorts first), then 党政军 (sort_order 0), then IT.
    assert ids[0] == sample.alibaba
    assert ids[1] == sample.bureau
    assert sorted(ids[2:]) == sorted([sample.telecom, sample.mobile])


def test_most_spend_first(service: CustomerListService, sample: Sample) -> None:
    ids = found(service, sort=SortKey.MONTHLY_SPEND, descending=True)
    assert ids == [sample.alibaba, sample.telecom, sample.mobile, sample.bureau]


# -- rows ------------------------------------------------------------------------------


def test_rows_keep_the_order_asked_and_leave_out_unknown_ids(
    service: CustomerListService, sample: Sample
) -> None:
    rows = service.rows([sample.mobile, "no-such-id", sample.telecom])
    assert [r.id for r in rows] == [sample.mobile, sample.telecom]
    mobile, telecom = rows
    assert (mobile.name, mobile.grade, mobile.owner, mobile.industry_group) == (
        "浙江移动通信有限公司", "B", "李强", "IT行业组",
    )  # fmt: skip
    assert mobile.visit is not None and mobile.visit.state is VisitState.OVERDUE
    assert mobile.visit.days_overdue == 51  # due 2026-09-30
    assert mobile.churn_risk is ChurnRisk.HIGH
    assert telecom.last_visit_on == date(2026, 11, 1)
    assert telecom.monthly_spend == Decimal("80000.00")
    assert telecom.visit is not None and telecom.visit.state is VisitState.OK


def test_snapshot_reads_ids_and_first_rows_together(
    service: CustomerListService, sample: Sample
) -> None:
    snap = service.snapshot(CustomerFilter(sort=SortKey.CHURN, descending=True), first=2)
    assert snap.ids[:2] == [sample.mobile, sample.bureau]
    assert [r.id for r in snap.first_rows] == snap.ids[:2]
    assert len(snap.ids) == 4


def test_the_container_builds_one_list_service(engine: sa.Engine) -> None:
    services = Services(engine)
    assert services.customer_list is services.customer_list


# -- against the domain, on generated data --------------------------------------------


@pytest.fixture(scope="module")
def demo_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CustomerListService]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=400, orders=0, seed=11, workers=0))
    yield CustomerListService(engine, today=lambda: DEFAULT_NOW.date())
    engine.dispose()


def test_filters_agree_with_the_domain_on_every_generated_account(
    demo_service: CustomerListService,
) -> None:
    everyone = demo_service.rows(demo_service.ordered_ids(CustomerFilter()))
    assert len(everyone) > 300
    for state in VisitState:
        ids = set(demo_service.ordered_ids(CustomerFilter(visit=state)))
        assert ids == {r.id for r in everyone if r.visit is not None and r.visit.state is state}
    for risk in ChurnRisk:
        ids = set(demo_service.ordered_ids(CustomerFilter(churn_risk=risk)))
        assert ids == {r.id for r in everyone if r.churn_risk is risk}
    assert any(r.visit is not None and r.visit.state is VisitState.OVERDUE for r in everyone)


def test_name_fragments_and_initials_find_what_python_finds(
    demo_service: CustomerListService,
) -> None:
    everyone = demo_service.rows(demo_service.ordered_ids(CustomerFilter()))
    rng = random.Random(5)
    for row in rng.sample(everyone, 15):
        start = rng.randrange(len(row.name) - 1)
        fragment = row.name[start : start + 2]
        ids = demo_service.ordered_ids(CustomerFilter(text=fragment))
        assert ids == [r.id for r in everyone if fragment in r.name], fragment
    row = everyone[len(everyone) // 2]
    snap = demo_service.snapshot(replace(CustomerFilter(), text=row.credit_code), first=5)
    assert [r.id for r in snap.first_rows] == [row.id]
