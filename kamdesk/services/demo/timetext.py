"""Instants as whole UTC seconds, and the text forms the database and payloads use.

Generators work on ``int`` seconds since the Unix epoch (UTC) because datetime
objects cost microseconds each and a full demo handles tens of millions of instants.
Shanghai has had no daylight saving since 1991, so local time is UTC + 8 h exactly.

- :func:`db` gives the text SQLAlchemy's ``AwareDateTime`` stores on SQLite (naive UTC,
  ``YYYY-MM-DD HH:MM:SS.ffffff``), so rows written here read back as aware datetimes;
- :func:`iso` gives ISO 8601 in Shanghai time with its offset, as
  ``datetime.isoformat()`` writes it into work-order event payloads;
- :func:`day_text` gives a ``Date`` column's text.

The lookup tables are built once per process (about 100 ms); days run from 2000 on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DAY = 86_400
HOUR = 3_600
LOCAL_OFFSET = 8 * HOUR
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

_HMS_DB = tuple(f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(DAY))
_HMS_ISO = tuple(f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08:00" for s in range(DAY))
_FIRST_DAY = date(2000, 1, 1).toordinal() - _EPOCH_ORDINAL
_DAYS = tuple(
    date.fromordinal(d + _EPOCH_ORDINAL).isoformat() for d in range(_FIRST_DAY, _FIRST_DAY + 40_000)
)
DB_DAYS = ("",) * _FIRST_DAY + _DAYS
"""``YYYY-MM-DD`` by day index (from 1970; empty before 2000). With :data:`DB_HMS`, hot
loops inline :func:`db` as ``DB_DAYS[t // DAY] + DB_HMS[t % DAY]``."""
DB_HMS = _HMS_DB


def day_text_of(day_index: int) -> str:
    """``YYYY-MM-DD`` of a day counted from 1970-01-01 (2000 to 2109)."""
    return _DAYS[day_index - _FIRST_DAY]


def db(t: int) -> str:
    """Stored text of the instant ``t`` (UTC seconds)."""
    return DB_DAYS[t // DAY] + _HMS_DB[t % DAY]


def iso(t: int) -> str:
    """ISO 8601 of ``t`` in Asia/Shanghai with ``+08:00``."""
    d, s = divmod(t + LOCAL_OFFSET, DAY)
    return _DAYS[d - _FIRST_DAY] + _HMS_ISO[s]


def local_day(t: int) -> int:
    """Index of the Shanghai calendar day that contains ``t``."""
    return (t + LOCAL_OFFSET) // DAY


def local_day_start(day_index: int) -> int:
    """UTC seconds of 00:00 Shanghai on the day ``day_index``."""
    return day_index * DAY - LOCAL_OFFSET


def seconds_into_local_day(t: int) -> int:
    return (t + LOCAL_OFFSET) % DAY


def day_index(day: date) -> int:
    return day.toordinal() - _EPOCH_ORDINAL


def to_date(day_index_value: int) -> date:
    return date.fromordinal(day_index_value + _EPOCH_ORDINAL)


def day_text(day: date) -> str:
    return day_text_of(day_index(day))


def from_datetime(dt: datetime) -> int:
    """Whole seconds of an aware datetime (fractions dropped)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: every instant in KAMDesk carries its zone")
    return int(dt.timestamp())


def to_datetime(t: int) -> datetime:
    """Aware UTC datetime of ``t``."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=t)


def month_start(year: int, month: int) -> int:
    """Day index of the first day of a month."""
    return day_index(date(year, month, 1))


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
