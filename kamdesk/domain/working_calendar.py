"""Which days count for promised times: China's official calendar plus HQ overrides.

A day is *working* or not as a whole (the promised-time rule counts all 24 hours of a
working day and none of a non-working day). :class:`ChineseWorkingCalendar` reads the
official holidays and make-up working days (调休) from the ``chinese_calendar`` package;
an HQ override (``date → is_working``) always wins.

Hazard: ``chinese_calendar`` only knows the years it was released with. For a year it
does not cover, the calendar falls back to "Monday–Friday work" and marks the
:class:`DayInfo` ``official=False`` so that the deadline trace can say so; HQ closes
the gap by publishing overrides for that year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

import chinese_calendar

from kamdesk.i18n import N_, tr


class DayKind(StrEnum):
    """Why a day is (or is not) a working day."""

    WORKDAY = "workday"  # an ordinary Monday–Friday
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # an official public holiday (including weekend days inside it)
    MAKEUP_WORKDAY = "makeup_workday"  # 调休: a weekend day worked in lieu of a holiday
    OVERRIDE_WORKING = "override_working"  # HQ declared the day a working day
    OVERRIDE_OFF = "override_off"  # HQ declared the day a non-working day


DAY_KIND_LABELS: dict[DayKind, str] = {
    DayKind.WORKDAY: N_("working day"),
    DayKind.WEEKEND: N_("weekend"),
    DayKind.HOLIDAY: N_("public holiday"),
    DayKind.MAKEUP_WORKDAY: N_("make-up working day"),
    DayKind.OVERRIDE_WORKING: N_("working day by HQ override"),
    DayKind.OVERRIDE_OFF: N_("day off by HQ override"),
}

# The names chinese_calendar gives to holidays, marked for translation.
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": N_("New Year's Day"),
    "Spring Festival": N_("Spring Festival"),
    "Tomb-sweeping Day": N_("Tomb-sweeping Day"),
    "Labour Day": N_("Labour Day"),
    "Dragon Boat Festival": N_("Dragon Boat Festival"),
    "Mid-autumn Festival": N_("Mid-autumn Festival"),
    "National Day": N_("National Day"),
    "Anti-Fascist 70th Day": N_("Anti-Fascist 70th Day"),
}


def holiday_label(name: str) -> str:
    """The holiday's name in the user's language (unknown names pass through)."""
    return tr(HOLIDAY_NAMES.get(name, name))


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one day.

    ``holiday_name`` is the official holiday a day belongs to (for holidays and for
    make-up working days), in English as ``chinese_calendar`` names it. ``official``
    is False when the year lies outside the official data and the weekday rule was used.
    """

    day: date
    working: bool
    kind: DayKind
    holiday_name: str | None = None
    official: bool = True


class WorkingCalendar(Protocol):
    """Anything that can classify a day; injected into the promised-time clock."""

    def day_info(self, day: date) -> DayInfo: ...


def _weekday_info(day: date, official: bool) -> DayInfo:
    if day.weekday() < 5:
        return DayInfo(day, True, DayKind.WORKDAY, official=official)
    return DayInfo(day, False, DayKind.WEEKEND, official=official)


def _apply_override(info: DayInfo, overrides: Mapping[date, bool]) -> DayInfo:
    working = overrides.get(info.day)
    if working is None:
        return info
    kind = DayKind.OVERRIDE_WORKING if working else DayKind.OVERRIDE_OFF
    return DayInfo(info.day, working, kind, info.holiday_name, info.official)


class WeekdayCalendar:
    """Monday–Friday work, Saturday and Sunday off, HQ overrides on top (no holidays)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def day_info(self, day: date) -> DayInfo:
        return _apply_override(_weekday_info(day, official=True), self._overrides)


class ChineseWorkingCalendar:
    """China's official working calendar (holidays and 调休) with HQ overrides first.

    Guarantee: answers are cached per day, so a KPI run over thousands of orders
    classifies each day once. Build a new instance when HQ publishes new overrides.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides = dict(overrides or {})
        self._holidays: Mapping[date, str] = chinese_calendar.holidays
        self._workdays: Mapping[date, str] = chinese_calendar.workdays
        self._first_year: int = min(self._holidays).year
        self._last_year: int = max(self._holidays).year
        self._cache: dict[date, DayInfo] = {}

    def covers(self, day: date) -> bool:
        """Whether the official data includes ``day``'s year."""
        return self._first_year <= day.year <= self._last_year

    def day_info(self, day: date) -> DayInfo:
        info = self._cache.get(day)
        if info is None:
            info = _apply_override(self._official(day), self._overrides)
            self._cache[day] = info
        return info

    def _official(self, day: date) -> DayInfo:
        if not self.covers(day):
            return _weekday_info(day, official=False)
        makeup_for = self._workdays.get(day)
        if makeup_for is not None:
            if day.weekday() < 5:  # listed but an ordinary weekday anyway
                return DayInfo(day, True, DayKind.WORKDAY)
            return DayInfo(day, True, DayKind.MAKEUP_WORKDAY, str(makeup_for))
        holiday = self._holidays.get(day)
        if holiday is not None:
            return DayInfo(day, False, DayKind.HOLIDAY, str(holiday))
        return _weekday_info(day, official=True)
