"""Visit intervals per grade (走访制度) and whether an account's next visit is due.

An account of grade G must be visited at least every ``interval(G)`` days (defaults
A 30, B 60, C 90; HQ reference data may change them). With the last *done* visit on
day L the next is due on ``L + interval``: the account is ``overdue`` from the day
after, ``due_soon`` in the ``due_soon_days`` before it (the due day included), and
``ok`` before that. This matches K15 (visit coverage), where a visit exactly one
interval before period end still counts.

Days are local (Asia/Shanghai) calendar dates: pass ``clock.local(visit_time).date()``,
not a datetime (refused, since comparing one with a date raises far from the cause).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from kamdesk.domain.customers.classification import Grade

DEFAULT_VISIT_INTERVAL_DAYS: Mapping[Grade, int] = MappingProxyType(
    {Grade.A: 30, Grade.B: 60, Grade.C: 90}
)
DEFAULT_DUE_SOON_DAYS = 7


class VisitState(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class VisitStatus:
    """``due`` is None only for an account never visited whose start is unknown."""

    state: VisitState
    due: date | None
    days_overdue: int | None  # 0 unless overdue; None when ``due`` is unknown
    interval_days: int


def require_date(value: date | None, name: str) -> None:
    """Refuse a datetime where a local calendar date is meant."""
    if isinstance(value, datetime):
        raise TypeError(f"{name} must be a local date, not a datetime")


def visit_status(
    last_done_visit: date | None,
    grade: Grade,
    today: date,
    *,
    since: date | None = None,
    intervals: Mapping[Grade, int] = DEFAULT_VISIT_INTERVAL_DAYS,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> VisitStatus:
    """The visit state of an account on ``today``.

    Never visited: the interval runs from ``since`` (the day the account was opened)
    when given; otherwise the account is overdue with no due date.
    """
    for value, name in ((last_done_visit, "last_done_visit"), (today, "today"), (since, "since")):
        require_date(value, name)
    interval = intervals[grade]
    start = last_done_visit if last_done_visit is not None else since
    if start is None:
        return VisitStatus(VisitState.OVERDUE, None, None, interval)
    due = start + timedelta(days=interval)
    if today > due:
        return VisitStatus(VisitState.OVERDUE, due, (today - due).days, interval)
    if today >= due - timedelta(days=due_soon_days):
        return VisitStatus(VisitState.DUE_SOON, due, 0, interval)
    return VisitStatus(VisitState.OK, due, 0, interval)
