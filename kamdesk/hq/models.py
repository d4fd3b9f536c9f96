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

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
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
    pulled_cursor: Mapped[int | None] = mapped_column(BigInteger)
    """The highest changelog number this device has pulled past (sync health)."""


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


JsonDoc = JSON().with_variant(JSONB(), "postgresql")


class SyncRow(Base):
    """The current state of one synced desktop row, as HQ accepted it.

    ``change_seq`` is the branch's changelog number of the row's last change: the
    pull cursor walks ``(branch_id, change_seq)``, an index, so an idle pull costs
    one index probe whatever the table size. ``field_hlc``/``field_versions`` hold,
    per field, the clock and the ``row_version`` of its last accepted change.
    """

    __tablename__ = "sync_rows"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(48), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_version: Mapped[int] = mapped_column(Integer)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    hlc: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    field_hlc: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    field_versions: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    group_key: Mapped[str | None] = mapped_column(String(64))
    origin_device_id: Mapped[str | None] = mapped_column(String(36))
    held_batch_seq: Mapped[int | None] = mapped_column(BigInteger)
    """The batch of ``origin_device_id`` that made this version, when that device holds
    it exactly as stored (a new row stored as pushed); its pulls leave it out."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        Index("ux_sync_rows_cursor", "branch_id", "change_seq", unique=True),
        Index(
            "ix_sync_rows_group",
            "branch_id",
            "table_name",
            "group_key",
            postgresql_where=text("group_key IS NOT NULL"),
            sqlite_where=text("group_key IS NOT NULL"),
        ),
    )


class SyncBranchState(Base):
    """One row per branch: the last changelog number handed out.

    Every writing transaction takes this row's lock before numbering its changes, so
    numbers are handed out in commit order within a branch (a puller never skips a
    change that commits late).
    """

    __tablename__ = "sync_branch_state"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    purged_through: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """The tombstone horizon: the highest changelog number of a purged tombstone. A
    device whose cursor is below it may have missed a delete: it must re-snapshot."""


class SyncPushBatch(Base):
    """A device's applied batch and the response it got (replayed on a duplicate, G2)."""

    __tablename__ = "sync_push_batches"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    batch_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), unique=True)
    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    response: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


class SyncBlob(Base):
    """Content-addressed bytes of a branch (signature images, attachments)."""

    __tablename__ = "sync_blobs"

    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


AUDIT_PROBLEM_SQL = text("verdict IN ('rewound', 'forked')")


class AuditHead(Base):
    """A desktop's audit chain head as reported in a sync round, and HQ's verdict.

    One row per report that changed something (a new head, or a verdict other than
    ``ok``); ``report_no`` counts a device's rows from 1. ``known_seq``/``known_mac``
    are the head HQ held before. A ``rewound`` or ``forked`` row is the device's alarm
    until an HQ admin accepts it (``accepted_at``).
    """

    __tablename__ = "audit_heads"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    report_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[str] = mapped_column(ForeignKey("branches.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    seq: Mapped[int] = mapped_column(BigInteger)
    mac: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    known_seq: Mapped[int | None] = mapped_column(BigInteger)
    known_mac: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index(
            "ix_audit_heads_problem",
            "device_id",
            "report_no",
            postgresql_where=AUDIT_PROBLEM_SQL,
            sqlite_where=AUDIT_PROBLEM_SQL,
        ),
    )


BRANCH_SCOPED_TABLES = (
    "branches",
    "devices",
    "registration_codes",
    "sync_rows",
    "sync_branch_state",
    "sync_push_batches",
    "sync_blobs",
    "audit_heads",
)
"""Tables guarded by row-level security on PostgreSQL (``branches`` by its own id)."""
