"""Time helpers: every stored instant is timezone-aware; business days are in Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local(dt: datetime) -> datetime:
    """``dt`` seen in Asia/Shanghai; refuses a naive datetime."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: every instant in KAMDesk carries its zone")
    return dt.astimezone(SHANGHAI)


def start_of_day(day: date) -> datetime:
    """00:00 of ``day`` in Asia/Shanghai."""
    return datetime.combine(day, time(0), SHANGHAI)
