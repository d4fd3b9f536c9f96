"""Step 3: register this computer with HQ (one-time code from IT), or work locally for now.

The form is the sync page's :class:`RegistrationPanel`: registration runs in the
background, and a refusal (wrong code, HQ unreachable) is shown under it in the sync
page's plain words. The person may try again, or choose to work locally and go on.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.sync import Registration, SyncService, SyncStatus
from kamdesk.ui.first_run.step import StepPage, note_label
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.sync.registration import RegistrationPanel
from kamdesk.ui.tasks import TaskRunner


class HqPage(StepPage):
    """Two choices; Next needs "work locally" or a finished registration."""

    registered = Signal(object)
    """Fires after HQ accepted the code; carries the Registration."""

    def __init__(
        self,
        sync: SyncService,
        runner: TaskRunner,
        prefs: Preferences,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._sync = sync
        self._runner = runner
        self.registration: Registration | None = None
        self.setTitle(tr("Head office"))
        self.setSubTitle(
            tr(
                "Connect this computer to HQ with the one-time registration code from IT, "
                "or work on this computer for now."
            )
        )
        self.local_radio = QRadioButton(tr("Work on this computer for now"))
        self.connect_radio = QRadioButton(tr("Connect to HQ with a registration code"))
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.local_radio)
        self.choice.addButton(self.connect_radio)
        self.panel = RegistrationPanel(sync, runner, prefs)
        self.panel.registered.connect(self._registered)
        self.later_note = note_label(
            tr(
                "Registration can wait: choose “Work on this computer for now” and register "
                "later in Settings → Sync with head office → Register this computer…"
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.local_radio)
        layout.addWidget(self.connect_radio)
        layout.addWidget(self.panel)
        layout.addWidget(self.later_note)
        layout.addStretch(1)
        (self.connect_radio if prefs.hq_url else self.local_radio).setChecked(True)
        self.connect_radio.toggled.connect(self._choice_changed)
        self._choice_changed()

    def ready(self) -> bool:
        return self.local_radio.isChecked() or self.registration is not None

    def initializePage(self) -> None:
        self.choice.checkedButton().setFocus()

    def _choice_changed(self) -> None:
        connect = self.connect_radio.isChecked()
        self.panel.setEnabled(connect)
        if connect and self.isVisible():
            self.panel.open_form()
        self.completeChanged.emit()

    def _registered(self, done: Registration) -> None:
        self.registration = done
        self.local_radio.setEnabled(False)
        self.later_note.setVisible(False)
        self._runner.run(
            lambda progress, cancel: self._sync.status(),
            title=tr("Reading the sync state"),
            show_progress=False,
            on_success=self._show_status,
        )
        self.registered.emit(done)
        self.completeChanged.emit()

    def _show_status(self, status: SyncStatus) -> None:
        self.panel.show_status(status)
