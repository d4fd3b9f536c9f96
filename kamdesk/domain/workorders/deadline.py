"""An order's promised-time clock, built from its derived view.

The clock runs from issue (the clerk's 下发) to customer acceptance with the promise
recorded at issue and the order's pauses. Orders not issued yet have no clock.
"""

from __future__ import annotations

from datetime import datetime

from kamdesk.domain.sla import PromisedClock, SlaStatus
from kamdesk.domain.sla_explain import TraceEntry, explain
from kamdesk.domain.working_calendar import WorkingCalendar
from kamdesk.domain.workorders.view import OrderView


def order_clock(view: OrderView, calendar: WorkingCalendar) -> PromisedClock | None:
    """The clock of ``view``, or ``None`` before issue."""
    if view.issued_at is None or view.promise is None:
        return None
    return PromisedClock(view.issued_at, view.promise, view.pauses, calendar)


def order_status(view: OrderView, calendar: WorkingCalendar, now: datetime) -> SlaStatus | None:
    """For lists: accepted orders by the on-time test, open ones at ``now``; ``None``
    before issue and for cancelled orders."""
    clock = order_clock(view, calendar)
    if clock is None or view.cancelled_at is not None:
        return None
    return clock.status(now, accepted_at=view.accepted_at)


def explain_order_deadline(view: OrderView, calendar: WorkingCalendar) -> list[TraceEntry]:
    """The "explain this deadline" entries; empty before issue."""
    clock = order_clock(view, calendar)
    return [] if clock is None else explain(clock)
