"""The promised-time clock (承诺时限) of DOMAIN.md, exact so that every report agrees.

The clock runs from issue. *Counted time* is time after issue that is not paused and,
in working-day mode, falls on a working day (a working day counts all 24 hours, a
non-working day none). ``due`` is the first instant at which counted time reaches
N × 24 h. In calendar mode every non-paused hour counts. On time = accepted at or
before ``due``. Day boundaries are Asia/Shanghai midnights.

Guarantees: the work is day by day (never hour by hour), so N = 20 costs a few dozen
calendar look-ups; arithmetic is done in UTC so no zone can distort a duration.
Hazards: an open pause (no end) that starts before the due instant stops the clock for
good — ``due`` is then ``None`` until the pause ends. Pauses may overlap, straddle
midnights and non-working days, or lie before issue (that part is ignored).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from kamdesk.domain.clock import local, start_of_day
from kamdesk.domain.working_calendar import WorkingCalendar
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

define(
    {
        "sla.bad_promised_days": N_(
            "The promised time must be a whole number of days from 1 to {maximum}; got {value}."
        ),
        "sla.pause_ends_before_start": N_("A pause cannot end ({end}) before it starts ({start})."),
        "sla.no_working_days": N_(
            "The working calendar has no working day in the {limit} days after {day}; "
            "check the HQ calendar overrides."
        ),
    }
)

MAX_PROMISED_DAYS = 366
# Longest run of non-working days tolerated before the calendar is judged broken.
MAX_NON_WORKING_RUN = 366
DUE_SOON = timedelta(hours=24)

# Stands for "no end": only ever compared, never used in arithmetic.
FOREVER = datetime.max.replace(tzinfo=UTC)


class SlaMode(StrEnum):
    CALENDAR = "calendar"
    WORKING_DAYS = "working_days"


SLA_MODE_LABELS: dict[SlaMode, str] = {
    SlaMode.CALENDAR: N_("calendar days"),
    SlaMode.WORKING_DAYS: N_("working days"),
}


class SlaStatus(StrEnum):
    """Where an order stands against its promised time, for lists and warnings."""

    ON_TIME = "on_time"
    DUE_WITHIN_24H = "due_within_24h"
    OVERDUE = "overdue"
    PAUSED = "paused"


SLA_STATUS_LABELS: dict[SlaStatus, str] = {
    SlaStatus.ON_TIME: N_("on time"),
    SlaStatus.DUE_WITHIN_24H: N_("due within 24 hours"),
    SlaStatus.OVERDUE: N_("overdue"),
    SlaStatus.PAUSED: N_("paused"),
}


def _utc(dt: datetime) -> datetime:
    return local(dt).astimezone(UTC)  # local() refuses naive datetimes


@dataclass(frozen=True)
class Pause:
    """An interval while the order waits on the customer; ``end=None`` means still open."""

    start: datetime
    end: datetime | None
    reason: str

    def __post_init__(self) -> None:
        _utc(self.start)
        if self.end is not None and _utc(self.end) < _utc(self.start):
            raise KamdeskError(
                "sla.pause_ends_before_start",
                start=local(self.start).isoformat(),
                end=local(self.end).isoformat(),
            )


@dataclass(frozen=True)
class Promise:
    """The promised time of an order: ``days`` (1…366) counted in ``mode``."""

    days: int
    mode: SlaMode

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not 1 <= self.days <= MAX_PROMISED_DAYS:
            raise KamdeskError("sla.bad_promised_days", value=self.days, maximum=MAX_PROMISED_DAYS)

    @property
    def target(self) -> timedelta:
        return timedelta(hours=24 * self.days)


Interval = tuple[datetime, datetime]  # [start, end) in UTC; end may be FOREVER


def merged_pauses(issued_at: datetime, pauses: Iterable[Pause]) -> list[Interval]:
    """Pauses as disjoint sorted UTC intervals, clipped to start no earlier than issue."""
    issue = _utc(issued_at)
    spans = sorted(
        (max(_utc(p.start), issue), FOREVER if p.end is None else _utc(p.end)) for p in pauses
    )
    out: list[Interval] = []
    for start, end in spans:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


class PromisedClock:
    """One order's clock: issue instant, promise, pauses and the working calendar.

    Build it from an order's facts and ask: :meth:`due`, :meth:`counted`,
    :meth:`remaining`, :meth:`status`, :meth:`on_time`. Instances are cheap; ``due`` is
    computed once and kept.
    """

    def __init__(
        self,
        issued_at: datetime,
        promise: Promise,
        pauses: Iterable[Pause],
        calendar: WorkingCalendar,
    ) -> None:
        self.issued_at = local(issued_at)
        self.promise = promise
        self.pauses: tuple[Pause, ...] = tuple(pauses)
        self.calendar = calendar
        self._issue = _utc(issued_at)
        self._paused = merged_pauses(issued_at, self.pauses)
        self._due: datetime | None = None
        self._due_known = False

    # -- the counting intervals -------------------------------------------------------

    def base_intervals(self) -> Iterator[Interval]:
        """Time that would count without pauses: one piece per working day, from issue on."""
        if self.promise.mode is SlaMode.CALENDAR:
            yield (self._issue, FOREVER)
            return
        day = local(self.issued_at).date()
        idle = 0
        while True:
            if self.calendar.day_info(day).working:
                idle = 0
                yield (max(self._issue, _day_start(day)), _day_start(day + timedelta(days=1)))
            else:
                idle += 1
                if idle > MAX_NON_WORKING_RUN:
                    raise KamdeskError(
                        "sla.no_working_days", limit=MAX_NON_WORKING_RUN, day=day.isoformat()
                    )
            day += timedelta(days=1)

    def counting_intervals(self) -> Iterator[Interval]:
        """Counted time: :meth:`base_intervals` minus pauses. Ends at an open pause."""
        pauses = self._paused
        k = 0
        for start, end in self.base_intervals():
            cursor = start
            while k < len(pauses) and pauses[k][1] <= cursor:
                k += 1
            while cursor < end:
                if k >= len(pauses) or pauses[k][0] >= end:
                    yield (cursor, end)
                    break
                p_start, p_end = pauses[k]
                if p_start > cursor:
                    yield (cursor, p_start)
                if p_end == FOREVER:
                    return
                cursor = max(cursor, p_end)
                if p_end <= end:
                    k += 1

    # -- questions ----------------------------------------------------------------

    def due(self) -> datetime | None:
        """The promised instant (Shanghai time), or ``None`` while an open pause holds it."""
        if not self._due_known:
            self._due = self._find_due()
            self._due_known = True
        return self._due

    def _find_due(self) -> datetime | None:
        left = self.promise.target
        for start, end in self.counting_intervals():
            if end == FOREVER or end - start >= left:
                return local(start + left)
            left -= end - start
        return None

    def counted(self, at: datetime) -> timedelta:
        """Counted time between issue and ``at`` (zero before issue)."""
        until = _utc(at)
        total = timedelta(0)
        for start, end in self.counting_intervals():
            if start >= until:
                break
            total += min(end, until) - start
        return total

    def remaining(self, at: datetime) -> timedelta:
        """Counted time still available at ``at``; negative once past due."""
        return self.promise.target - self.counted(at)

    def time_to_due(self, at: datetime) -> timedelta | None:
        """Wall-clock time from ``at`` to due (negative past due); ``None`` if unknown."""
        due = self.due()
        return None if due is None else _utc(due) - _utc(at)

    def is_paused(self, at: datetime) -> bool:
        moment = _utc(at)
        return any(start <= moment < end for start, end in self._paused)

    def on_time(self, accepted_at: datetime) -> bool:
        """Accepted at or before due (a clock held by an open pause is never missed)."""
        due = self.due()
        return due is None or _utc(accepted_at) <= _utc(due)

    def status(self, now: datetime, accepted_at: datetime | None = None) -> SlaStatus:
        """For lists: overdue beats paused; "due within 24 h" is wall-clock time to due.

        An accepted order reads ``on_time`` or ``overdue`` by the on-time test.
        """
        if accepted_at is not None:
            return SlaStatus.ON_TIME if self.on_time(accepted_at) else SlaStatus.OVERDUE
        due = self.due()
        if due is not None and _utc(now) > _utc(due):
            return SlaStatus.OVERDUE
        if self.is_paused(now) or due is None:
            return SlaStatus.PAUSED
        if _utc(due) - _utc(now) <= DUE_SOON:
            return SlaStatus.DUE_WITHIN_24H
        return SlaStatus.ON_TIME


def _day_start(day: date) -> datetime:
    return start_of_day(day).astimezone(UTC)


def due_at(
    issued_at: datetime,
    promise: Promise,
    pauses: Iterable[Pause],
    calendar: WorkingCalendar,
) -> datetime | None:
    """Shortcut for ``PromisedClock(...).due()``."""
    return PromisedClock(issued_at, promise, pauses, calendar).due()
