"""The promised-time clock follows DOMAIN.md's rule to the minute on China's 2026 calendar.

Every expected instant below was worked out by hand (the arithmetic is in the comment
next to it), never by the code under test. 2026 facts, checked against chinese_calendar
in the first test: Spring Festival off 15–23 Feb, make-up working Saturdays 14 and 28
Feb; Mid-Autumn off 25–27 Sep; National Day off 1–7 Oct, make-up working Sunday 20 Sep
and Saturday 10 Oct.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.sla import Pause, Promise, PromisedClock, SlaMode, SlaStatus, due_at
from kamdesk.domain.working_calendar import (
    ChineseWorkingCalendar,
    DayInfo,
    DayKind,
    WeekdayCalendar,
)
from kamdesk.errors import KamdeskError

WORK = SlaMode.WORKING_DAYS
CAL = SlaMode.CALENDAR
CN = ChineseWorkingCalendar()


def t(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def due(
    issued: datetime,
    days: int,
    mode: SlaMode = WORK,
    pauses: tuple[Pause, ...] = (),
    calendar: object = CN,
) -> datetime | None:
    return due_at(issued, Promise(days, mode), pauses, calendar)  # type: ignore[arg-type]


def test_the_2026_calendar_facts_these_tests_rely_on():
    off = [date(2026, 2, d) for d in range(15, 24)] + [date(2026, 10, d) for d in range(1, 8)]
    off += [date(2026, 9, 25), date(2026, 9, 26), date(2026, 9, 27)]
    makeup = [date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)]
    assert not any(chinese_calendar.is_workday(d) for d in off)
    assert all(chinese_calendar.is_workday(d) for d in makeup)
    assert [d.weekday() for d in makeup] == [5, 5, 6, 5]  # Sat, Sat, Sun, Sat
    assert chinese_calendar.is_workday(date(2026, 2, 24))
    assert not chinese_calendar.is_workday(date(2026, 3, 1))  # an ordinary Sunday
    assert not chinese_calendar.is_workday(date(2026, 9, 19))  # an ordinary Saturday
    # Our calendar says the same, with the reason.
    assert CN.day_info(date(2026, 2, 16)) == DayInfo(
        date(2026, 2, 16), False, DayKind.HOLIDAY, "Spring Festival"
    )
    assert CN.day_info(date(2026, 2, 28)) == DayInfo(
        date(2026, 2, 28), True, DayKind.MAKEUP_WORKDAY, "Spring Festival"
    )
    assert CN.day_info(date(2026, 3, 1)).kind is DayKind.WEEKEND
    assert CN.day_info(date(2026, 3, 2)).kind is DayKind.WORKDAY


def test_friday_afternoon_with_one_working_day_is_due_monday_afternoon():
    # Fri 6 Mar 15:00–24:00 = 9 h, weekend skipped, Mon 9 Mar 00:00 + 15 h.
    assert due(t(3, 6, 15), 1) == t(3, 9, 15)
    # Calendar mode: plain 24 h.
    assert due(t(3, 6, 15), 1, CAL) == t(3, 7, 15)


def test_issued_on_a_holiday_saturday_the_clock_starts_at_the_next_working_day():
    # Sat 21 Feb is inside the Spring Festival; next working day Tue 24 Feb 00:00.
    assert due(t(2, 21, 11, 20), 1) == t(2, 25, 0)
    # Sat 3 Oct (National Day): Oct 8 and 9 count 48 h; due the instant Oct 9 ends.
    assert due(t(10, 3, 11), 2) == t(10, 10, 0)
    # One more day: Sat 10 Oct is a make-up working day and counts.
    assert due(t(10, 3, 11), 3) == t(10, 11, 0)


@pytest.mark.parametrize(
    ("issued", "days", "expected"),
    [
        # Thu 12 Feb 10:00: 14 h + Fri 13th 24 h + Sat 14th (make-up) 24 h = 62 h;
        # 15–23 Feb off; Tue 24 Feb 00:00 + 10 h.
        (t(2, 12, 10), 3, t(2, 24, 10)),
        # Fri 13 Feb 16:30: 7.5 + 24 (14th) + 24 (24th) + 24 (25th) + 24 (26th) = 103.5 h,
        # 16.5 h of Fri 27 Feb.
        (t(2, 13, 16, 30), 5, t(2, 27, 16, 30)),
        # One more day lands on the make-up Saturday 28 Feb.
        (t(2, 13, 16, 30), 6, t(2, 28, 16, 30)),
        # And the next one skips Sunday 1 Mar (an ordinary weekend day).
        (t(2, 13, 16, 30), 7, t(3, 2, 16, 30)),
        # Issued on the make-up Saturday itself: 15 h that day, Sunday off, 9 h Monday.
        (t(2, 28, 9), 1, t(3, 2, 9)),
    ],
)
def test_spring_festival_2026_in_working_days(issued: datetime, days: int, expected: datetime):
    assert due(issued, days) == expected


def test_spring_festival_2026_in_calendar_days_counts_the_holidays():
    assert due(t(2, 12, 10), 3, CAL) == t(2, 15, 10)
    assert due(t(2, 13, 16, 30), 7, CAL) == t(2, 20, 16, 30)


@pytest.mark.parametrize(
    ("issued", "days", "expected"),
    [
        # Wed 30 Sep 17:00: 7 h; 1–7 Oct off; Thu 8 Oct 24 h = 31 h; 17 h of Fri 9 Oct.
        (t(9, 30, 17), 2, t(10, 9, 17)),
        # Tue 29 Sep 09:00: 15 + 24 (30th) + 24 (8th) + 24 (9th) + 24 (Sat 10th, make-up)
        # = 111 h; Sun 11th off; 9 h of Mon 12 Oct.
        (t(9, 29, 9), 5, t(10, 12, 9)),
        # Thu 24 Sep 14:00: 10 h; 25–27 Sep (Mid-Autumn) off; 28th, 29th = 58 h;
        # 14 h of Wed 30 Sep.
        (t(9, 24, 14), 3, t(9, 30, 14)),
        # Issued on an ordinary Saturday the evening before the make-up Sunday 20 Sep.
        (t(9, 19, 22), 1, t(9, 21, 0)),
    ],
)
def test_national_day_2026_in_working_days(issued: datetime, days: int, expected: datetime):
    assert due(issued, days) == expected


def test_national_day_2026_in_calendar_days():
    assert due(t(9, 30, 17), 2, CAL) == t(10, 2, 17)
    assert due(t(9, 29, 9), 5, CAL) == t(10, 4, 9)


def test_a_pause_straddling_the_spring_festival():
    issued = t(2, 12, 10)
    # Paused Fri 13 Feb 12:00 to Tue 24 Feb 08:00 (customer away for the holiday).
    # Counted: 14 h (12th) + 12 h (13th morning) = 26 h; the make-up Saturday is paused;
    # 24 Feb 08:00–24:00 = 16 h -> 42 h; 25 Feb -> 66 h; 6 h of 26 Feb.
    pause = Pause(t(2, 13, 12), t(2, 24, 8), "客户放假")
    assert due(issued, 3, WORK, (pause,)) == t(2, 26, 6)


def test_a_pause_in_calendar_mode_moves_due_by_its_length_even_over_holidays():
    issued = t(2, 12, 10)
    # 26 h counted before the pause (Thu 10:00 -> Fri 12:00); 46 h left from Mon 16 Feb 12:00.
    pause = Pause(t(2, 13, 12), t(2, 16, 12), "waiting for the customer")
    assert due(issued, 3, CAL, (pause,)) == t(2, 18, 10)
    # Same pause in working-day mode: 46 h left from Tue 24 Feb 00:00 -> Wed 25 Feb 22:00.
    assert due(issued, 3, WORK, (pause,)) == t(2, 25, 22)


def test_a_pause_across_national_day_in_working_days():
    # Issued Tue 29 Sep 09:00, 5 working days, paused Wed 30 Sep 10:00 -> Fri 9 Oct 10:00.
    # Counted: 15 h (29th) + 10 h (30th) = 25 h; 9 Oct 10:00–24:00 = 14 h -> 39 h;
    # Sat 10 Oct (make-up) 24 h -> 63 h; Sun off; Mon 12th -> 87 h; Tue 13th -> 111 h;
    # 9 h of Wed 14 Oct.
    pause = Pause(t(9, 30, 10), t(10, 9, 10), "customer closed for the holiday")
    assert due(t(9, 29, 9), 5, WORK, (pause,)) == t(10, 14, 9)


def test_pauses_on_non_working_days_change_nothing_in_working_day_mode():
    weekend = Pause(t(3, 7, 10), t(3, 8, 20), "customer unreachable")
    assert due(t(3, 6, 15), 1, WORK, (weekend,)) == t(3, 9, 15)
    # ... but they do in calendar mode: 34 h of the weekend paused.
    assert due(t(3, 6, 15), 1, CAL, (weekend,)) == t(3, 9, 1)


def test_overlapping_pauses_count_once_and_a_pause_before_issue_only_from_issue():
    # Issued Mon 2 Mar 09:00, 2 working days: without pauses due Wed 4 Mar 09:00.
    issued = t(3, 2, 9)
    assert due(issued, 2) == t(3, 4, 9)
    overlapping = (
        Pause(t(3, 3, 8), t(3, 3, 14), "first"),
        Pause(t(3, 3, 12), t(3, 3, 18), "second"),
    )
    # Paused 08:00–18:00 on the 3rd: 10 h, so due 10 h later.
    assert due(issued, 2, WORK, overlapping) == t(3, 4, 19)
    early = Pause(t(3, 2, 7), t(3, 2, 10), "started before issue")
    assert due(issued, 2, WORK, (early,)) == t(3, 4, 10)


def test_a_pause_across_midnight_in_calendar_mode():
    # Fri 20:00 -> Sat 02:00 paused: 6 h later than Sat 15:00.
    pause = Pause(t(3, 6, 20), t(3, 7, 2), "night")
    assert due(t(3, 6, 15), 1, CAL, (pause,)) == t(3, 7, 21)


def test_pauses_after_due_do_not_move_it_and_an_open_pause_before_due_holds_the_clock():
    issued = t(3, 2, 9)
    after = Pause(t(3, 4, 10), t(3, 6, 10), "after the deadline")
    assert due(issued, 2, WORK, (after,)) == t(3, 4, 9)
    still_open_after = Pause(t(3, 4, 9), None, "starts exactly at due")
    assert due(issued, 2, WORK, (still_open_after,)) == t(3, 4, 9)
    still_open = Pause(t(3, 3, 9), None, "customer silent")
    clock = PromisedClock(issued, Promise(2, WORK), (still_open,), CN)
    assert clock.due() is None
    # 15 h on the 2nd + 9 h on the 3rd, then nothing however long we wait.
    assert clock.counted(t(3, 20)) == timedelta(hours=24)
    assert clock.remaining(t(3, 20)) == timedelta(hours=24)
    assert clock.status(t(3, 20)) is SlaStatus.PAUSED
    assert clock.on_time(t(3, 20))


def test_counted_time_remaining_and_status_along_the_way():
    clock = PromisedClock(t(3, 2, 9), Promise(2, WORK), (), CN)  # due Wed 4 Mar 09:00
    assert clock.counted(t(3, 1)) == timedelta(0)  # before issue
    assert clock.counted(t(3, 3, 9)) == timedelta(hours=24)  # 15 + 9
    assert clock.remaining(t(3, 3, 9)) == timedelta(hours=24)
    assert clock.time_to_due(t(3, 3, 9)) == timedelta(hours=24)
    assert clock.remaining(t(3, 5, 9)) == timedelta(hours=-24)
    assert clock.status(t(3, 2, 10)) is SlaStatus.ON_TIME
    assert clock.status(t(3, 3, 8, 59)) is SlaStatus.ON_TIME
    assert clock.status(t(3, 3, 9)) is SlaStatus.DUE_WITHIN_24H
    assert clock.status(t(3, 4, 9)) is SlaStatus.DUE_WITHIN_24H  # at due: still in time
    assert clock.status(t(3, 4, 9) + timedelta(seconds=1)) is SlaStatus.OVERDUE
    assert clock.on_time(t(3, 4, 9)) and not clock.on_time(t(3, 4, 9, 1))
    assert clock.status(t(3, 9), accepted_at=t(3, 4, 9)) is SlaStatus.ON_TIME
    assert clock.status(t(3, 9), accepted_at=t(3, 4, 9, 1)) is SlaStatus.OVERDUE


def test_paused_status_and_overdue_beats_paused():
    issued = t(3, 2, 9)  # due Wed 4 Mar 09:00 without pauses
    pause = Pause(t(3, 2, 12), t(3, 2, 14), "customer meeting")
    clock = PromisedClock(issued, Promise(2, WORK), (pause,), CN)
    assert clock.status(t(3, 2, 13)) is SlaStatus.PAUSED
    assert clock.due() == t(3, 4, 11)
    late_pause = Pause(t(3, 5, 9), None, "customer away")
    late = PromisedClock(issued, Promise(2, WORK), (late_pause,), CN)
    assert late.status(t(3, 6)) is SlaStatus.OVERDUE


def test_times_are_worked_out_in_shanghai_whatever_zone_they_arrive_in():
    from datetime import UTC

    issued_utc = datetime(2026, 3, 6, 7, 0, tzinfo=UTC)  # = Fri 15:00 in Shanghai
    result = due(issued_utc, 1)
    assert result == t(3, 9, 15)
    assert result is not None and result.utcoffset() == timedelta(hours=8)
    with pytest.raises(ValueError):
        due(datetime(2026, 3, 6, 15), 1)  # naive


def test_hq_overrides_take_precedence_over_the_official_calendar():
    extended = ChineseWorkingCalendar({date(2026, 2, 24): False})
    # Thu 12 Feb 10:00, 3 days: 62 h by the end of the make-up Saturday, 24 Feb now off.
    assert due(t(2, 12, 10), 3, calendar=extended) == t(2, 25, 10)
    sunday_worked = ChineseWorkingCalendar({date(2026, 3, 8): True})
    # Friday 15:00 example: 9 h Friday, Saturday off, Sunday 8 Mar counts -> Sun 15:00.
    assert due(t(3, 6, 15), 1, calendar=sunday_worked) == t(3, 8, 15)
    holiday_worked = ChineseWorkingCalendar({date(2026, 10, 5): True})
    # Wed 30 Sep 17:00: 7 h + Mon 5 Oct 24 h = 31 h; 6–7 Oct off; 17 h of Thu 8 Oct.
    assert due(t(9, 30, 17), 2, calendar=holiday_worked) == t(10, 8, 17)
    assert holiday_worked.day_info(date(2026, 10, 5)).kind is DayKind.OVERRIDE_WORKING


def test_years_without_official_data_fall_back_to_weekdays_and_say_so():
    info = CN.day_info(date(2099, 1, 1))  # a Thursday
    assert (info.working, info.kind, info.official) == (True, DayKind.WORKDAY, False)
    assert not CN.covers(date(2099, 1, 1)) and CN.covers(date(2026, 1, 1))
    hq_published = ChineseWorkingCalendar({date(2099, 1, 1): False})
    assert not hq_published.day_info(date(2099, 1, 1)).working


class CountingCalendar:
    def __init__(self) -> None:
        self.calls: list[date] = []

    def day_info(self, day: date) -> DayInfo:
        self.calls.append(day)
        return CN.day_info(day)


def test_twenty_working_days_are_worked_out_day_by_day_not_hour_by_hour():
    calendar = CountingCalendar()
    # Thu 12 Feb 10:00, 20 working days, across the whole Spring Festival.
    # Counted days: 12(14 h), 13, 14, 24, 25, 26, 27, 28 Feb = 7 full + 14 h,
    # Mar 2–6 (5), Mar 9–13 (5): 17 full days + 14 h = 422 h; 58 h to go:
    # Mon 16 (24), Tue 17 (24) -> 470 h, 10 h of Wed 18 Mar.
    assert due(t(2, 12, 10), 20, calendar=calendar) == t(3, 18, 10)
    # 12 Feb .. 18 Mar is 35 days: each looked up once.
    assert len(calendar.calls) == 35 == len(set(calendar.calls))
    calendar_mode = CountingCalendar()
    assert due(t(2, 12, 10), 20, CAL, calendar=calendar_mode) == t(3, 4, 10)
    assert calendar_mode.calls == []


def test_a_calendar_without_working_days_is_refused_instead_of_looping():
    class NeverWorking:
        def day_info(self, day: date) -> DayInfo:
            return DayInfo(day, False, DayKind.OVERRIDE_OFF)

    with pytest.raises(KamdeskError) as err:
        due(t(3, 2), 1, calendar=NeverWorking())
    assert err.value.code == "sla.no_working_days"


def test_the_weekday_calendar_ignores_holidays():
    assert due(t(2, 12, 10), 3, calendar=WeekdayCalendar()) == t(2, 17, 10)


def test_bad_promises_and_pauses_are_refused():
    for days in (0, 367, True):
        with pytest.raises(KamdeskError):
            Promise(days, WORK)  # type: ignore[arg-type]
    with pytest.raises(KamdeskError):
        Pause(t(3, 2, 10), t(3, 2, 9), "ends before it starts")
