"""The key-account customer file: accounts, key persons, visits, care, complaints,
agreements with their monthly split, revenue by month, opportunities, forecasts.

Search helpers (``name_key``, ``name_pinyin``, ``name_initials``) are derived from
the name when it is saved so that search runs in SQL; list helpers
(``last_visit_at``, ``churn_score``) are caches recomputed by the services.
Key persons' phone and ID numbers are personal data: services mask them by role.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.db.models.base import AwareDateTime, Base, FieldClocks, Money, Synced


class Customer(Synced, FieldClocks, Base):
    __tablename__ = "customers"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), default="")
    name_pinyin: Mapped[str] = mapped_column(String(400), default="")
    name_initials: Mapped[str] = mapped_column(String(100), default="")
    credit_code: Mapped[str] = mapped_column(String(18))
    industry_group_id: Mapped[str | None] = mapped_column(ForeignKey("industry_groups.id"))
    address: Mapped[str] = mapped_column(String(300), default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    category: Mapped[str] = mapped_column(String(24))
    level: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str] = mapped_column(String(1))
    grade_score: Mapped[float] = mapped_column(default=0.0)
    grade_reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    head_office_branch_id: Mapped[str | None] = mapped_column(ForeignKey("branches.id"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    strategic: Mapped[bool] = mapped_column(Boolean, default=False)
    growth_potential: Mapped[int] = mapped_column(Integer, default=3)
    monthly_spend: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    competitor_presence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    opened_at: Mapped[datetime] = mapped_column(AwareDateTime)
    left_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    leave_reason: Mapped[str] = mapped_column(Text, default="")
    last_visit_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    churn_score: Mapped[int] = mapped_column(Integer, default=0)
    churn_reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)

    __table_args__ = (
        Index("ix_customers_branch_name", "branch_id", "name_key"),
        Index("ix_customers_credit_code", "credit_code"),
        Index("ix_customers_owner", "owner_id"),
        Index("ix_customers_grade", "grade"),
        Index("ix_customers_initials", "name_initials"),
        Index("ix_customers_pinyin", "name_pinyin"),
        Index("ix_customers_phone", "phone"),
        # The customer list (kamdesk.services.customer_list): live accounts in name
        # order with every column its filters and its search box read, so listing,
        # counting and searching scan this index and never the wide table.
        Index(
            "ix_customers_list",
            "status",
            "deleted_at",
            "name_key",
            "id",
            "name",
            "grade",
            "category",
            "level",
            "industry_group_id",
            "owner_id",
            "churn_score",
            "monthly_spend",
            "last_visit_at",
            "opened_at",
            "name_initials",
            "name_pinyin",
            "credit_code",
            "phone",
        ),
    )


class CustomerProduct(Synced, Base):
    """A product or service the account uses (circuits carry their number)."""

    __tablename__ = "customer_products"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    since: Mapped[date | None] = mapped_column(Date)
    circuit_no: Mapped[str] = mapped_column(String(64), default="")


class GradeHistory(Synced, Base):
    __tablename__ = "grade_history"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    grade: Mapped[str] = mapped_column(String(1))
    category: Mapped[str] = mapped_column(String(24))
    score: Mapped[float] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rule_version: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(AwareDateTime)


class KeyPerson(Synced, FieldClocks, Base):
    """关键人. ``reports_to_id`` draws the influence map."""

    __tablename__ = "key_persons"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(64), default="")
    department: Mapped[str] = mapped_column(String(64), default="")
    # decision_maker | influencer | user | gatekeeper
    decision_role: Mapped[str] = mapped_column(String(24))
    tier: Mapped[str] = mapped_column(String(16), default="working")  # senior|working
    mobile: Mapped[str] = mapped_column(String(32), default="")
    landline: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="")
    birthday: Mapped[date | None] = mapped_column(Date)
    preferences: Mapped[str] = mapped_column(Text, default="")
    relationship: Mapped[int] = mapped_column(Integer, default=3)
    reports_to_id: Mapped[str | None] = mapped_column(ForeignKey("key_persons.id"))
    last_contact_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    __table_args__ = (
        Index("ix_key_persons_name", "name"),
        # Phone search: the number, and what the search reads next, in one index.
        Index("ix_key_persons_mobile", "mobile", "deleted_at", "customer_id"),
        Index("ix_key_persons_landline", "landline", "deleted_at", "customer_id"),
    )


class Visit(Synced, Base):
    """走访: planned or done; append-only for sync (corrections are new rows)."""

    __tablename__ = "visits"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    status: Mapped[str] = mapped_column(String(16))  # planned|done|cancelled
    planned_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    done_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    purpose: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    explicit_needs: Mapped[str] = mapped_column(Text, default="")
    hidden_needs: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    complaint_id: Mapped[str | None] = mapped_column(ForeignKey("complaints.id"))

    __table_args__ = (
        Index("ix_visits_customer_done", "customer_id", "done_at"),
        Index("ix_visits_status_done", "status", "done_at"),
    )


class CareAction(Synced, Base):
    """客户关怀: birthday, holiday and anniversary actions with a due date."""

    __tablename__ = "care_actions"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    key_person_id: Mapped[str | None] = mapped_column(ForeignKey("key_persons.id"))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(16))  # birthday|holiday|anniversary|other
    title: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    done_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")


class Complaint(Synced, Base):
    """投诉: received → handled → closed → followed up (the loop closes at follow-up)."""

    __tablename__ = "complaints"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    channel: Mapped[str] = mapped_column(String(24), default="phone")
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16), default="normal")
    description: Mapped[str] = mapped_column(Text)
    deadline_at: Mapped[datetime] = mapped_column(AwareDateTime)
    handler_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    handled_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    followed_up_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    followup_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="received")


class CompetitorNote(Synced, Base):
    __tablename__ = "competitor_notes"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    noted_at: Mapped[datetime] = mapped_column(AwareDateTime)
    competitor: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")


class Agreement(Synced, FieldClocks, Base):
    """协议 with its monthly revenue split (``AgreementMonth``)."""

    __tablename__ = "agreements"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    total_value: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16), default="active")


class AgreementMonth(Synced, Base):
    __tablename__ = "agreement_months"

    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"))
    expected_revenue: Mapped[Decimal] = mapped_column(Money)


class RevenueMonth(Synced, Base):
    """Monthly revenue by account and product, from the billing extract."""

    __tablename__ = "revenue_months"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    month: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (
        Index("ix_revenue_customer_month", "customer_id", "month"),
        Index("ix_revenue_month", "month"),
    )


class Opportunity(Synced, Base):
    """Funnel: lead → created → assigned → relationship → negotiation → won | lost."""

    __tablename__ = "opportunities"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"))
    title: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(16))
    expected_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    expected_close: Mapped[date | None] = mapped_column(Date)
    stage_changed_at: Mapped[datetime] = mapped_column(AwareDateTime)


class DemandForecast(Synced, Base):
    """An AM's forecast of demand forms per product for a month or quarter."""

    __tablename__ = "demand_forecasts"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"))
    owner_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    industry_group_id: Mapped[str | None] = mapped_column(ForeignKey("industry_groups.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    period: Mapped[str] = mapped_column(String(16))  # monthly|quarterly
    month: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    __table_args__ = (Index("ix_forecasts_month", "month", "product_id"),)
