"""Reading the lists of one account's file: key persons, visits, care actions,
complaints, agreements with their monthly split, opportunities.

Only live rows (no tombstone). Names of staff, products and managers are joined in
here, so the screens never look anything up.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from kamdesk.db.models import (
    Agreement,
    AgreementMonth,
    CareAction,
    Complaint,
    KeyPerson,
    Opportunity,
    Product,
    Staff,
    Visit,
)
from kamdesk.services.customer_file.drafts import MonthShare
from kamdesk.services.customer_file.views import (
    AgreementView,
    CareActionView,
    ComplaintView,
    KeyPersonView,
    OpportunityView,
    VisitView,
)
from kamdesk.services.customer_file.vocabulary import ComplaintState, Tier
from kamdesk.services.personal_data import masked

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def read_key_persons(
    session: Session, customer_id: str, *, show_contacts: bool
) -> tuple[KeyPersonView, ...]:
    """The account's key persons, seniors first; contacts as :func:`masked` unless
    ``show_contacts`` (:func:`~kamdesk.services.personal_data.may_read_contacts`)."""

    def shown(field: str, value: Any) -> Any:
        return value if show_contacts else masked(field, value)

    rows = session.scalars(
        select(KeyPerson)
        .where(KeyPerson.customer_id == customer_id, KeyPerson.deleted_at.is_(None))
        .order_by(
            case((KeyPerson.tier == Tier.SENIOR.value, 0), else_=1), KeyPerson.name, KeyPerson.id
        )
    ).all()
    names = {p.id: p.name for p in rows}
    return tuple(
        KeyPersonView(
            id=p.id,
            name=p.name,
            title=p.title,
            department=p.department,
            decision_role=p.decision_role,
            tier=p.tier,
            mobile=shown("mobile", p.mobile),
            landline=shown("landline", p.landline),
            email=shown("email", p.email),
            birthday=shown("birthday", p.birthday),
            preferences=p.preferences,
            relationship=p.relationship,
            reports_to_id=p.reports_to_id if p.reports_to_id in names else None,
            reports_to_name=names.get(p.reports_to_id or "", ""),
            last_contact_at=p.last_contact_at,
            masked=not show_contacts,
        )
        for p in rows
    )


def read_visits(session: Session, customer_id: str) -> tuple[VisitView, ...]:
    rows = session.execute(
        select(Visit, Staff.name)
        .outerjoin(Staff, Staff.id == Visit.owner_id)
        .where(Visit.customer_id == customer_id, Visit.deleted_at.is_(None))
    ).all()
    views = [
        VisitView(
            id=v.id,
            status=v.status,
            planned_at=v.planned_at,
            done_at=v.done_at,
            owner_name=owner or "",
            purpose=v.purpose,
            participants=v.participants,
            findings=v.findings,
            explicit_needs=v.explicit_needs,
            hidden_needs=v.hidden_needs,
            next_steps=v.next_steps,
            complaint_id=v.complaint_id,
        )
        for v, owner in rows
    ]
    views.sort(key=lambda v: v.when or _EPOCH, reverse=True)
    return tuple(views)


def read_care_actions(session: Session, customer_id: str) -> tuple[CareActionView, ...]:
    rows = session.execute(
        select(CareAction, KeyPerson.name)
        .outerjoin(KeyPerson, KeyPerson.id == CareAction.key_person_id)
        .where(CareAction.customer_id == customer_id, CareAction.deleted_at.is_(None))
        .order_by(CareAction.due_on, CareAction.id)
    ).all()
    return tuple(
        CareActionView(
            id=c.id,
            kind=c.kind,
            title=c.title,
            due_on=c.due_on,
            status=c.status,
            done_at=c.done_at,
            key_person_name=person or "",
            notes=c.notes,
        )
        for c, person in rows
    )


def read_complaints(session: Session, customer_id: str, now: datetime) -> tuple[ComplaintView, ...]:
    rows = session.execute(
        select(Complaint, Staff.name)
        .outerjoin(Staff, Staff.id == Complaint.handler_id)
        .where(Complaint.customer_id == customer_id, Complaint.deleted_at.is_(None))
        .order_by(Complaint.received_at.desc(), Complaint.id)
    ).all()
    open_states = (ComplaintState.RECEIVED, ComplaintState.HANDLED)
    return tuple(
        ComplaintView(
            id=c.id,
            received_at=c.received_at,
            channel=c.channel,
            category=c.category,
            severity=c.severity,
            description=c.description,
            deadline_at=c.deadline_at,
            handler_name=handler or "",
            handled_at=c.handled_at,
            closed_at=c.closed_at,
            resolution=c.resolution,
            followed_up_at=c.followed_up_at,
            followup_notes=c.followup_notes,
            state=c.status,
            overdue=c.status in open_states and c.deadline_at < now,
        )
        for c, handler in rows
    )


def read_agreements(session: Session, customer_id: str) -> tuple[AgreementView, ...]:
    agreements = session.scalars(
        select(Agreement)
        .where(Agreement.customer_id == customer_id, Agreement.deleted_at.is_(None))
        .order_by(Agreement.ends_on.desc(), Agreement.number)
    ).all()
    months: dict[str, list[MonthShare]] = defaultdict(list)
    if agreements:
        for m in session.scalars(
            select(AgreementMonth)
            .where(
                AgreementMonth.agreement_id.in_([a.id for a in agreements]),
                AgreementMonth.deleted_at.is_(None),
            )
            .order_by(AgreementMonth.month)
        ):
            months[m.agreement_id].append(MonthShare(m.month, m.expected_revenue, m.product_id))
    return tuple(
        AgreementView(
            id=a.id,
            number=a.number,
            title=a.title,
            signed_on=a.signed_on,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            total_value=a.total_value,
            status=a.status,
            months=tuple(months[a.id]),
        )
        for a in agreements
    )


def read_opportunities(session: Session, customer_id: str) -> tuple[OpportunityView, ...]:
    owner = aliased(Staff)
    rows = session.execute(
        select(Opportunity, Product.name, owner.name)
        .outerjoin(Product, Product.id == Opportunity.product_id)
        .outerjoin(owner, owner.id == Opportunity.owner_id)
        .where(Opportunity.customer_id == customer_id, Opportunity.deleted_at.is_(None))
        .order_by(Opportunity.stage_changed_at.desc(), Opportunity.id)
    ).all()
    return tuple(
        OpportunityView(
            id=o.id,
            title=o.title,
            product_id=o.product_id,
            product_name=product or "",
            stage=o.stage,
            expected_value=o.expected_value or Decimal("0.00"),
            expected_close=o.expected_close,
            stage_changed_at=o.stage_changed_at,
            owner_name=owner_name or "",
        )
        for o, product, owner_name in rows
    )
