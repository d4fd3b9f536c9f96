"""Instants between Qt's editors and KAMDesk: editors show Asia/Shanghai wall time.

Guarantee: ``from_qdatetime(to_qdatetime(dt)) == dt`` to the minute for any aware
``dt``, whatever the computer's own time zone is.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime

from kamdesk.domain.clock import SHANGHAI, local, utcnow

DISPLAY = "%Y-%m-%d %H:%M"
QT_DISPLAY = "yyyy-MM-dd HH:mm"


def to_qdatetime(dt: datetime) -> QDateTime:
    """``dt`` as a naive QDateTime holding its Shanghai wall time."""
    wall = local(dt)
    return QDateTime(QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute))


def from_qdatetime(value: QDateTime) -> datetime:
    """The Shanghai wall time in ``value`` as an aware instant."""
    naive = value.toPython()
    assert isinstance(naive, datetime)
    return naive.replace(tzinfo=SHANGHAI, second=0, microsecond=0)


def now_q() -> QDateTime:
    return to_qdatetime(utcnow())


def shown(dt: datetime | None) -> str:
    """``2026-11-22 14:30`` in Shanghai; empty for ``None``."""
    return "" if dt is None else local(dt).strftime(DISPLAY)
