"""Reference data that HQ publishes and desktops read: branches, staff, industry
groups, products with promised days, grading rules, SLA rules, calendar overrides,
targets, incentive schedules, workstations.

Hazard: desktops must not edit these rows except through a sync pull (the sync
layer enforces that); the local UI shows them read-only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.db.models.base import AwareDateTime, Base, Money, Synced


class Branch(Synced, Base):
    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200), default="")


class IndustryGroup(Synced, Base):
    __tablename__ = "industry_groups"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Staff(Synced, Base):
    """A person of a branch with one role (see kamdesk.domain roles)."""

    __tablename__ = "staff"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), index=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(64), default="")
    industry_group_id: Mapped[str | None] = mapped_column(ForeignKey("industry_groups.id"))
    workstation_id: Mapped[str | None] = mapped_column(ForeignKey("workstations.id"))
    mobile: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    hired_on: Mapped[date | None] = mapped_column(Date)


class Workstation(Synced, Base):
    """工位: a place of the response center that executes dispatched steps."""

    __tablename__ = "workstations"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("branch_id", "code"),)


class Product(Synced, Base):
    """A product or service; circuit products carry A/Z-end technical fields on orders."""

    __tablename__ = "products"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    family: Mapped[str] = mapped_column(String(32))
    is_circuit: Mapped[bool] = mapped_column(Boolean, default=False)
    promised_days: Mapped[int] = mapped_column(Integer)
    clock_mode: Mapped[str] = mapped_column(String(16), default="working")
    repair_hours: Mapped[int] = mapped_column(Integer, default=4)
    monthly_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))


class SlaRule(Synced, Base):
    """Overrides of promised time by product and grade, and the confirmation target."""

    __tablename__ = "sla_rules"

    kind: Mapped[str] = mapped_column(String(16))  # order | confirmation | repair
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"))
    grade: Mapped[str | None] = mapped_column(String(1))
    days: Mapped[int] = mapped_column(Integer)
    clock_mode: Mapped[str] = mapped_column(String(16), default="working")


class GradingRuleSet(Synced, Base):
    """A published version of the grading rules (weights, cut-offs, categories)."""

    __tablename__ = "grading_rule_sets"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    effective_from: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(AwareDateTime)


class IncentiveScheduleSet(Synced, Base):
    """A published version of the incentive schedule of the monthly evaluation sheet
    (the JSON form of :class:`kamdesk.domain.incentive.IncentiveSchedule`)."""

    __tablename__ = "incentive_schedules"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    effective_from: Mapped[date] = mapped_column(Date)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(AwareDateTime)


class WorkOrderPolicySet(Synced, Base):
    """A published version of the work-order policy: the value above which a reviewed
    order needs the leader's approval (:func:`kamdesk.domain.workorders.policy_in_force`)."""

    __tablename__ = "workorder_policies"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    effective_from: Mapped[date] = mapped_column(Date)
    leader_value_threshold: Mapped[Decimal] = mapped_column(Money)
    published_at: Mapped[datetime] = mapped_column(AwareDateTime)


class CalendarOverride(Synced, Base):
    """HQ override of China's official working calendar for one day."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, unique=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(64), default="")


class Target(Synced, Base):
    """A target for one month: scope branch | group | am, metric e.g. revenue."""

    __tablename__ = "targets"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[str] = mapped_column(String(36))
    metric: Mapped[str] = mapped_column(String(32))
    month: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    ratio: Mapped[float | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("scope", "scope_id", "metric", "month"),)
