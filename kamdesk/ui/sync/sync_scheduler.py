"""When sync rounds run: on a timer, on demand, and soon after a work-order change.

:class:`SyncScheduler` owns the timers and is the only starter of sync rounds in the
window, so its guarantees hold for every round:

- never two rounds at once: a request while a round runs starts nothing (a nudge is
  remembered and honoured once the round ends);
- every round runs on the task runner's write lane, so it never overlaps another
  writer of this process; a computer that is not registered with HQ skips the round
  without touching the network or the history;
- after a round the next one is due after the interval (default 5 minutes, the
  preference ``sync/interval_minutes``); after a failed round it is due after
  :func:`kamdesk.sync.engine.backoff_delay` (exponential, capped, with jitter), so
  many desktops do not hammer an HQ that is away, yet a waiting outbox drains on
  the timer once HQ is back (G7);
- :meth:`nudge` starts one round ``nudge_delay_ms`` after the first of a burst of
  nudges; nudges during a backoff wait for the backoff timer.

The status bar is refreshed by the main window after every write-lane task, which
includes every round; :attr:`SyncScheduler.round_finished` tells the sync page.

Hazard: a cancelled round counts neither as success nor as failure of HQ; the next
round is due after the interval.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from kamdesk.domain.progress import CancelCheck, Cancelled, Progress
from kamdesk.i18n import tr
from kamdesk.services.sync import SyncStatus
from kamdesk.sync.engine import SyncReport, backoff_delay
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner

KEY_INTERVAL = "sync/interval_minutes"
DEFAULT_INTERVAL_MIN = 5
MIN_INTERVAL_MIN = 1
MAX_INTERVAL_MIN = 240
NUDGE_DELAY_MS = 10_000
"""A work-order change is sent this long after it was saved (a burst becomes one round)."""
STARTUP_DELAY_MS = 15_000
"""The first round after the window opened: a waiting outbox does not wait a full interval."""
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 900.0


class SyncRounds(Protocol):
    """What the scheduler needs of :class:`kamdesk.services.sync.SyncService`."""

    def status(self) -> SyncStatus: ...

    def sync_now(
        self, progress: Progress | None = None, cancel: CancelCheck | None = None
    ) -> SyncReport: ...


def interval_minutes(prefs: Preferences) -> int:
    """The stored automatic-sync interval, or the default when missing or odd."""
    value = prefs.store.value(KEY_INTERVAL, DEFAULT_INTERVAL_MIN)
    try:
        minutes = int(value) if isinstance(value, int | str) else DEFAULT_INTERVAL_MIN
    except ValueError:
        return DEFAULT_INTERVAL_MIN
    return minutes if MIN_INTERVAL_MIN <= minutes <= MAX_INTERVAL_MIN else DEFAULT_INTERVAL_MIN


def save_interval_minutes(prefs: Preferences, minutes: int) -> None:
    if not MIN_INTERVAL_MIN <= minutes <= MAX_INTERVAL_MIN:
        raise ValueError(f"sync interval out of range: {minutes}")
    prefs.store.setValue(KEY_INTERVAL, minutes)
    prefs.sync()


@dataclass(frozen=True)
class RoundOutcome:
    """How one round ended: ``report`` when it ran to the end, ``error`` when it failed,
    ``skipped`` when this computer is not registered."""

    manual: bool
    report: SyncReport | None = None
    error: BaseException | None = None
    skipped: bool = False


class SyncScheduler(QObject):
    """Starts sync rounds on the task runner; see the module docstring for the rules."""

    round_started = Signal(bool)
    """Fires when a round was submitted; carries True when a person asked for it."""
    round_finished = Signal(object)
    """Fires on the GUI thread after a round ended; carries its RoundOutcome."""
    progressed = Signal(int, int, str)
    """A running round's progress (done, total, what it does), timed rounds included."""

    def __init__(
        self,
        service: SyncRounds,
        runner: TaskRunner,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MIN * 60_000,
        nudge_delay_ms: int = NUDGE_DELAY_MS,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_cap_s: float = BACKOFF_CAP_S,
        rng: random.Random | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._interval_ms = interval_ms
        self._backoff = (backoff_base_s, backoff_cap_s)
        self._rng = rng or random.Random()
        self._handle: TaskHandle | None = None
        self._manual = False
        self._nudged_while_running = False
        self._stopped = False
        self.failures = 0
        """Failed rounds in a row (0 after a round that reached HQ)."""
        self.last_outcome: RoundOutcome | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer)
        self.nudge_timer = QTimer(self)
        self.nudge_timer.setSingleShot(True)
        self.nudge_timer.setInterval(nudge_delay_ms)
        self.nudge_timer.timeout.connect(self._on_timer)

    # --- control --------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._handle is not None

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    def start(self, first_delay_ms: int = STARTUP_DELAY_MS) -> None:
        """Arm the timer: the first round after ``first_delay_ms``, then every interval."""
        self._stopped = False
        self.timer.start(max(0, first_delay_ms))

    def stop(self) -> None:
        """No further rounds start (a running round finishes on its own)."""
        self._stopped = True
        self.timer.stop()
        self.nudge_timer.stop()

    def set_interval_ms(self, interval_ms: int) -> None:
        """Use a new interval; an idle timer outside a backoff restarts with it."""
        self._interval_ms = interval_ms
        if self.timer.isActive() and self.failures == 0:
            self.timer.start(interval_ms)

    def nudge(self) -> None:
        """Something worth sending soon was saved: sync ``nudge_delay_ms`` from now."""
        if self._stopped:
            return
        if self.running:
            self._nudged_while_running = True
        elif self.failures == 0 and not self.nudge_timer.isActive():
            self.nudge_timer.start()

    def run_now(self) -> TaskHandle | None:
        """Start a round a person asked for (with progress and 取消), unless one runs."""
        return self._start(manual=True)

    # --- rounds ---------------------------------------------------------------------

    def _on_timer(self) -> None:
        self._start(manual=False)

    def _start(self, *, manual: bool) -> TaskHandle | None:
        if self._handle is not None:
            return None
        self.timer.stop()
        self.nudge_timer.stop()
        self._manual = manual
        self._handle = self._runner.run(
            self._round,
            title=tr("Syncing with HQ"),
            lane=Lane.WRITE,
            show_progress=manual,
            on_success=self._on_success,
            on_failure=self._on_failure,
        )
        self._handle.progressed.connect(self.progressed)
        self.round_started.emit(manual)
        return self._handle

    def _round(self, progress: Progress, cancel: CancelCheck) -> SyncReport | None:
        """Worker thread: one round, or None when this computer is not registered."""
        if not self._service.status().registered:
            return None
        return self._service.sync_now(progress=progress, cancel=cancel)

    def _on_success(self, report: Any) -> None:
        self.failures = 0
        self._finish(
            RoundOutcome(self._manual, report=report, skipped=report is None), self._interval_ms
        )

    def _on_failure(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self._finish(RoundOutcome(self._manual, error=error), self._interval_ms)
            return
        self.failures += 1
        base, cap = self._backoff
        delay_s = backoff_delay(self.failures, base, cap, self._rng)
        self._finish(RoundOutcome(self._manual, error=error), round(delay_s * 1000))

    def _finish(self, outcome: RoundOutcome, next_ms: int) -> None:
        self._handle = None
        self.last_outcome = outcome
        if not self._stopped:
            self.timer.start(next_ms)
        if self._nudged_while_running:
            self._nudged_while_running = False
            self.nudge()
        self.round_finished.emit(outcome)
