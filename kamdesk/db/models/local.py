"""Tables that never travel as rows: the audit chain, the sync outbox and state,
conflicts, and local settings.

Guarantees: ``audit_log`` is append-only (triggers refuse UPDATE and DELETE) and each
entry carries the HMAC of its predecessor, so an edit, a deletion or a reordering is
detectable. ``sync_outbox`` rows are written in the same transaction as the change
they describe and leave only when HQ acknowledged their batch.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.db.models.base import AwareDateTime, Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    branch_id: Mapped[str | None] = mapped_column(String(36))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(48), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)


class OutboxEntry(Base):
    """One local change waiting for HQ; frozen into a batch once ``batch_id`` is set."""

    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(16))  # upsert|delete|append
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    hlc: Mapped[str] = mapped_column(String(48))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("sync_batches.batch_id"), index=True)


class SyncBatch(Base):
    __tablename__ = "sync_batches"

    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_seq: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SyncRejection(Base):
    """An operation HQ refused, shown to its author (G1: visible, never silent)."""

    __tablename__ = "sync_rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(String(36))
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class SyncConflict(Base):
    """G6: the losing value of a concurrent edit, kept for a person to resolve."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    kept_value: Mapped[Any] = mapped_column(JSON)
    lost_value: Mapped[Any] = mapped_column(JSON)
    kept_hlc: Mapped[str] = mapped_column(String(48))
    lost_hlc: Mapped[str] = mapped_column(String(48))
    kept_by: Mapped[str | None] = mapped_column(String(36))
    lost_by: Mapped[str | None] = mapped_column(String(36))
    detected_at: Mapped[datetime] = mapped_column(AwareDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(36))
    resolution: Mapped[str] = mapped_column(Text, default="")


class SyncLogEntry(Base):
    """One sync attempt for the sync page's history."""

    __tablename__ = "sync_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(AwareDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    pushed: Mapped[int] = mapped_column(Integer, default=0)
    pulled: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Setting(Base):
    """Local key/value state: device id, pull cursor, next batch number, HLC, branch."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
