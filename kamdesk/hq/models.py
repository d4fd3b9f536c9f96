"""HQ's own tables (separate from the desktop database): branches, devices, codes.

Guarantees:
- Secrets never rest in clear: ``devices.token_hash`` and ``registration_codes.code_hash``
  hold SHA-256 digests (see :mod:`kamdesk.hq.credentials`).
- Every instant is timezone-aware in Python and stored as UTC (``timestamptz`` on
  PostgreSQL); a naive datetime is refused on write.
- Branch-scoped tables carry ``branch_id``; on PostgreSQL row-level security keyed on
  the session setting ``kamdesk.branch_id`` guards them (see the first migration).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from kamdesk.domain.clock import utcnow
from kamdesk.domain.ids import uuid7

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware instant: ``timestamptz`` on PostgreSQL, UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("naive datetime: every instant in KAMDesk carries its zone")
        instant: datetime = value.astimezone(UTC)
        return instant.replace(tzinfo=None) if dialect.name == "sqlite" else instant

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=UTC)
        return stored.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Branch(Base):
    """A regional branch; every device and branch-private row belongs to one."""

    __tablename__ = "branches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=uuid7)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Device(Base):
    """A registered desktop. Its token's hash is its credential; revoking is final."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=uuid7)
    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    protocol_version: Mapped[int | None] = mapped_column(Integer)
    schema_version: Mapped[int | None] = mapped_column(Integer)
    client_version: Mapped[str | None] = mapped_column(String(40))


class RegistrationCode(Base):
    """A one-time code an HQ admin gives to one desktop; used once, then spent."""

    __tablename__ = "registration_codes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=uuid7)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by_device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))


BRANCH_SCOPED_TABLES = ("branches", "devices", "registration_codes")
"""Tables guarded by row-level security on PostgreSQL (``branches`` by its own id)."""
