"""The sync scheduler on real timers and the real task runner, with a stand-in for the
sync service: rounds on the timer, debounced nudges, backoff with jitter while HQ is
away, never two rounds at once, nothing when not registered."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

from kamdesk.domain.progress import CancelCheck, Progress
from kamdesk.errors import KamdeskError
from kamdesk.services.sync import SyncStatus
from kamdesk.sync.engine import SyncReport, backoff_delay
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.sync.sync_scheduler import (
    DEFAULT_INTERVAL_MIN,
    KEY_INTERVAL,
    SyncScheduler,
    interval_minutes,
    save_interval_minutes,
)
from kamdesk.ui.tasks import TaskRunner

HOUR_MS = 3_600_000


class FakeHq:
    """Answers like SyncService; counts rounds and how many ran at the same time."""

    def __init__(self, registered: bool = True) -> None:
        self.registered = registered
        self.away = False
        self.hold: threading.Event | None = None
        self.rounds = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def status(self) -> SyncStatus:
        return SyncStatus(
            registered=self.registered,
            hq_url="http://127.0.0.1:9",
            branch_code="HZ",
            branch_name="杭州分公司",
            last_success=None,
            pending=0,
            open_conflicts=0,
            unseen_rejections=0,
        )

    def sync_now(
        self, progress: Progress | None = None, cancel: CancelCheck | None = None
    ) -> SyncReport:
        with self._lock:
            self.rounds += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.hold is not None:
                self.hold.wait(10)
            if self.away:
                raise KamdeskError("sync.unreachable", url="http://127.0.0.1:9", detail="x")
            return SyncReport(pushed=1, pull_complete=True)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture()
def hq() -> FakeHq:
    return FakeHq()


def make(runner: TaskRunner, hq: FakeHq, **kwargs: Any) -> SyncScheduler:
    options: dict[str, Any] = {"interval_ms": HOUR_MS, "nudge_delay_ms": 50}
    return SyncScheduler(hq, runner, **(options | kwargs))


def test_rounds_run_on_the_timer(qtbot, runner, hq):
    scheduler = make(runner, hq, interval_ms=40)
    scheduler.start(first_delay_ms=0)
    qtbot.waitUntil(lambda: hq.rounds >= 3, timeout=5000)
    scheduler.stop()
    qtbot.waitUntil(lambda: not scheduler.running)
    assert not scheduler.timer.isActive()  # stopped: no round is due any more
    assert scheduler.last_outcome is not None and scheduler.last_outcome.report is not None
    assert not scheduler.last_outcome.manual


def test_a_computer_that_is_not_registered_never_syncs(qtbot, runner):
    hq = FakeHq(registered=False)
    scheduler = make(runner, hq, interval_ms=30)
    finished: list[Any] = []
    scheduler.round_finished.connect(finished.append)
    scheduler.start(first_delay_ms=0)
    qtbot.waitUntil(lambda: len(finished) >= 2)
    scheduler.stop()
    assert hq.rounds == 0
    assert all(outcome.skipped for outcome in finished)
    assert scheduler.failures == 0


def test_a_burst_of_nudges_becomes_one_round_soon_after(qtbot, runner, hq):
    scheduler = make(runner, hq)
    for _ in range(5):
        scheduler.nudge()
    assert scheduler.nudge_timer.isActive() and hq.rounds == 0  # not at once: debounced
    qtbot.waitUntil(lambda: hq.rounds == 1 and not scheduler.running)
    assert not scheduler.nudge_timer.isActive()
    assert scheduler.timer.remainingTime() > HOUR_MS - 60_000  # next one only after the interval


def test_hq_away_backs_off_with_jitter_then_recovers(qtbot, runner, hq):
    hq.away = True
    seed = 11
    scheduler = make(
        runner,
        hq,
        interval_ms=HOUR_MS,
        backoff_base_s=0.05,
        backoff_cap_s=0.4,
        rng=random.Random(seed),
    )
    expected_rng = random.Random(seed)
    expected = [round(backoff_delay(n, 0.05, 0.4, expected_rng) * 1000) for n in (1, 2, 3)]
    delays: list[int] = []
    scheduler.round_finished.connect(lambda _outcome: delays.append(scheduler.timer.interval()))

    scheduler.run_now()
    qtbot.waitUntil(lambda: len(delays) >= 3, timeout=5000)  # retried on the backoff timer
    assert delays[:3] == expected
    assert all(25 <= d <= 400 for d in delays)  # jittered within [base/2, cap]
    assert scheduler.failures >= 3
    scheduler.nudge()
    assert not scheduler.nudge_timer.isActive()  # a nudge does not cut a backoff short

    hq.away = False
    qtbot.waitUntil(lambda: scheduler.failures == 0, timeout=5000)  # drained on the timer (G7)
    assert scheduler.timer.interval() == HOUR_MS
    scheduler.stop()


def test_never_two_rounds_at_once(qtbot, runner, hq):
    hq.hold = threading.Event()
    scheduler = make(runner, hq)
    first = scheduler.run_now()
    assert first is not None and scheduler.running
    assert scheduler.run_now() is None  # 立即同步 while a round runs
    scheduler._on_timer()  # the timer firing meanwhile
    scheduler.nudge()  # a work-order step saved meanwhile: remembered
    assert not scheduler.nudge_timer.isActive()
    hq.hold.set()
    qtbot.waitUntil(lambda: hq.rounds == 2 and not scheduler.running, timeout=5000)
    assert hq.most_at_once == 1


def test_the_interval_comes_from_the_preferences(qtbot, runner, hq):
    prefs = Preferences()
    assert interval_minutes(prefs) == DEFAULT_INTERVAL_MIN == 5
    save_interval_minutes(prefs, 12)
    assert interval_minutes(Preferences()) == 12
    prefs.store.setValue(KEY_INTERVAL, "nonsense")
    assert interval_minutes(prefs) == DEFAULT_INTERVAL_MIN
    with pytest.raises(ValueError):
        save_interval_minutes(prefs, 0)
    scheduler = make(runner, hq)
    scheduler.start(first_delay_ms=HOUR_MS)
    scheduler.set_interval_ms(90_000)
    assert scheduler.timer.interval() == 90_000


def test_the_window_syncs_soon_after_a_work_order_step(qtbot, make_window, prefs):
    save_interval_minutes(prefs, 7)
    window = make_window()
    scheduler = window.sync_scheduler
    assert scheduler.interval_ms == 7 * 60_000
    assert window.sync_page.interval_spin.value() == 7
    assert not scheduler.nudge_timer.isActive()
    window.orders_page.order_changed.emit("order-1")  # what an order window's step emits
    assert scheduler.nudge_timer.isActive()
    window.sync_page.interval_spin.setValue(9)  # the page's setting reaches the timer
    assert interval_minutes(prefs) == 9 and scheduler.interval_ms == 9 * 60_000
    window.close()
    assert not scheduler.nudge_timer.isActive() and not scheduler.timer.isActive()
