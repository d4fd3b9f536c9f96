"""同步: where this computer syncs to, 立即同步, what each round did, conflicts, refusals,
and HQ's warning when this computer's audit log went backwards or forked.

The page owns no data: it reads :class:`kamdesk.services.sync.SyncService` on the
task runner's read lane and shows the answer. Rounds are started only through the
window's :class:`SyncScheduler`, so a click never overlaps a timed round. Every
failure is shown in plain words (:mod:`kamdesk.ui.sync.words`), never as a code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.sync import ConflictView, RejectionView, SyncRound, SyncStatus
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE, instant
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.messages import failure_text
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.sync.conflict_inbox import ConflictInbox
from kamdesk.ui.sync.registration import RegistrationPanel
from kamdesk.ui.sync.sync_scheduler import (
    MAX_INTERVAL_MIN,
    MIN_INTERVAL_MIN,
    RoundOutcome,
    SyncScheduler,
    interval_minutes,
    save_interval_minutes,
)
from kamdesk.ui.sync.words import (
    audit_alarm_words,
    error_words,
    load_detail_words,
    plain_error,
    progress_words,
    record_text,
)
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner

HISTORY_ROWS = 100


@dataclass(frozen=True)
class SyncPageData:
    status: SyncStatus
    history: list[SyncRound]
    rejections: list[RejectionView]
    conflicts: list[ConflictView]
    actor: Actor | None


class SyncPage(QWidget):
    """The sync page: overview and history, conflict inbox, refused changes."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        prefs: Preferences,
        scheduler: SyncScheduler,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._prefs = prefs
        self._scheduler = scheduler
        self.data: SyncPageData | None = None

        self.header = PageHeader(tr("Sync"))
        self.sync_button = QPushButton(tr("Sync now"))
        self.sync_button.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.sync_button.clicked.connect(self.sync_now)
        self.header.add_action(self.sync_button)

        self.registration = RegistrationPanel(services.sync, runner, prefs)
        self.registration.registered.connect(lambda _done: self.reload())
        self.pending_value = QLabel()
        self.last_success_value = QLabel()
        self.load_value = QLabel()
        self.load_value.setWordWrap(True)
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(MIN_INTERVAL_MIN, MAX_INTERVAL_MIN)
        self.interval_spin.setValue(interval_minutes(prefs))
        self.interval_spin.setSuffix(tr(" min"))
        self.interval_spin.setAccessibleName(tr("Automatic sync interval in minutes"))
        self.interval_spin.valueChanged.connect(self._interval_changed)
        interval_row = QHBoxLayout()
        interval_row.addWidget(QLabel(tr("every")))
        interval_row.addWidget(self.interval_spin)
        interval_row.addWidget(QLabel(tr("and soon after a work-order step")), 1)
        self.outcome_label = QLabel(tr("No sync has run since KAMDesk started."))
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setStyleSheet(NOTE_STYLE)
        state_form = QFormLayout()
        state_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        state_form.addRow(tr("Changes to upload:"), self.pending_value)
        state_form.addRow(tr("Last successful sync:"), self.last_success_value)
        state_form.addRow(tr("Data from HQ:"), self.load_value)
        state_form.addRow(tr("Automatic sync:"), interval_row)
        state_form.addRow(tr("Latest round:"), self.outcome_label)
        state_group = QGroupBox(tr("Sync state"))
        state_group.setLayout(state_form)

        self.history = RecordTable(
            RecordTableModel(
                [tr("Started"), tr("Sent"), tr("Fetched"), tr("Result")],
                right_aligned=frozenset({1, 2}),
            )
        )
        self.history.setAccessibleName(tr("Sync history"))
        self.history.setMinimumHeight(180)
        self.history_empty = QLabel(tr("No sync yet. Register this computer, then “Sync now”."))
        self.history_empty.setStyleSheet(NOTE_STYLE)
        history_group = QGroupBox(tr("Sync history"))
        history_layout = QVBoxLayout(history_group)
        history_layout.addWidget(self.history_empty)
        history_layout.addWidget(self.history, 1)

        overview = QWidget()
        overview_layout = QVBoxLayout(overview)
        overview_layout.setContentsMargins(20, 8, 20, 16)
        overview_layout.addWidget(self.registration)
        overview_layout.addWidget(state_group)
        overview_layout.addWidget(history_group, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(overview)

        self.conflicts = ConflictInbox(services.sync, runner)
        self.conflicts.resolved.connect(self._conflict_resolved)

        self.rejections = RecordTable(
            RecordTableModel([tr("When"), tr("Record"), tr("Status"), tr("Why HQ refused it")])
        )
        self.rejections.setAccessibleName(tr("Changes HQ refused"))
        self.rejections.setWordWrap(True)
        self.rejections_note = QLabel()
        self.rejections_note.setWordWrap(True)
        self.rejections_note.setStyleSheet(NOTE_STYLE)
        self.seen_button = QPushButton(tr("Mark all as read"))
        self.seen_button.clicked.connect(self.mark_rejections_seen)
        seen_row = QHBoxLayout()
        seen_row.addWidget(self.rejections_note, 1)
        seen_row.addWidget(self.seen_button)
        refused = QWidget()
        refused_layout = QVBoxLayout(refused)
        refused_layout.addLayout(seen_row)
        refused_layout.addWidget(self.rejections, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, tr("Overview"))
        self.tabs.addTab(self.conflicts, tr("Conflicts"))
        self.tabs.addTab(refused, tr("Refused changes"))
        self.failure_label = QLabel()
        self.failure_label.setWordWrap(True)
        self.failure_label.setStyleSheet(ERROR_STYLE)
        self.failure_label.setVisible(False)
        self.audit_label = QLabel()
        self.audit_label.setWordWrap(True)
        self.audit_label.setStyleSheet(ERROR_STYLE)
        self.audit_label.setAccessibleName(tr("Audit log warning from HQ"))
        self.audit_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.failure_label)
        layout.addWidget(self.audit_label)
        layout.addWidget(self.tabs, 1)

        scheduler.round_started.connect(self._round_started)
        scheduler.round_finished.connect(self._round_finished)
        scheduler.progressed.connect(self._round_progressed)
        if scheduler.last_outcome is not None:
            self._show_outcome(scheduler.last_outcome)
        self._update_sync_button()
        self.reload()

    # --- reading --------------------------------------------------------------------

    def reload(self) -> TaskHandle:
        """Re-read the state, history, conflicts and refusals in the background."""
        return self._runner.run(
            lambda progress, cancel: self._read(),
            title=tr("Reading the sync state"),
            show_progress=False,
            on_success=self._show,
            on_failure=self._read_failed,
        )

    def _read(self) -> SyncPageData:
        sync = self._services.sync
        actor = self._services.shell.current_actor()
        return SyncPageData(
            status=sync.status(),
            history=sync.history(HISTORY_ROWS),
            rejections=sync.rejections(HISTORY_ROWS),
            conflicts=sync.conflicts(actor=actor),
            actor=actor,
        )

    def _read_failed(self, error: BaseException) -> None:
        self.failure_label.setText(failure_text(tr("Reading the sync state"), error))
        self.failure_label.setVisible(True)

    def _show(self, data: SyncPageData) -> None:
        self.data = data
        self.failure_label.setVisible(False)
        status = data.status
        self.registration.show_status(status)
        alarm = status.audit_alarm
        self.audit_label.setText("" if alarm is None else audit_alarm_words(alarm))
        self.audit_label.setVisible(alarm is not None)
        self.pending_value.setText(f"{status.pending:,}")
        last = data.history[0] if data.history else None
        self.last_success_value.setText(_last_success(status, data.history))
        self.load_value.setText(
            load_detail_words(status.load)
            if status.load is not None
            else tr("Complete")
            if status.registered and status.last_success
            else tr("Not loaded yet")
        )
        if self._scheduler.last_outcome is None and last is not None and last.error_code:
            self._set_outcome(plain_error(last.error_code, last.error_params), error=True)
        self._show_history(data.history)
        self._show_rejections(data.rejections, status.unseen_rejections)
        self.conflicts.set_actor(data.actor)
        self.conflicts.show_conflicts(data.conflicts)
        self.tabs.setTabText(1, tr("Conflicts ({n})", n=f"{len(data.conflicts):,}"))
        self._update_sync_button()

    def _show_history(self, rounds: Sequence[SyncRound]) -> None:
        self.history_empty.setVisible(not rounds)
        self.history.records.set_rows(
            [
                Row(
                    str(r.id),
                    (
                        instant(r.started_at),
                        f"{r.pushed:,}",
                        f"{r.pulled:,}",
                        tr("Succeeded")
                        if r.error_code is None
                        else plain_error(r.error_code, r.error_params),
                    ),
                )
                for r in rounds
            ]
        )

    def _show_rejections(self, rejections: Sequence[RejectionView], unseen: int) -> None:
        self.rejections.records.set_rows(
            [
                Row(
                    str(r.id),
                    (
                        instant(r.received_at),
                        record_text(r.table, r.record),
                        tr("Unread") if r.seen_at is None else tr("Marked as read"),
                        plain_error(r.code, r.params),
                    ),
                )
                for r in rejections
            ]
        )
        self.rejections.resizeRowsToContents()
        self.rejections_note.setText(
            tr(
                "HQ refused these changes made on this computer; the record went back to "
                "HQ's version. Check it and do the change again if it is still needed."
            )
            if rejections
            else tr("HQ has refused no change from this computer.")
        )
        self.seen_button.setEnabled(unseen > 0)
        self.tabs.setTabText(2, tr("Refused changes ({n})", n=f"{unseen:,}"))

    # --- acting ---------------------------------------------------------------------

    def sync_now(self) -> TaskHandle | None:
        """Start a round with progress and 取消 (nothing when one is already running)."""
        if not self.sync_button.isEnabled():
            return None
        return self._scheduler.run_now()

    def show_conflicts(self) -> None:
        """Bring the conflict inbox to the front (the status bar's conflicts count)."""
        self.tabs.setCurrentWidget(self.conflicts)
        self.reload()

    def mark_rejections_seen(self) -> TaskHandle:
        return self._runner.run(
            lambda progress, cancel: self._services.sync.mark_rejections_seen(),
            title=tr("Marking refused changes as read"),
            lane=Lane.WRITE,
            show_progress=False,
            on_success=self._rejections_marked,
        )

    def _rejections_marked(self, _count: int) -> None:
        self.reload()

    def _conflict_resolved(self, _conflict_id: int) -> None:
        self.reload()
        self._scheduler.nudge()

    def _interval_changed(self, minutes: int) -> None:
        save_interval_minutes(self._prefs, minutes)
        self._scheduler.set_interval_ms(minutes * 60_000)

    def _round_started(self, _manual: bool) -> None:
        self._set_outcome(tr("Syncing with HQ…"), error=False)
        self._update_sync_button()

    def _round_progressed(self, done: int, total: int, what: str) -> None:
        self._set_outcome(
            tr("Syncing with HQ… {step}", step=progress_words(done, total, what)), error=False
        )

    def _round_finished(self, outcome: RoundOutcome) -> None:
        self._show_outcome(outcome)
        self._update_sync_button()
        self.reload()

    def _show_outcome(self, outcome: RoundOutcome) -> None:
        if outcome.error is not None:
            self._set_outcome(error_words(outcome.error), error=True)
        elif outcome.skipped or outcome.report is None:
            self._set_outcome(tr("Not synced: this computer is not registered with HQ."), True)
        elif outcome.report.audit is not None and outcome.report.audit.alarm is not None:
            alarm_text = audit_alarm_words(outcome.report.audit.alarm)
            self._set_outcome(f"{outcome.report.describe()}\n{alarm_text}", error=True)
        else:
            self._set_outcome(outcome.report.describe(), error=False)

    def _set_outcome(self, text: str, error: bool) -> None:
        self.outcome_label.setText(text)
        self.outcome_label.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)

    def _update_sync_button(self) -> None:
        registered = self.data is not None and self.data.status.registered
        if self._scheduler.running:
            reason = tr("A sync is running.")
        elif not registered:
            reason = tr("Register this computer with HQ first.")
        else:
            reason = None
        self.sync_button.setEnabled(reason is None)
        self.sync_button.setToolTip(reason or tr("Send and receive changes now (F5)"))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.data is not None:
            self.reload()


def _last_success(status: SyncStatus, history: Sequence[SyncRound]) -> str:
    """When a round last succeeded: the engine's own mark, else the history's newest."""
    if status.last_success:
        return instant(datetime.fromisoformat(status.last_success))
    success = next((r for r in history if r.error_code is None), None)
    return instant(success.finished_at) if success is not None else tr("never")
