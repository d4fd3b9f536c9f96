"""The customer file as the screens read it: frozen dataclasses, no ORM object.

Datetimes are aware (UTC as stored); money is ``Decimal`` CNY. Reasons (grade,
churn) are domain :class:`~kamdesk.domain.customers.reasons.Reason` values: render
them with ``describe`` in the reader's language. Key persons' contact details are
empty with ``masked`` set when the reader's role may not see personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kamdesk.domain.customers.reasons import Reason
from kamdesk.services.customer_file.drafts import (
    CustomerDraft,
    KeyPersonDraft,
    MonthShare,
    OpportunityDraft,
)


@dataclass(frozen=True)
class Choice:
    """An item of a pick list: stored id and the name shown."""

    id: str
    name: str


@dataclass(frozen=True)
class FileChoices:
    """Reference data the forms offer (this branch's staff, groups, branches, products)."""

    industry_groups: tuple[Choice, ...]
    owners: tuple[Choice, ...]
    branches: tuple[Choice, ...]
    products: tuple[Choice, ...]


@dataclass(frozen=True)
class ProductInUse:
    product_name: str
    quantity: int
    since: date | None
    circuit_no: str


@dataclass(frozen=True)
class GradeChange:
    """One grading of the account that changed its grade or category (grade history)."""

    computed_at: datetime
    grade: str
    category: str
    score: Decimal
    rule_version: int


@dataclass(frozen=True)
class RevenuePoint:
    month: date  # first day of the month
    amount: Decimal


@dataclass(frozen=True)
class CustomerOverview:
    id: str
    name: str
    credit_code: str
    industry_group_id: str | None
    industry_name: str
    address: str
    district: str
    phone: str
    category: str
    level: str
    grade: str
    grade_score: float
    grade_reasons: tuple[Reason, ...]
    owner_id: str | None
    owner_name: str
    branch_name: str
    is_group: bool
    head_office_branch_id: str | None
    head_office_branch_name: str
    strategic: bool
    growth_potential: int
    monthly_spend: Decimal
    competitor_presence: str
    status: str
    opened_at: datetime
    left_at: datetime | None
    leave_reason: str
    last_visit_at: datetime | None
    churn_score: int
    churn_reasons: tuple[Reason, ...]
    products: tuple[ProductInUse, ...]
    revenue: tuple[RevenuePoint, ...]  # 12 months, oldest first, zero where none billed
    grade_history: tuple[GradeChange, ...] = ()  # newest first, the last GRADE_HISTORY_SHOWN

    @property
    def revenue_total(self) -> Decimal:
        return sum((p.amount for p in self.revenue), Decimal("0.00"))

    def draft(self) -> CustomerDraft:
        """The editable fields as a draft, to fill the edit form."""
        return CustomerDraft(
            name=self.name,
            credit_code=self.credit_code,
            industry_group_id=self.industry_group_id,
            address=self.address,
            district=self.district,
            phone=self.phone,
            owner_id=self.owner_id,
            is_group=self.is_group,
            head_office_branch_id=self.head_office_branch_id,
            strategic=self.strategic,
            growth_potential=self.growth_potential,
            monthly_spend=self.monthly_spend,
            competitor_presence=self.competitor_presence,
        )


@dataclass(frozen=True)
class KeyPersonView:
    id: str
    name: str
    title: str
    department: str
    decision_role: str
    tier: str
    mobile: str
    landline: str
    email: str
    birthday: date | None
    preferences: str
    relationship: int
    reports_to_id: str | None
    reports_to_name: str
    last_contact_at: datetime | None
    masked: bool

    def draft(self) -> KeyPersonDraft:
        return KeyPersonDraft(
            name=self.name,
            decision_role=self.decision_role,
            tier=self.tier,
            title=self.title,
            department=self.department,
            mobile=self.mobile,
            landline=self.landline,
            email=self.email,
            birthday=self.birthday,
            preferences=self.preferences,
            relationship=self.relationship,
            reports_to_id=self.reports_to_id,
        )


@dataclass(frozen=True)
class VisitView:
    id: str
    status: str
    planned_at: datetime | None
    done_at: datetime | None
    owner_name: str
    purpose: str
    participants: str
    findings: str
    explicit_needs: str
    hidden_needs: str
    next_steps: str
    complaint_id: str | None

    @property
    def when(self) -> datetime | None:
        return self.done_at or self.planned_at


@dataclass(frozen=True)
class CareActionView:
    id: str
    kind: str
    title: str
    due_on: date
    status: str
    done_at: datetime | None
    key_person_name: str
    notes: str


@dataclass(frozen=True)
class ComplaintView:
    id: str
    received_at: datetime
    channel: str
    category: str
    severity: str
    description: str
    deadline_at: datetime
    handler_name: str
    handled_at: datetime | None
    closed_at: datetime | None
    resolution: str
    followed_up_at: datetime | None
    followup_notes: str
    state: str
    overdue: bool  # not yet handled or closed, and past its deadline when read


@dataclass(frozen=True)
class AgreementView:
    id: str
    number: str
    title: str
    signed_on: date
    starts_on: date
    ends_on: date
    total_value: Decimal
    status: str
    months: tuple[MonthShare, ...]

    @property
    def expected_revenue(self) -> Decimal:
        return sum((m.amount for m in self.months), Decimal("0.00"))


@dataclass(frozen=True)
class OpportunityView:
    id: str
    title: str
    product_id: str | None
    product_name: str
    stage: str
    expected_value: Decimal
    expected_close: date | None
    stage_changed_at: datetime
    owner_name: str

    def draft(self) -> OpportunityDraft:
        return OpportunityDraft(
            title=self.title,
            stage=self.stage,
            product_id=self.product_id,
            expected_value=self.expected_value,
            expected_close=self.expected_close,
        )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_name: str
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any]


@dataclass(frozen=True)
class CustomerFile:
    """Everything about one account, read in one unit of work."""

    overview: CustomerOverview
    key_persons: tuple[KeyPersonView, ...]
    visits: tuple[VisitView, ...]  # newest first
    care_actions: tuple[CareActionView, ...]  # by due date
    complaints: tuple[ComplaintView, ...]  # newest first
    agreements: tuple[AgreementView, ...]  # by end date, latest first
    opportunities: tuple[OpportunityView, ...]
    history: tuple[HistoryEntry, ...]  # newest first

    @property
    def expected_revenue_by_month(self) -> tuple[RevenuePoint, ...]:
        """Agreements' monthly split summed per month, oldest first."""
        sums: dict[date, Decimal] = {}
        for agreement in self.agreements:
            for share in agreement.months:
                sums[share.month] = sums.get(share.month, Decimal("0.00")) + share.amount
        return tuple(RevenuePoint(month, sums[month]) for month in sorted(sums))


@dataclass(frozen=True)
class DuplicateCandidate:
    """An existing account that looks like the one being created, and why."""

    customer_id: str
    name: str
    credit_code: str
    same_credit_code: bool
    name_score: float  # 0-100, 100 = same name once normalised


@dataclass(frozen=True)
class CreateOutcome:
    """``customer_id`` when created; otherwise the look-alikes to confirm first."""

    customer_id: str | None
    duplicates: tuple[DuplicateCandidate, ...] = ()
