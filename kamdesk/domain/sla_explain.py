""" "Explain this deadline": the promised-time computation as a list of plain entries.

:func:`explain` returns, in time order: the issue, the instant the clock starts, each
day between issue and due that does not count (weekend, named public holiday, HQ day
off) and each weekend day that does count (make-up working day 调休, HQ working day),
each pause with its reason and the counted hours it removed, and the due instant.
Entries carry data plus an English template (marked with ``N_``); :meth:`TraceEntry.text`
renders one in the user's language.

Guarantee: the entries are derived from the same :class:`PromisedClock` the lists and
KPIs use, so the explanation cannot disagree with the deadline it explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from kamdesk.domain.clock import local, start_of_day
from kamdesk.domain.sla import FOREVER, PromisedClock, SlaMode
from kamdesk.domain.working_calendar import DayInfo, DayKind, holiday_label
from kamdesk.i18n import N_, tr


class TraceKind(StrEnum):
    ISSUED = "issued"
    CLOCK_START = "clock_start"
    NO_OFFICIAL_DATA = "no_official_data"  # a year the official calendar does not cover
    SKIPPED_DAY = "skipped_day"
    COUNTED_DAY = "counted_day"  # a weekend day that counts: make-up day or HQ override
    PAUSE = "pause"
    PAUSE_AFTER_DUE = "pause_after_due"
    OPEN_PAUSE = "open_pause"
    DUE = "due"


L_ISSUED = N_("Issued {at}; promised time {promised}.")
L_CLOCK_START = N_("The clock starts {at}.")
L_SKIP_WEEKEND = N_("{day}: not counted (weekend).")
L_NO_OFFICIAL_DATA = N_(
    "No official holiday calendar for {year}: Monday to Friday count as working days "
    "unless HQ publishes the holidays."
)
L_SKIP_HOLIDAY = N_("{day}: not counted ({holiday}, public holiday).")
L_SKIP_OVERRIDE = N_("{day}: not counted (day off by HQ override).")
L_COUNT_MAKEUP = N_("{day}: counted (make-up working day for {holiday}).")
L_COUNT_OVERRIDE = N_("{day}: counted (working day by HQ override).")
L_PAUSE = N_("Paused {at} to {end}: {reason} (removes {hours} counted hours).")
L_PAUSE_AFTER_DUE = N_("Paused {at} to {end} after the deadline: {reason} (does not move it).")
L_OPEN_PAUSE = N_("Paused since {at}: {reason}; the clock stands still until the pause ends.")
L_DUE = N_("Due {at}.")

TIME_FORMAT = "%Y-%m-%d %H:%M"


def format_hours(hours: timedelta) -> str:
    """``15``, ``7.5``, ``0.25``: hours with at most two decimals, no trailing zeros."""
    value = (Decimal(hours.total_seconds()) / 3600).quantize(Decimal("0.01"))
    text = f"{value:f}".rstrip("0").rstrip(".")
    return text or "0"


def _promised_phrase(days: int, mode: SlaMode | None) -> str:
    # Two templates rather than ngettext: the catalogue test reads singular entries only.
    if mode is SlaMode.CALENDAR:
        return tr(N_("1 calendar day")) if days == 1 else tr(N_("{n} calendar days"), n=days)
    return tr(N_("1 working day")) if days == 1 else tr(N_("{n} working days"), n=days)


@dataclass(frozen=True)
class TraceEntry:
    """One line of the explanation. Times are Asia/Shanghai; ``label`` is untranslated."""

    kind: TraceKind
    at: datetime
    label: str
    end: datetime | None = None
    day: date | None = None
    day_kind: DayKind | None = None
    holiday_name: str | None = None
    reason: str = ""
    counted_hours_removed: timedelta | None = None
    promised_days: int | None = None
    mode: SlaMode | None = None

    def params(self) -> dict[str, str]:
        """The template's fields, formatted in the user's language."""
        out = {"at": self.at.strftime(TIME_FORMAT), "reason": self.reason}
        if self.end is not None:
            out["end"] = local(self.end).strftime(TIME_FORMAT)
        if self.day is not None:
            out["day"] = self.day.isoformat()
            out["year"] = str(self.day.year)
        if self.holiday_name is not None:
            out["holiday"] = holiday_label(self.holiday_name)
        if self.counted_hours_removed is not None:
            out["hours"] = format_hours(self.counted_hours_removed)
        if self.promised_days is not None:
            out["promised"] = _promised_phrase(self.promised_days, self.mode)
        return out

    def text(self) -> str:
        return tr(self.label, **self.params())


def _day_entry(info: DayInfo, at: datetime) -> TraceEntry | None:
    if not info.working:
        if info.kind is DayKind.HOLIDAY:
            label = L_SKIP_HOLIDAY
        elif info.kind is DayKind.OVERRIDE_OFF:
            label = L_SKIP_OVERRIDE
        else:
            label = L_SKIP_WEEKEND
        kind = TraceKind.SKIPPED_DAY
    elif info.kind is DayKind.MAKEUP_WORKDAY:
        label, kind = L_COUNT_MAKEUP, TraceKind.COUNTED_DAY
    elif info.kind is DayKind.OVERRIDE_WORKING and info.day.weekday() >= 5:
        label, kind = L_COUNT_OVERRIDE, TraceKind.COUNTED_DAY
    else:
        return None
    return TraceEntry(
        kind, at, label, day=info.day, day_kind=info.kind, holiday_name=info.holiday_name
    )


def _overlap(clock: PromisedClock, start: datetime, end: datetime) -> timedelta:
    """Time in [start, end) that would count if nothing were paused."""
    total = timedelta(0)
    for b_start, b_end in clock.base_intervals():
        if b_start >= end:
            break
        lo, hi = max(b_start, start), min(b_end, end)
        if hi > lo:
            total += hi - lo
    return total


def _pause_entries(clock: PromisedClock, due: datetime | None) -> list[TraceEntry]:
    due_utc = FOREVER if due is None else due.astimezone(UTC)
    issue = clock.issued_at.astimezone(UTC)
    entries: list[TraceEntry] = []
    covered_until = issue  # pauses are attributed in start order; overlaps count once
    for pause in sorted(clock.pauses, key=lambda p: p.start.astimezone(UTC)):
        start = max(pause.start.astimezone(UTC), issue)
        end = FOREVER if pause.end is None else pause.end.astimezone(UTC)
        if end <= start:
            continue  # entirely before issue
        at = local(start)
        if pause.end is None:
            entries.append(TraceEntry(TraceKind.OPEN_PAUSE, at, L_OPEN_PAUSE, reason=pause.reason))
            continue
        if start >= due_utc:
            entries.append(
                TraceEntry(
                    TraceKind.PAUSE_AFTER_DUE,
                    at,
                    L_PAUSE_AFTER_DUE,
                    end=local(end),
                    reason=pause.reason,
                )
            )
            continue
        own_start = max(start, covered_until)
        removed = _overlap(clock, own_start, min(end, due_utc)) if end > own_start else None
        covered_until = max(covered_until, end)
        entries.append(
            TraceEntry(
                TraceKind.PAUSE,
                at,
                L_PAUSE,
                end=local(end),
                reason=pause.reason,
                counted_hours_removed=removed or timedelta(0),
            )
        )
    return entries


def _first_counted_instant(clock: PromisedClock) -> datetime | None:
    for start, _end in clock.counting_intervals():
        return local(start)
    return None


def explain(clock: PromisedClock) -> list[TraceEntry]:
    """The deadline's explanation, in time order (see the module docstring)."""
    issued = clock.issued_at
    due = clock.due()
    entries = [
        TraceEntry(
            TraceKind.ISSUED,
            issued,
            L_ISSUED,
            promised_days=clock.promise.days,
            mode=clock.promise.mode,
        )
    ]
    first = _first_counted_instant(clock)
    if first is not None:
        entries.append(TraceEntry(TraceKind.CLOCK_START, first, L_CLOCK_START))
    if clock.promise.mode is SlaMode.WORKING_DAYS:
        last = _last_explained_instant(clock, due)
        day = issued.date()
        uncovered: set[int] = set()
        while start_of_day(day) < last:
            info = clock.calendar.day_info(day)
            at = max(start_of_day(day), issued)
            if not info.official and day.year not in uncovered:
                uncovered.add(day.year)
                entries.append(
                    TraceEntry(TraceKind.NO_OFFICIAL_DATA, at, L_NO_OFFICIAL_DATA, day=day)
                )
            entry = _day_entry(info, at)
            if entry is not None:
                entries.append(entry)
            day += timedelta(days=1)
    entries.extend(_pause_entries(clock, due))
    if due is not None:
        entries.append(TraceEntry(TraceKind.DUE, due, L_DUE))
    order = {kind: rank for rank, kind in enumerate(TraceKind)}
    entries.sort(key=lambda e: (e.at.astimezone(UTC), order[e.kind]))
    return entries


def _last_explained_instant(clock: PromisedClock, due: datetime | None) -> datetime:
    """Days are listed up to due, or up to the open pause that holds the clock."""
    if due is not None:
        return due
    open_starts = [p.start for p in clock.pauses if p.end is None]
    return max(clock.issued_at, min(open_starts)) if open_starts else clock.issued_at
