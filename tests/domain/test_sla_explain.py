""" "Explain this deadline" lists the start, every skipped day and why, pauses, and due."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.sla import Pause, Promise, PromisedClock, SlaMode
from kamdesk.domain.sla_explain import TraceKind, explain, format_hours
from kamdesk.domain.working_calendar import ChineseWorkingCalendar

WORK = SlaMode.WORKING_DAYS
CN = ChineseWorkingCalendar()
K = TraceKind


pytestmark = pytest.mark.usefixtures("english")


def t(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_the_friday_example_reads_as_a_short_story():
    clock = PromisedClock(t(3, 6, 15), Promise(1, WORK), (), CN)
    assert [e.text() for e in explain(clock)] == [
        "Issued 2026-03-06 15:00; promised time 1 working day.",
        "The clock starts 2026-03-06 15:00.",
        "2026-03-07: not counted (weekend).",
        "2026-03-08: not counted (weekend).",
        "Due 2026-03-09 15:00.",
    ]


def test_spring_festival_with_make_up_days_a_pause_an_hq_day_off_and_a_late_pause():
    calendar = ChineseWorkingCalendar({date(2026, 2, 26): False})
    pauses = (
        Pause(t(2, 24, 10), t(2, 24, 15), "等客户确认"),
        Pause(t(3, 3, 9), t(3, 3, 10), "after the deadline"),
    )
    clock = PromisedClock(t(2, 13, 16, 30), Promise(6, WORK), pauses, calendar)
    # Counted: 13th 7.5 h, 14th (make-up) 24 -> 31.5; 15–23 off; 24th 10 + 9 -> 50.5;
    # 25th -> 74.5; 26th off by HQ; 27th -> 98.5; 28th (make-up) -> 122.5; Sun 1 Mar off;
    # 21.5 h of Mon 2 Mar.
    assert clock.due() == t(3, 2, 21, 30)
    entries = explain(clock)
    skipped_festival = [f"2026-02-{d}: not counted (Spring Festival, public holiday)." for d in
                        range(15, 24)]  # fmt: skip
    assert [e.text() for e in entries] == [
        "Issued 2026-02-13 16:30; promised time 6 working days.",
        "The clock starts 2026-02-13 16:30.",
        "2026-02-14: counted (make-up working day for Spring Festival).",
        *skipped_festival,
        "Paused 2026-02-24 10:00 to 2026-02-24 15:00: 等客户确认 (removes 5 counted hours).",
        "2026-02-26: not counted (day off by HQ override).",
        "2026-02-28: counted (make-up working day for Spring Festival).",
        "2026-03-01: not counted (weekend).",
        "Due 2026-03-02 21:30.",
        "Paused 2026-03-03 09:00 to 2026-03-03 10:00 after the deadline: "
        "after the deadline (does not move it).",
    ]
    kinds = [e.kind for e in entries]
    assert kinds.count(K.SKIPPED_DAY) == 11 and kinds.count(K.COUNTED_DAY) == 2
    festival = entries[3]
    assert (festival.day, festival.holiday_name) == (date(2026, 2, 15), "Spring Festival")
    assert entries[-2].kind is K.DUE and entries[-2].at == clock.due()


def test_issued_on_a_holiday_saturday_the_trace_shows_where_the_clock_starts():
    clock = PromisedClock(t(2, 21, 11, 20), Promise(1, WORK), (), CN)
    assert [(e.kind, e.at) for e in explain(clock)] == [
        (K.ISSUED, t(2, 21, 11, 20)),
        (K.SKIPPED_DAY, t(2, 21, 11, 20)),
        (K.SKIPPED_DAY, t(2, 22)),
        (K.SKIPPED_DAY, t(2, 23)),
        (K.CLOCK_START, t(2, 24)),
        (K.DUE, t(2, 25)),
    ]


def test_national_day_trace_in_calendar_mode_skips_nothing():
    clock = PromisedClock(t(9, 30, 17), Promise(2, SlaMode.CALENDAR), (), CN)
    assert [e.text() for e in explain(clock)] == [
        "Issued 2026-09-30 17:00; promised time 2 calendar days.",
        "The clock starts 2026-09-30 17:00.",
        "Due 2026-10-02 17:00.",
    ]


def test_pause_hours_are_counted_hours_only_and_overlaps_count_once():
    weekend = Pause(t(3, 7, 10), t(3, 8, 20), "customer unreachable")
    clock = PromisedClock(t(3, 6, 15), Promise(1, WORK), (weekend,), CN)
    (pause,) = [e for e in explain(clock) if e.kind is K.PAUSE]
    assert pause.counted_hours_removed == timedelta(0)  # the weekend never counted

    overlapping = (
        Pause(t(3, 3, 8), t(3, 3, 14), "first"),
        Pause(t(3, 3, 12), t(3, 3, 18), "second"),
    )
    clock = PromisedClock(t(3, 2, 9), Promise(2, WORK), overlapping, CN)
    removed = [e.counted_hours_removed for e in explain(clock) if e.kind is K.PAUSE]
    assert removed == [timedelta(hours=6), timedelta(hours=4)]  # 08–14, then 14–18


def test_an_open_pause_ends_the_trace_without_a_due():
    clock = PromisedClock(t(3, 6, 15), Promise(2, WORK), (Pause(t(3, 9, 9), None, "等待"),), CN)
    texts = [e.text() for e in explain(clock)]
    assert texts[-1] == (
        "Paused since 2026-03-09 09:00: 等待; the clock stands still until the pause ends."
    )
    assert not any(text.startswith("Due") for text in texts)
    assert "2026-03-08: not counted (weekend)." in texts


def test_a_year_without_official_data_is_flagged_once():
    clock = PromisedClock(t(12, 29, 9, year=2098), Promise(5, WORK), (), CN)
    notes = [e for e in explain(clock) if e.kind is K.NO_OFFICIAL_DATA]
    assert [n.day for n in notes] == [date(2098, 12, 29), date(2099, 1, 1)]
    assert notes[1].text() == (
        "No official holiday calendar for 2099: Monday to Friday count as working days "
        "unless HQ publishes the holidays."
    )


def test_hours_are_shown_without_noise():
    assert [format_hours(timedelta(hours=h)) for h in (0, 5, 7.5, 0.25)] == [
        "0",
        "5",
        "7.5",
        "0.25",
    ]
