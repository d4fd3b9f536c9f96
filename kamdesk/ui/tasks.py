"""Run long work off the GUI thread, with progress, Cancel and results back on the GUI thread.

Work is any callable taking the keyword arguments ``progress`` (a
:data:`kamdesk.domain.progress.Progress`) and ``cancel`` (a ``CancelCheck``), for
example ``functools.partial(generate_demo, engine, spec)``. It knows nothing of Qt.

Guarantees:
- Work runs on a thread pool; the window never waits for it.
- Two lanes: :attr:`Lane.READ` runs on a small pool (reads may overlap);
  :attr:`Lane.WRITE` is ONE worker thread, so two writers never run at once and a
  writer never meets SQLITE_BUSY from another writer of this process. Writers should
  still begin IMMEDIATE (``engine.execution_options(kamdesk_begin="IMMEDIATE")``).
- Progress reaches the GUI thread through a queued signal, at most one in flight per
  task and applied at most every :data:`PROGRESS_INTERVAL_MS`; the latest value is
  never lost, however fast or rarely the work reports.
- Success and failure callbacks, and every :class:`TaskHandle` signal, run on the
  GUI thread, never synchronously inside :meth:`TaskRunner.run`.
- Without an ``on_failure`` callback a failure is shown: :class:`Cancelled` as a
  notice, any ``KamdeskError`` as its ``message()``, anything else logged with its
  traceback and shown as a plain sentence (never a traceback).

Hazards: Cancel is cooperative — the work stops at its next ``check_cancel``; a task
that never checks runs to its end. Callbacks run after the work ends, possibly after
the widget that started it was closed: keep them to objects that outlive the task.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from kamdesk.errors import KamdeskError
from kamdesk.ui.messages import show_failure
from kamdesk.ui.task_dialog import TaskProgressDialog

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_MS = 100
"""Shortest time between two progress updates the GUI applies for one task."""

DIALOG_DELAY_MS = 400
"""Work that ends sooner never flashes a progress dialog (UI.md: about half a second)."""

Work = Callable[..., Any]
"""Called as ``work(progress=..., cancel=...)``; bind other arguments with ``partial``."""


class Lane(enum.Enum):
    READ = "read"
    WRITE = "write"


class TaskHandle(QObject):
    """One submitted piece of work: its progress, its outcome and its Cancel flag.

    Created and used on the GUI thread; only :meth:`_report`, :meth:`_execute` and
    the cancel check run on the worker thread.
    """

    progressed = Signal(int, int, str)
    """On the GUI thread: the latest (done, total, text), at most every PROGRESS_INTERVAL_MS."""
    succeeded = Signal(object)
    """On the GUI thread once the work returned; carries its result."""
    failed = Signal(object)
    """On the GUI thread once the work raised (``Cancelled`` included); carries the exception."""
    finished = Signal()
    """On the GUI thread after ``succeeded`` or ``failed``; exactly once per task."""
    _progress_posted = Signal()
    """From the worker thread when a new progress value waits in the mailbox (queued)."""
    _work_ended = Signal()
    """From the worker thread when the work returned or raised (queued)."""

    def __init__(self, title: str, lane: Lane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.lane = lane
        self._cancel_requested = threading.Event()
        self._lock = threading.Lock()
        self._latest: tuple[int, int, str] | None = None
        self._posted = False
        self._outcome: tuple[bool, Any] | None = None
        self._last_applied = 0.0
        self._done = False
        self.dialog: TaskProgressDialog | None = None
        self.owner: QWidget | None = None
        self.failure_callback: Callable[[BaseException], None] | None = None
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(self._apply_progress)
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_posted.connect(self._on_progress_posted, queued)
        self._work_ended.connect(self._on_work_ended, queued)

    # --- any thread ----------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the work to stop at its next cancel check."""
        self._cancel_requested.set()

    def cancel_requested(self) -> bool:
        return self._cancel_requested.is_set()

    @property
    def is_done(self) -> bool:
        """True once ``finished`` has fired."""
        return self._done

    @property
    def latest_progress(self) -> tuple[int, int, str] | None:
        with self._lock:
            return self._latest

    # --- worker thread -------------------------------------------------------------

    def _report(self, done: int, total: int, text: str) -> None:
        with self._lock:
            self._latest = (int(done), int(total), str(text))
            if self._posted:
                return
            self._posted = True
        self._progress_posted.emit()

    def _execute(self, work: Work) -> None:
        try:
            outcome: tuple[bool, Any] = (
                True,
                work(progress=self._report, cancel=self._cancel_requested.is_set),
            )
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            outcome = (False, exc)
        with self._lock:
            self._outcome = outcome
        self._work_ended.emit()

    # --- GUI thread ----------------------------------------------------------------

    def _on_progress_posted(self) -> None:
        wait_ms = PROGRESS_INTERVAL_MS - (time.monotonic() - self._last_applied) * 1000
        if wait_ms <= 0:
            self._apply_progress()
        elif not self._throttle.isActive():
            self._throttle.start(int(wait_ms) + 1)

    def _apply_progress(self) -> None:
        with self._lock:
            latest, self._posted = self._latest, False
        if latest is None or self._done:
            return
        self._last_applied = time.monotonic()
        self.progressed.emit(*latest)

    def _on_work_ended(self) -> None:
        self._throttle.stop()
        self._apply_progress()
        with self._lock:
            outcome = self._outcome
        assert outcome is not None
        self._done = True
        ok, value = outcome
        if ok:
            self.succeeded.emit(value)
        else:
            self.failed.emit(value)
        self.finished.emit()


class TaskRunner(QObject):
    """Submits work to the read pool or the writer lane and shows its progress.

    Create one per application on the GUI thread; call :meth:`shutdown` before the
    database engine is disposed.
    """

    task_started = Signal(object)
    """On the GUI thread right after a task was submitted; carries its TaskHandle."""
    task_finished = Signal(object)
    """On the GUI thread after a task's own callbacks ran; carries its TaskHandle."""

    def __init__(
        self,
        parent_widget: QWidget | None = None,
        *,
        read_workers: int | None = None,
        dialog_delay_ms: int = DIALOG_DELAY_MS,
    ) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._dialog_delay_ms = dialog_delay_ms
        workers = read_workers or max(2, min(4, os.cpu_count() or 2))
        self._readers = ThreadPoolExecutor(workers, thread_name_prefix="kamdesk-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="kamdesk-write")
        self._active: set[TaskHandle] = set()
        self._closed = False

    def set_parent_widget(self, widget: QWidget | None) -> None:
        """The window that progress dialogs and messages belong to by default."""
        self._parent_widget = widget

    def active_tasks(self) -> list[TaskHandle]:
        return list(self._active)

    def run(
        self,
        work: Work,
        *,
        title: str,
        lane: Lane = Lane.READ,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        show_progress: bool = True,
        parent: QWidget | None = None,
    ) -> TaskHandle:
        """Start ``work`` in ``lane``; ``title`` names it in the dialog and in messages.

        ``on_failure``, when given, replaces the default message (unexpected errors
        are still logged with their traceback).
        """
        if self._closed:
            raise RuntimeError("the task runner was shut down")
        handle = TaskHandle(title, lane, self)
        handle.owner = parent if parent is not None else self._parent_widget
        handle.failure_callback = on_failure
        if show_progress:
            # First, so that its slots run first: the dialog is gone before a result
            # or a message box appears.
            handle.dialog = TaskProgressDialog(handle, handle.owner)
            QTimer.singleShot(self._dialog_delay_ms, handle.dialog, handle.dialog.show_if_running)
        # Bound methods, not lambdas: a connection must not keep the runner alive,
        # or a runner dropped by its owner would die inside its last child's destructor.
        if on_success is not None:
            handle.succeeded.connect(on_success)
        handle.failed.connect(self._on_failed)
        handle.finished.connect(self._on_finished)
        self._active.add(handle)
        executor = self._writer if lane is Lane.WRITE else self._readers
        executor.submit(handle._execute, work)
        self.task_started.emit(handle)
        return handle

    @property
    def closed(self) -> bool:
        """True once :meth:`shutdown` ran: nothing new may start."""
        return self._closed

    def shutdown(self, *, wait: bool = True) -> None:
        """Cancel every task and (by default) wait for the workers to stop.

        Outcomes of tasks ending during shutdown are not delivered.
        """
        self._closed = True
        for handle in list(self._active):
            handle.cancel()
        self._readers.shutdown(wait=wait, cancel_futures=True)
        self._writer.shutdown(wait=wait, cancel_futures=True)

    def _on_failed(self, exc: BaseException) -> None:
        handle = self.sender()
        assert isinstance(handle, TaskHandle)
        if not isinstance(exc, KamdeskError):
            log.error("task %r failed", handle.title, exc_info=exc)
        if handle.failure_callback is not None:
            handle.failure_callback(exc)
        else:
            show_failure(handle.owner, handle.title, exc)

    def _on_finished(self) -> None:
        handle = self.sender()
        assert isinstance(handle, TaskHandle)
        self._active.discard(handle)
        self.task_finished.emit(handle)
        handle.deleteLater()
