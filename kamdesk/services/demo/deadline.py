"""The promised-time deadline on whole seconds, for generating a million orders fast.

Implements exactly the rule of :mod:`kamdesk.domain.sla` (DOMAIN.md "Promised time"):
counted time runs from issue, skips paused time and, in working-day mode, every
non-working Shanghai day; due is the first instant at which it reaches N × 24 h; an
open pause that starts before due leaves due unknown (``None``). The domain's
:class:`~kamdesk.domain.sla.PromisedClock` is the reference; the demo tests compare
the two on every generated order. Working days come from
:class:`~kamdesk.domain.working_calendar.ChineseWorkingCalendar` as a table built once.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from kamdesk.domain.working_calendar import ChineseWorkingCalendar
from kamdesk.services.demo.timetext import DAY, local_day, local_day_start, to_date

Pause = tuple[int, int | None]  # start, end (None: still open)


@dataclass(frozen=True)
class WorkingDays:
    """Which Shanghai days from ``first`` (a day index) on are working days.

    ``ranks[i]``: working days in ``[first, first + i)``; ``working_list``: their indices.
    """

    first: int
    working: tuple[bool, ...]
    ranks: tuple[int, ...]
    working_list: tuple[int, ...]

    @classmethod
    def build(cls, first: int, last: int) -> WorkingDays:
        calendar = ChineseWorkingCalendar()
        working = tuple(calendar.day_info(to_date(d)).working for d in range(first, last + 1))
        ranks: list[int] = []
        listed: list[int] = []
        for i, flag in enumerate(working):
            ranks.append(len(listed))
            if flag:
                listed.append(first + i)
        return cls(first, working, tuple(ranks), tuple(listed))

    def is_working(self, day: int) -> bool:
        return self.working[day - self.first]

    def nth_working_from(self, day: int, n: int) -> int:
        """The ``n``-th working day (0 = first) on or after ``day``."""
        return self.working_list[self.ranks[day - self.first] + n]


def due(
    issue: int, days: int, working_mode: bool, pauses: Sequence[Pause], wd: WorkingDays
) -> int | None:
    """Due instant (UTC seconds) of an order issued at ``issue``, or ``None``."""
    if not pauses:
        if not working_mode:
            return issue + days * DAY
        d0 = local_day(issue)
        offset = issue - local_day_start(d0)
        if wd.is_working(d0):
            if offset == 0:
                return local_day_start(wd.nth_working_from(d0, days - 1)) + DAY
            return local_day_start(wd.nth_working_from(d0, days)) + offset
        return local_day_start(wd.nth_working_from(d0, days - 1)) + DAY
    return _due_with_pauses(issue, days * DAY, working_mode, pauses, wd)


def _merged(issue: int, pauses: Sequence[Pause]) -> list[tuple[int, float]]:
    inf = float("inf")
    spans = sorted((max(s, issue), inf if e is None else e) for s, e in pauses)
    out: list[tuple[int, float]] = []
    for start, end in spans:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _due_with_pauses(
    issue: int, left: int, working_mode: bool, pauses: Sequence[Pause], wd: WorkingDays
) -> int | None:
    paused = _merged(issue, pauses)
    starts = [p[0] for p in paused]
    day = local_day(issue)
    while True:
        if working_mode:
            if not wd.is_working(day):
                day += 1
                continue
            start, end = max(issue, local_day_start(day)), local_day_start(day + 1)
        else:
            start, end = issue, 1 << 62
        cursor = start
        k = max(bisect_left(starts, cursor) - 1, 0)
        while k < len(paused) and paused[k][1] <= cursor:
            k += 1
        while cursor < end:
            if k >= len(paused) or paused[k][0] >= end:
                if end - cursor >= left:
                    return cursor + left
                left -= end - cursor
                break
            p_start, p_end = paused[k]
            if p_start > cursor:
                if p_start - cursor >= left:
                    return cursor + left
                left -= p_start - cursor
            if p_end == float("inf"):
                return None
            cursor = max(cursor, int(p_end))
            if p_end <= end:
                k += 1
        day += 1
