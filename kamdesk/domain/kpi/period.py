"""KPI periods: a month, quarter, year or custom range of local (Asia/Shanghai) days.

A period is the half-open interval [first day 00:00, day after the last 00:00) in
Asia/Shanghai. :func:`parse_period` reads ``2026-10``, ``2026-Q4``, ``2026`` and
``2026-10-01..2026-10-15`` (both days included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kamdesk.domain.clock import start_of_day
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

define(
    {
        "kpi.bad_period": N_(
            "Cannot read the period {text!r}: use 2026-10, 2026-Q4, 2026 or "
            "2026-10-01..2026-10-15."
        )
    }
)


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Days ``first`` … ``last`` (inclusive); ``kind`` is month|quarter|year|range."""

    first: date
    last: date
    kind: str = "range"

    @property
    def start(self) -> datetime:
        """The first instant of the period (Shanghai midnight)."""
        return start_of_day(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive)."""
        return start_of_day(self.last + timedelta(days=1))

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def months(self) -> list[date]:
        """First days of the calendar months the period touches."""
        out, month = [], self.first.replace(day=1)
        while month <= self.last:
            out.append(month)
            month = _month_start(month.year, month.month + 1)
        return out

    def previous(self) -> Period:
        """The period of the same kind and length just before this one."""
        if self.kind in ("month", "quarter", "year"):
            span = {"month": 1, "quarter": 3, "year": 12}[self.kind]
            first = _month_start(self.first.year, self.first.month - span)
            return Period(first, self.first - timedelta(days=1), self.kind)
        length = self.last - self.first
        last = self.first - timedelta(days=1)
        return Period(last - length, last)

    def year_before(self) -> Period:
        """The same days one year earlier (29 February maps to 28 February)."""

        def back(day: date) -> date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:
                return day.replace(year=day.year - 1, day=28)

        if self.kind in ("month", "quarter", "year"):
            first = back(self.first)
            return Period(first, Period.of_kind(first, self.kind).last, self.kind)
        return Period(back(self.first), back(self.last))

    @staticmethod
    def of_kind(first: date, kind: str) -> Period:
        span = {"month": 1, "quarter": 3, "year": 12}[kind]
        after = _month_start(first.year, first.month + span)
        return Period(first, after - timedelta(days=1), kind)


def month(year: int, month_no: int) -> Period:
    return Period.of_kind(date(year, month_no, 1), "month")


def months_ending(period: Period, count: int) -> tuple[Period, ...]:
    """The ``count`` calendar months up to the month of ``period``'s last day, oldest
    first (a monthly trend ending with ``period``)."""
    last = period.last
    return tuple(
        Period.of_kind(_month_start(last.year, last.month - back), "month")
        for back in range(count - 1, -1, -1)
    )


def parse_period(text: str) -> Period:
    """Read a period as typed on the command line or chosen in the UI."""
    value = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", value):
            return Period.of_kind(date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter")
        if re.fullmatch(r"\d{4}", value):
            return Period.of_kind(date(int(value), 1, 1), "year")
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if first <= last:
                return Period(first, last)
    except ValueError:
        pass
    raise KamdeskError("kpi.bad_period", text=text)
