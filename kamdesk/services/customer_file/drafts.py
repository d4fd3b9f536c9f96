"""What a person typed into a customer-file form, before it is checked.

Drafts carry text where the rule lives in the checking (credit code, phones) and typed
values where the widget already guarantees the type (dates, amounts, choices).
:mod:`kamdesk.services.customer_file.validation` turns a draft into problems per field;
the write operations refuse a draft with any problem and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class CustomerDraft:
    name: str
    credit_code: str
    industry_group_id: str | None = None
    address: str = ""
    district: str = ""
    phone: str = ""
    owner_id: str | None = None  # None: the acting account manager
    is_group: bool = False
    head_office_branch_id: str | None = None
    strategic: bool = False
    growth_potential: int = 3  # 1 (low) … 5 (high)
    monthly_spend: Decimal = Decimal("0.00")
    competitor_presence: str = ""


@dataclass(frozen=True)
class KeyPersonDraft:
    name: str
    decision_role: str
    tier: str = "working"
    title: str = ""
    department: str = ""
    mobile: str = ""
    landline: str = ""
    email: str = ""
    birthday: date | None = None
    preferences: str = ""
    relationship: int = 3  # 1 (cold) … 5 (close)
    reports_to_id: str | None = None


@dataclass(frozen=True)
class VisitDraft:
    """A planned visit (``at`` = when it is planned) or a done one (``at`` = when done).

    ``key_person_ids``: the key persons met (their last contact moves to ``at`` when
    done). ``fulfils_visit_id``: the planned visit this done one replaces.
    """

    status: str
    at: datetime
    purpose: str
    participants: str = ""
    findings: str = ""
    explicit_needs: str = ""
    hidden_needs: str = ""
    next_steps: str = ""
    key_person_ids: tuple[str, ...] = ()
    fulfils_visit_id: str | None = None


@dataclass(frozen=True)
class CareActionDraft:
    kind: str
    title: str
    due_on: date
    key_person_id: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class ComplaintDraft:
    received_at: datetime
    deadline_at: datetime
    category: str
    description: str
    channel: str = "phone"
    severity: str = "normal"  # normal | urgent
    handler_id: str | None = None


@dataclass(frozen=True)
class MonthShare:
    """Expected revenue of one month (``month`` is the first day of that month)."""

    month: date
    amount: Decimal
    product_id: str | None = None


@dataclass(frozen=True)
class AgreementDraft:
    number: str
    title: str
    signed_on: date
    starts_on: date
    ends_on: date
    total_value: Decimal
    months: tuple[MonthShare, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class OpportunityDraft:
    title: str
    stage: str = "lead"
    product_id: str | None = None
    expected_value: Decimal = Decimal("0.00")
    expected_close: date | None = None
