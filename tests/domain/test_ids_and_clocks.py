"""UUIDv7 ids and hybrid logical clocks never go backwards (SYNC.md G5)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from kamdesk.domain import clock
from kamdesk.domain.hlc import HybridClock, Stamp
from kamdesk.domain.ids import Uuid7Generator, uuid7_time_ms


def test_uuid7_is_version_7_and_sorts_by_creation_even_within_one_millisecond():
    uuid7 = Uuid7Generator()
    ids = [uuid7(now_ms=1_763_800_000_000) for _ in range(5000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 5000
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert uuid7_time_ms(ids[0]) == 1_763_800_000_000


def test_uuid7_keeps_order_when_the_wall_clock_steps_back():
    uuid7 = Uuid7Generator()
    later = uuid7(now_ms=1_900_000_000_000)
    earlier_clock = uuid7(now_ms=1_800_000_000_000)
    assert earlier_clock > later


def test_hlc_strictly_increases_when_the_wall_clock_stands_still_or_steps_back():
    wall = [1000, 1000, 999, 500, 1001]
    clock_ = HybridClock("dev-a", now_ms=lambda: wall.pop(0))
    stamps = [clock_.now() for _ in range(5)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 5
    assert Stamp.decode(stamps[-1]).wall_ms == 1001


def test_hlc_observe_moves_past_a_remote_stamp_and_clamps_a_far_future_one():
    clock_ = HybridClock("dev-a", now_ms=lambda: 10_000, max_drift_ms=1_000)
    remote = Stamp(10_500, 7, "dev-b").encode()
    clock_.observe(remote)
    assert clock_.now() > remote
    six_hours_fast = Stamp(10_000 + 6 * 3600_000, 0, "dev-c").encode()
    clamped = clock_.observe(six_hours_fast)
    assert Stamp.decode(clamped).wall_ms == 11_000
    assert clock_.now() < six_hours_fast


def test_hlc_resumes_after_a_restart_from_the_last_stored_stamp():
    first = HybridClock("dev-a", now_ms=lambda: 5_000)
    last = first.now()
    restarted = HybridClock("dev-a", last=last, now_ms=lambda: 4_000)
    assert restarted.now() > last


def test_naive_datetimes_are_refused_and_local_time_is_shanghai():
    with pytest.raises(ValueError):
        clock.local(datetime(2026, 1, 1, 12, 0))
    noon_utc = datetime(2026, 1, 1, 4, 0, tzinfo=clock.utcnow().tzinfo)
    assert clock.local(noon_utc).hour == 12
