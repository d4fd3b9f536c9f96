"""Work orders (工单): the order, its dispatched steps, return orders, the immutable
transition events, clock pauses, signatures and content-addressed attachments.

Guarantee: ``WorkOrderEvent`` rows are the truth; the state and the timestamp
columns on ``WorkOrder`` (``issued_at``, ``accepted_at``, ...) are a cache the
services rewrite from the events in the same transaction, so KPIs can run in SQL.
Events are append-only (a trigger refuses UPDATE and DELETE).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.db.models.base import AwareDateTime, Base, Money, Synced


class WorkOrder(Synced, Base):
    __tablename__ = "work_orders"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"))
    order_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="demand")  # demand|fault
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    requested_on: Mapped[date | None] = mapped_column(Date)
    requirement: Mapped[str] = mapped_column(Text, default="")
    importance: Mapped[str] = mapped_column(String(16), default="normal")
    a_end: Mapped[str] = mapped_column(String(200), default="")
    z_end: Mapped[str] = mapped_column(String(200), default="")
    bandwidth: Mapped[str] = mapped_column(String(16), default="")
    interface: Mapped[str] = mapped_column(String(16), default="")
    circuit_no: Mapped[str] = mapped_column(String(64), default="")
    state: Mapped[str] = mapped_column(String(24))
    clock_mode: Mapped[str] = mapped_column(String(16), default="working")
    promised_days: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    confirm_requested_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    confirmation: Mapped[str | None] = mapped_column(String(16))
    dispatched_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    restored_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[bool | None] = mapped_column()
    completion_results: Mapped[str] = mapped_column(Text, default="")
    test_results: Mapped[str] = mapped_column(Text, default="")
    print_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_work_orders_customer", "customer_id"),
        Index("ix_work_orders_state", "state"),
        Index("ix_work_orders_owner_state", "owner_id", "state"),
        Index("ix_work_orders_accepted", "accepted_at"),
        Index("ix_work_orders_issued", "issued_at"),
        Index("ix_work_orders_restored", "restored_at"),
        Index("ix_work_orders_confirmed", "confirmed_at"),
    )


class WorkOrderStep(Synced, Base):
    """One dispatched step for a workstation; ``parallel_group`` steps run together."""

    __tablename__ = "work_order_steps"

    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    parallel_group: Mapped[int] = mapped_column(Integer, default=0)
    workstation_id: Mapped[str] = mapped_column(ForeignKey("workstations.id"), index=True)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    planned_minutes: Mapped[int] = mapped_column(Integer)
    deadline_at: Mapped[datetime] = mapped_column(AwareDateTime)
    need_text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    done_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    return_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("order_id", "seq"),)


class ReturnOrder(Synced, Base):
    """异常返单: a step sent back with a reason category."""

    __tablename__ = "return_orders"

    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    step_id: Mapped[str | None] = mapped_column(ForeignKey("work_order_steps.id"))
    reason: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(Text, default="")
    emergency_handling: Mapped[str] = mapped_column(Text, default="")
    raised_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    raised_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    handled_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")


class WorkOrderEvent(Synced, Base):
    """One immutable transition: who, when, from, to, payload."""

    __tablename__ = "work_order_events"

    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (UniqueConstraint("order_id", "seq"),)


class ClockPause(Synced, Base):
    """A pause of the promised-time clock while waiting on the customer."""

    __tablename__ = "clock_pauses"

    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(AwareDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    reason: Mapped[str] = mapped_column(Text)


class Blob(Base):
    """Content-addressed bytes (signature PNGs, scans): stored once per SHA-256."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)


class Signature(Synced, Base):
    """A signature on an order: vector strokes plus the PNG blob, signer and time."""

    __tablename__ = "signatures"

    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # customer|am|workstation
    signer_name: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(AwareDateTime)
    strokes: Mapped[list[Any]] = mapped_column(JSON)
    image_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))


class Attachment(Synced, Base):
    __tablename__ = "attachments"

    order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(260))
    added_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
