"""A handful of key accounts, built by hand, for the customer-list tests.

Chosen so that every search kind and filter has exactly known answers on
:data:`TODAY` (2026-11-20, Shanghai); the names say what each account is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.db.models import Branch, Customer, IndustryGroup, KeyPerson, Staff
from kamdesk.domain.customers.names import normalize_name
from kamdesk.domain.customers.pinyin_keys import pinyin_keys

TODAY = date(2026, 11, 20)


def at(day: str) -> datetime:
    """10:00 in Shanghai on ``day`` (ISO), as an aware instant."""
    return datetime.fromisoformat(day).replace(hour=2, tzinfo=UTC)


@dataclass(frozen=True)
class Sample:
    """Ids of the sample accounts by role, and of the reference rows they use."""

    telecom: str  # 中国电信…杭州分公司: grade A, visit ok, low churn, phone 0571-87654321
    mobile: str  # 浙江移动…: grade B, overdue, high churn, key person 张伟 +8613912345678
    bureau: str  # 杭州市教育局: grade A, due soon, medium churn, key person 李娜 0571 8888 1234
    alibaba: str  # 阿里巴巴（中国）…: grade C, never visited and overdue, biggest spend
    unicom_left: str  # 中国联通…: left the network
    deleted: str  # a deleted 中国电信 account: never listed
    it_group: str
    gov_group: str
    wang: str  # owner of telecom and bureau
    li: str  # owner of mobile


def _customer(branch: str, name: str, **fields: object) -> Customer:
    keys = pinyin_keys(name)
    defaults: dict[str, object] = {
        "credit_code": "91330100MA00000000",
        "category": "monthly_spend",
        "level": "local",
        "grade": "C",
        "opened_at": at("2020-01-01"),
        "monthly_spend": Decimal("5000.00"),
    }
    defaults.update(fields)
    return Customer(
        branch_id=branch,
        name=name,
        name_key=normalize_name(name),
        name_pinyin=keys.full,
        name_initials=keys.initials,
        **defaults,
    )


def build(engine: sa.Engine) -> Sample:
    """Write the sample accounts into ``engine``'s (empty, migrated) database."""
    with Session(engine) as s, s.begin():
        branch = Branch(code="HZ", name="杭州分公司")
        it_group = IndustryGroup(code="IT", name="IT行业组", sort_order=1)
        gov_group = IndustryGroup(code="GOV", name="党政军行业组", sort_order=0)
        s.add_all([branch, it_group, gov_group])
        s.flush()
        wang = Staff(branch_id=branch.id, login="wang", name="王芳", role="am")
        li = Staff(branch_id=branch.id, login="li", name="李强", role="am")
        s.add_all([wang, li])
        s.flush()
        telecom = _customer(
            branch.id,
            "中国电信股份有限公司杭州分公司",
            credit_code="91330100MA2AB1234X",
            category="national_group",
            level="national",
            grade="A",
            industry_group_id=it_group.id,
            owner_id=wang.id,
            phone="0571-87654321",
            last_visit_at=at("2026-11-01"),
            churn_score=10,
            monthly_spend=Decimal("80000.00"),
        )
        mobile = _customer(
            branch.id,
            "浙江移动通信有限公司",
            credit_code="91330000MA27XY5678",
            category="provincial_group",
            level="provincial",
            grade="B",
            industry_group_id=it_group.id,
            owner_id=li.id,
            phone="0571-81234567",
            last_visit_at=at("2026-08-01"),
            churn_score=65,
            monthly_spend=Decimal("30000.00"),
        )
        bureau = _customer(
            branch.id,
            "杭州市教育局",
            credit_code="11330100002491234K",
            category="party_government_military",
            level="provincial",
            grade="A",
            industry_group_id=gov_group.id,
            owner_id=wang.id,
            phone="0571 8702 0000",
            last_visit_at=at("2026-10-22"),
            churn_score=35,
            monthly_spend=Decimal("12000.00"),
        )
        alibaba = _customer(
            branch.id,
            "阿里巴巴（中国）有限公司",
            credit_code="91330100716105852F",
            grade="C",
            opened_at=at("2026-01-01"),
            monthly_spend=Decimal("250000.00"),
        )
        unicom = _customer(
            branch.id,
            "中国联合网络通信有限公司杭州市分公司",
            status="left",
            left_at=at("2026-06-01"),
        )
        deleted = _customer(
            branch.id, "中国电信集团有限公司", deleted_at=at("2026-05-01"), phone="0571-87650000"
        )
        s.add_all([telecom, mobile, bureau, alibaba, unicom, deleted])
        s.flush()
        s.add_all(
            [
                KeyPerson(
                    customer_id=mobile.id,
                    name="张伟",
                    decision_role="decision_maker",
                    mobile="+8613912345678",
                ),
                KeyPerson(
                    customer_id=bureau.id,
                    name="李娜",
                    decision_role="influencer",
                    landline="0571 8888 1234",
                ),
                KeyPerson(
                    customer_id=bureau.id,
                    name="赵删",
                    decision_role="user",
                    mobile="13800000000",
                    deleted_at=at("2026-05-01"),
                ),
            ]
        )
        return Sample(
            telecom=telecom.id,
            mobile=mobile.id,
            bureau=bureau.id,
            alibaba=alibaba.id,
            unicom_left=unicom.id,
            deleted=deleted.id,
            it_group=it_group.id,
            gov_group=gov_group.id,
            wang=wang.id,
            li=li.id,
        )
