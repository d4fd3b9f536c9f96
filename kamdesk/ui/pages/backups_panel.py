"""设置 › 备份与恢复: the database's backups, 立即备份, and restoring one of them.

Restoring goes in three steps, none on the GUI thread: the chosen backup gets SQLite's
full integrity check and is compared with the database in use (what would be lost,
:func:`kamdesk.services.restore_preview.restore_preview`); a confirmation says what
will be lost; then :meth:`kamdesk.services.backups.BackupService.restore` (the call
``kamdesk backup restore`` makes) runs on the writer lane with progress.

Hazard: the restore replaces the file under the window's engine. The panel announces
the start (:attr:`BackupsPanel.restore_starting`, the window stops everything that
reads) and the end (:attr:`BackupsPanel.restored`: the app must reopen the database;
:attr:`BackupsPanel.restore_failed`: the window decides whether it may go on).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.workorders.vocabulary import Role
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.backups import BackupInfo, RestoreResult, describe
from kamdesk.services.container import Services
from kamdesk.services.restore_preview import RestorePreview
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE, instant
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.messages import failure_text, show_failure
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner

KIND_LABELS = {
    "daily": N_("Daily"),
    "manual": N_("On demand"),
    "pre-migration": N_("Before an update"),
    "other": N_("Other"),
}


def kind_label(kind: str) -> str:
    return tr(KIND_LABELS.get(kind, KIND_LABELS["other"]))


def size_text(size: int) -> str:
    return tr("{size} KB", size=f"{max(1, round(size / 1024)):,}")


def restore_question(info: BackupInfo, preview: RestorePreview) -> str:
    """The confirmation: which backup, and everything the restore loses or changes."""
    when = instant(info.taken_at)
    parts = [
        tr(
            "Put the backup of {when} ({kind}) in place of the database in use? Its "
            "integrity check passed.",
            when=when,
            kind=kind_label(info.kind),
        )
    ]
    if preview.entries_since is None:
        parts.append(
            tr(
                "This backup is not an earlier state of the database in use (it comes from "
                "another computer, or from before an earlier restore): everything in the "
                "database in use is replaced by it."
            )
        )
    elif preview.entries_since:
        parts.append(
            tr(
                "Lost: everything done on this computer after {when}, {n} logged changes "
                "and events.",
                when=when,
                n=f"{preview.entries_since:,}",
            )
        )
    else:
        parts.append(tr("Nothing was logged on this computer since {when}.", when=when))
    if preview.registered:
        parts.append(
            tr(
                "{n} changes made here have not reached HQ yet; those made after the "
                "backup are lost for good. Changes HQ already has come back with the next "
                "sync, and HQ will show that this computer's audit log went back until IT "
                "accepts it.",
                n=f"{preview.unsent_changes:,}",
            )
        )
    parts.append(
        tr(
            "The database in use is kept beside it under a new name, for IT. KAMDesk then "
            "reopens the restored database and asks you to sign in again."
        )
    )
    return "\n\n".join(parts)


class BackupsPanel(QGroupBox):
    """The backups of the open database, with 立即备份 and 恢复所选备份…."""

    restore_starting = Signal()
    """Fires right before the restore task starts: stop everything that reads the database."""
    restored = Signal(object)
    """Fires after a backup was put in place; carries the RestoreResult."""
    restore_failed = Signal(object)
    """Fires when a confirmed restore failed; carries the exception (already shown)."""

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(tr("Backups and restore"), parent)
        self._services = services
        self._runner = runner
        self._actor: Actor | None = None
        self._backups: dict[str, BackupInfo] = {}

        note = QLabel(
            tr(
                "KAMDesk backs the database up once a day and before every update. Only "
                "the branch admin may back up on demand or restore; a restore checks the "
                "backup first and says what will be lost before it changes anything."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        self.table = RecordTable(
            RecordTableModel(
                [tr("Kind"), tr("Taken"), tr("Size"), tr("File")], right_aligned=frozenset({2})
            )
        )
        self.table.setAccessibleName(tr("Backups"))
        self.table.setMinimumHeight(150)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty_label = QLabel(tr("No backup yet."))
        self.empty_label.setStyleSheet(NOTE_STYLE)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.backup_button = QPushButton(tr("Back up now"))
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(tr("Restore selected backup…"))
        self.restore_button.clicked.connect(self.ask_restore)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)

        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()
        self.reload()

    # --- reading --------------------------------------------------------------------

    def reload(self) -> TaskHandle:
        """Re-read the backups and who is signed in, in the background."""
        return self._runner.run(
            lambda progress, cancel: (
                self._services.backups.list_backups(),
                self._services.shell.current_actor(),
            ),
            title=tr("Reading the backups"),
            show_progress=False,
            on_success=self._show,
            parent=self,
        )

    def _show(self, answer: tuple[tuple[BackupInfo, ...], Actor | None]) -> None:
        backups, self._actor = answer
        self._backups = {str(b.path): b for b in backups}
        self.table.records.set_rows(
            [
                Row(
                    str(b.path),
                    (kind_label(b.kind), instant(b.taken_at), size_text(b.size), b.path.name),
                )
                for b in backups
            ]
        )
        self.empty_label.setVisible(not backups)
        self._update_buttons()

    def selected_backup(self) -> BackupInfo | None:
        chosen = self.table.current_id()
        return None if chosen is None else self._backups.get(chosen)

    def _update_buttons(self) -> None:
        admin = self._actor is not None and self._actor.role == Role.ADMIN.value
        reason = None if admin else tr("Only the branch admin may do this.")
        self.backup_button.setEnabled(admin)
        self.backup_button.setToolTip(reason or tr("Write a checked copy of the database now"))
        if reason is None and self.selected_backup() is None:
            reason = tr("Select a backup first.")
        self.restore_button.setEnabled(reason is None)
        self.restore_button.setToolTip(reason or tr("Check the backup, then put it in place"))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
        self.message.setVisible(bool(text))

    # --- acting ---------------------------------------------------------------------

    def back_up_now(self) -> TaskHandle:
        actor = self._actor
        return self._runner.run(
            lambda progress, cancel: self._services.backups.back_up_now(actor),
            title=tr("Backing up the database"),
            lane=Lane.WRITE,
            on_success=self._backed_up,
            parent=self,
        )

    def _backed_up(self, info: BackupInfo) -> None:
        self._say(tr("Backup written: {name}", name=info.path.name))
        self.reload()

    def ask_restore(self) -> TaskHandle | None:
        """Check the selected backup in the background, then ask before restoring it."""
        info = self.selected_backup()
        if info is None:
            return None
        return self._runner.run(
            lambda progress, cancel: self._check(info.path, progress),
            title=tr("Checking the backup"),
            on_success=self._confirm,  # a bound slot: dropped if the panel is rebuilt
            parent=self,
        )

    def _check(self, path: Path, progress: Any) -> RestorePreview:
        progress(0, 0, tr("Checking the backup {name}…", name=path.name))
        return self._services.backups.check_for_restore(path)

    def _confirm(self, preview: RestorePreview) -> None:
        info = self._backups.get(str(preview.backup)) or describe(preview.backup)
        answer = QMessageBox.question(
            self,
            tr("Restore a backup"),
            restore_question(info, preview),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.start_restore(info.path)

    def start_restore(self, path: Path) -> TaskHandle:
        """Put ``path`` in place (checked again first), on the writer lane with progress."""
        actor = self._actor
        self.restore_starting.emit()
        self._say(tr("Restoring {name}…", name=path.name))
        return self._runner.run(
            lambda progress, cancel: self._services.backups.restore(path, actor, progress=progress),
            title=tr("Restoring the backup"),
            lane=Lane.WRITE,
            on_success=self._restored,
            on_failure=self._failed,
            parent=self,
        )

    def _restored(self, result: RestoreResult) -> None:
        self._say(tr("Restored {name}.", name=result.restored_from.name))
        self.restored.emit(result)

    def _failed(self, error: BaseException) -> None:
        self._say(failure_text(tr("Restoring the backup"), error), error=True)
        show_failure(self, tr("Restoring the backup"), error)
        self.restore_failed.emit(error)
