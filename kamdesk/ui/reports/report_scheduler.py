"""When the monthly report files are written in the app: a check soon after the window
opens, then every hour, and when the schedule was saved.

Each check runs :meth:`kamdesk.services.scheduled_reports.ScheduledReportService.generate_due`
on the task runner's read lane (it writes only small records, like the KPI exports of
the reports page) without a progress dialog; what is due was decided by the service,
so a check with nothing due costs one read. Never two checks at once: a check asked
for while one runs starts nothing. A failed check is reported (:attr:`ReportScheduler.failed`)
and simply tried again at the next one.

Hazard: :meth:`ReportScheduler.stop` cancels a running check (the files already in
place stay recorded; the rest is written at the next start), so closing the window
does not wait for a whole month's reports.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from kamdesk.domain.clock import utcnow
from kamdesk.i18n import tr
from kamdesk.services.scheduled_reports import ScheduledReportService, ScheduledRun
from kamdesk.ui.tasks import TaskHandle, TaskRunner

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60 * 60_000
"""A check every hour: a month becomes due at 00:00 on its day."""
STARTUP_DELAY_MS = 20_000
"""The first check after the window opened, once its own first reads are done."""


class ReportScheduler(QObject):
    """Starts the checks; see the module docstring for the rules."""

    succeeded = Signal(object)
    """On the GUI thread after a check ran to its end; carries its ScheduledRun."""
    failed = Signal(object)
    """On the GUI thread after a check failed; carries the exception."""

    def __init__(
        self,
        service: ScheduledReportService,
        runner: TaskRunner,
        *,
        interval_ms: int = CHECK_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._handle: TaskHandle | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.timeout.connect(self.check)

    def start(self) -> None:
        """The first check after :data:`STARTUP_DELAY_MS`, then one every interval."""
        self._first.start(STARTUP_DELAY_MS)
        self._timer.start()

    def stop(self) -> None:
        """No further checks; a running one is asked to stop."""
        self._first.stop()
        self._timer.stop()
        if self._handle is not None and not self._handle.is_done:
            self._handle.cancel()

    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.is_done

    def check(self) -> TaskHandle | None:
        """Write what is due now, in the background; None while a check runs."""
        if self.running or self._runner.closed:
            return None
        now = utcnow()
        service = self._service
        self._handle = self._runner.run(
            lambda progress, cancel: service.generate_due(now, progress=progress, cancel=cancel),
            title=tr("Monthly reports"),
            show_progress=False,
            on_success=self._on_success,
            on_failure=self._on_failure,
        )
        return self._handle

    def _on_success(self, run: ScheduledRun) -> None:
        if run.written:
            log.info("monthly reports written: %s", ", ".join(str(p) for p in run.written))
        self.succeeded.emit(run)

    def _on_failure(self, exc: BaseException) -> None:
        log.warning("monthly reports not written: %s", exc)
        self.failed.emit(exc)
