"""Reading the overview of one account: its facts, products, 12-month revenue, and the
pick lists the forms offer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.db.models import (
    Branch,
    Customer,
    CustomerProduct,
    GradeHistory,
    IndustryGroup,
    Product,
    RevenueMonth,
    Staff,
)
from kamdesk.domain.clock import local
from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.months import first_of_month, months_between
from kamdesk.services.customer_file.views import (
    Choice,
    CustomerOverview,
    FileChoices,
    GradeChange,
    ProductInUse,
    RevenuePoint,
)
from kamdesk.services.reason_json import reasons_from_json

FEN = Decimal("0.01")
GRADE_HISTORY_SHOWN = 24


def revenue_window(now: datetime) -> list[date]:
    """The 12 complete months before the local month of ``now``, oldest first."""
    this_month = first_of_month(local(now).date())
    last = date(this_month.year - (this_month.month == 1), (this_month.month - 2) % 12 + 1, 1)
    first = date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1)
    return months_between(first, last)


def _name(session: Session, model: Any, row_id: str | None) -> str:
    if row_id is None:
        return ""
    return session.execute(select(model.name).where(model.id == row_id)).scalar() or ""


def read_overview(session: Session, customer: Customer, now: datetime) -> CustomerOverview:
    months = revenue_window(now)
    sums: dict[date, Decimal | None] = dict(
        session.execute(
            select(RevenueMonth.month, func.sum(RevenueMonth.amount))
            .where(
                RevenueMonth.customer_id == customer.id,
                RevenueMonth.deleted_at.is_(None),
                RevenueMonth.month >= months[0],
                RevenueMonth.month <= months[-1],
            )
            .group_by(RevenueMonth.month)
        )
        .tuples()
        .all()
    )
    revenue = tuple(RevenuePoint(m, Decimal(sums.get(m) or 0).quantize(FEN)) for m in months)
    products = tuple(
        ProductInUse(name, quantity, since, circuit)
        for name, quantity, since, circuit in session.execute(
            select(
                Product.name,
                CustomerProduct.quantity,
                CustomerProduct.since,
                CustomerProduct.circuit_no,
            )
            .join(Product, Product.id == CustomerProduct.product_id)
            .where(CustomerProduct.customer_id == customer.id, CustomerProduct.deleted_at.is_(None))
            .order_by(Product.name, CustomerProduct.since)
        ).all()
    )
    return CustomerOverview(
        id=customer.id,
        name=customer.name,
        credit_code=customer.credit_code,
        industry_group_id=customer.industry_group_id,
        industry_name=_name(session, IndustryGroup, customer.industry_group_id),
        address=customer.address,
        district=customer.district,
        phone=customer.phone,
        category=customer.category,
        level=customer.level,
        grade=customer.grade,
        grade_score=customer.grade_score,
        grade_reasons=reasons_from_json(customer.grade_reasons),
        owner_id=customer.owner_id,
        owner_name=_name(session, Staff, customer.owner_id),
        branch_name=_name(session, Branch, customer.branch_id),
        is_group=customer.is_group,
        head_office_branch_id=customer.head_office_branch_id,
        head_office_branch_name=_name(session, Branch, customer.head_office_branch_id),
        strategic=customer.strategic,
        growth_potential=customer.growth_potential,
        monthly_spend=customer.monthly_spend,
        competitor_presence=customer.competitor_presence,
        status=customer.status,
        opened_at=customer.opened_at,
        left_at=customer.left_at,
        leave_reason=customer.leave_reason,
        last_visit_at=customer.last_visit_at,
        churn_score=customer.churn_score,
        churn_reasons=reasons_from_json(customer.churn_reasons),
        products=products,
        revenue=revenue,
        grade_history=_grade_history(session, customer.id),
    )


def _grade_history(session: Session, customer_id: str) -> tuple[GradeChange, ...]:
    rows = session.execute(
        select(
            GradeHistory.computed_at,
            GradeHistory.grade,
            GradeHistory.category,
            GradeHistory.score,
            GradeHistory.rule_version,
        )
        .where(GradeHistory.customer_id == customer_id, GradeHistory.deleted_at.is_(None))
        .order_by(GradeHistory.computed_at.desc(), GradeHistory.id.desc())
        .limit(GRADE_HISTORY_SHOWN)
    ).all()
    return tuple(
        GradeChange(at, grade, category, Decimal(str(score)).quantize(FEN), version)
        for at, grade, category, score, version in rows
    )


def _choices(rows: Iterable[Any]) -> tuple[Choice, ...]:
    return tuple(Choice(row_id, name) for row_id, name in rows)


def read_choices(session: Session, actor: Actor) -> FileChoices:
    owner_roles = (Role.AM.value, Role.INDUSTRY_MANAGER.value, Role.LEADER.value)
    return FileChoices(
        industry_groups=_choices(
            session.execute(
                select(IndustryGroup.id, IndustryGroup.name)
                .where(IndustryGroup.deleted_at.is_(None))
                .order_by(IndustryGroup.sort_order, IndustryGroup.name)
            ).all()
        ),
        owners=_choices(
            session.execute(
                select(Staff.id, Staff.name)
                .where(
                    Staff.branch_id == actor.branch_id,
                    Staff.active.is_(True),
                    Staff.deleted_at.is_(None),
                    Staff.role.in_(owner_roles),
                )
                .order_by(Staff.name, Staff.id)
            ).all()
        ),
        branches=_choices(
            session.execute(
                select(Branch.id, Branch.name)
                .where(Branch.deleted_at.is_(None))
                .order_by(Branch.code)
            ).all()
        ),
        products=_choices(
            session.execute(
                select(Product.id, Product.name)
                .where(Product.deleted_at.is_(None))
                .order_by(Product.code)
            ).all()
        ),
    )
