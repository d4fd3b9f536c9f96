"""Declarative base, column types and the sync metadata every synced table carries.

Guarantees:
- ``Money`` stores CNY as whole fen (INTEGER), so sums in SQL are exact; Python sees
  ``Decimal`` with two places. Assigning a float is refused.
- ``AwareDateTime`` refuses naive datetimes, stores UTC, and returns aware UTC values.
  The stored text sorts in time order, so range filters work in SQL.
- Every synced row has a UUIDv7 text key, ``row_version`` (stamped by HQ, 0 until
  HQ accepts it), ``updated_hlc`` (hybrid logical clock of the last local or remote
  edit) and tombstone columns (``deleted_at``/``deleted_by``): rows are never
  removed while sync may still need to tell HQ about them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, MetaData, String
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

FEN = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """CNY amount as ``Decimal`` in Python, whole fen (INTEGER) in the database."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, not float")
        return int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(FEN)


class AwareDateTime(TypeDecorator[datetime]):
    """Timezone-aware instant; stored as UTC, returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("naive datetime: every instant in KAMDesk carries its zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        return stored.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Synced:
    """Sync metadata (see SYNC.md). Mixed into every table that travels to HQ."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=uuid7)
    row_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_hlc: Mapped[str | None] = mapped_column(String(48))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(36))


class FieldClocks:
    """Per-field HLC stamps for field-level last-writer-wins entities."""

    field_hlc: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
