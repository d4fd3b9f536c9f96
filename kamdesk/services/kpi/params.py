"""Bound parameters of the KPI SQL (:mod:`kamdesk.services.kpi.facts`) for one period.

Guarantees: instants are bound in the exact text the ``AwareDateTime`` column stores
(naive UTC, microseconds), so string comparison in SQL is time order; the K03b
working calendar covers the period and the :data:`CALENDAR_LOOKBACK_DAYS` before it
(an older request counts as late). Hazard: the calendar lives in a TEMP table of the
session's connection, so the family SQL must run in the session that bound it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kamdesk.db.models import CalendarOverride, SlaRule
from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.customers.classification import Grade
from kamdesk.domain.customers.visits import DEFAULT_VISIT_INTERVAL_DAYS
from kamdesk.domain.kpi.period import Period
from kamdesk.domain.sla import Promise, SlaMode
from kamdesk.domain.working_calendar import ChineseWorkingCalendar, WorkingCalendar
from kamdesk.services.kpi.facts import CALENDAR_TABLE

CALENDAR_LOOKBACK_DAYS = 400
DEFAULT_CONFIRMATION = Promise(2, SlaMode.WORKING_DAYS)
DAY_MS = 86_400_000


def stored(instant: datetime) -> str:
    """``instant`` as the database stores it."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def working_calendar(session: Session) -> ChineseWorkingCalendar:
    """The official calendar with HQ's overrides from ``calendar_overrides``."""
    rows = session.execute(
        select(CalendarOverride.day, CalendarOverride.is_working).where(
            CalendarOverride.deleted_at.is_(None)
        )
    )
    return ChineseWorkingCalendar({day: working for day, working in rows})


def confirmation_promise(session: Session) -> Promise:
    """The branch-wide resource confirmation target (HQ's rule, else 2 working days)."""
    rule = session.execute(
        select(SlaRule.days, SlaRule.clock_mode)
        .where(
            SlaRule.kind == "confirmation",
            SlaRule.product_id.is_(None),
            SlaRule.grade.is_(None),
            SlaRule.deleted_at.is_(None),
        )
        .order_by(SlaRule.updated_at.desc())
        .limit(1)
    ).first()
    if rule is None:
        return DEFAULT_CONFIRMATION
    mode = SlaMode.CALENDAR if rule.clock_mode == SlaMode.CALENDAR else SlaMode.WORKING_DAYS
    return Promise(rule.days, mode)


def calendar_rows(
    calendar: WorkingCalendar, promise: Promise, first: date, last: date
) -> list[tuple[str, int, int]]:
    """``(day, working, counted ms before the day)`` from ``first`` to ``last``."""
    rows: list[tuple[str, int, int]] = []
    cum = 0
    day = first
    while day <= last:
        working = promise.mode is SlaMode.CALENDAR or calendar.day_info(day).working
        rows.append((day.isoformat(), int(working), cum))
        cum += DAY_MS if working else 0
        day += timedelta(days=1)
    return rows


def _months(period: Period, prefix: str) -> dict[str, str]:
    months = period.months()
    last = months[-1]
    after = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return {
        f"{prefix}first_month": months[0].isoformat(),
        f"{prefix}after_month": after.isoformat(),
    }


def offset_modifier(period: Period) -> str:
    """SQLite modifier from stored UTC to Shanghai local time (``+480 minutes``)."""
    offset = period.start.astimezone(SHANGHAI).utcoffset() or timedelta(0)
    return f"{int(offset.total_seconds() // 60):+d} minutes"


def fill_calendar(session: Session, first: date, last: date) -> Promise:
    """(Re)fill the session connection's temporary ``kpi_calendar`` for K03b with the
    days ``first`` … ``last``; returns the confirmation promise it counts with."""
    promise = confirmation_promise(session)
    days = calendar_rows(working_calendar(session), promise, first, last)
    session.execute(text(CALENDAR_TABLE))
    session.execute(text("DELETE FROM temp.kpi_calendar"))
    session.execute(
        text("INSERT INTO temp.kpi_calendar (day, working, cum_ms) VALUES (:d, :w, :c)"),
        [{"d": d, "w": w, "c": c} for d, w, c in days],
    )
    return promise


def fixed_params(period: Period, promise: Promise) -> dict[str, Any]:
    """The parameters that do not depend on the period's bounds."""
    intervals = DEFAULT_VISIT_INTERVAL_DAYS
    return {
        "offset": offset_modifier(period),
        "target_ms": promise.days * DAY_MS,
        "visit_a": intervals[Grade.A],
        "visit_b": intervals[Grade.B],
        "visit_c": intervals[Grade.C],
    }


def period_params(session: Session, period: Period) -> dict[str, Any]:
    """Every parameter the families use, for ``period``; fills the session connection's
    temporary ``kpi_calendar`` table for K03b (rewritten on every call)."""
    first = period.first - timedelta(days=CALENDAR_LOOKBACK_DAYS)
    promise = fill_calendar(session, first, period.last)
    return {
        "start": stored(period.start),
        "end": stored(period.end),
        **fixed_params(period, promise),
        **_months(period, ""),
        **_months(period.previous(), "prev_"),
        **_months(period.year_before(), "year_"),
    }
