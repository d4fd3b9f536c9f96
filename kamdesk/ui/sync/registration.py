"""总部与本机: the HQ address and the one-time code that registers this computer.

Once registered, the panel shows HQ's address, the branch and this computer's number
at HQ; "Register again…" opens the form once more (a new code from IT, or another HQ).
Registration talks to HQ, so it runs on the task runner with progress; its failure is
shown under the form in plain words, never as a code.
"""

from __future__ import annotations

import platform

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr
from kamdesk.services.sync import Registration, SyncService, SyncStatus
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE
from kamdesk.ui.form_parts import message_label, set_message, settings_form, stack
from kamdesk.ui.preferences import Preferences, hq_url_problem
from kamdesk.ui.sync.words import error_words
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner


class RegistrationPanel(QGroupBox):
    """Shows where this computer syncs to, or the form to register it."""

    registered = Signal(object)
    """Fires after HQ accepted a registration code; carries the Registration."""

    def __init__(
        self,
        service: SyncService,
        runner: TaskRunner,
        prefs: Preferences,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(tr("HQ and this computer"), parent)
        self._service = service
        self._runner = runner
        self._prefs = prefs
        self.status: SyncStatus | None = None

        self.hq_value = _value_label()
        self.branch_value = _value_label()
        self.device_value = _value_label()
        self.again_button = QPushButton(tr("Register again…"))
        self.again_button.clicked.connect(self.open_form)
        info = settings_form()
        info.addRow(tr("HQ address:"), self.hq_value)
        info.addRow(tr("Branch:"), self.branch_value)
        info.addRow(tr("This computer at HQ:"), self.device_value)
        self.info_box = QWidget()
        info_layout = QHBoxLayout(self.info_box)
        info_layout.setContentsMargins(0, 0, 0, 0)
        info_layout.addLayout(info, 1)
        info_layout.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.url_edit = QLineEdit(prefs.hq_url)
        self.url_edit.setPlaceholderText("https://hq.example.cn")
        self.url_edit.setAccessibleName(tr("HQ address"))
        self.url_edit.textChanged.connect(self._update_state)
        self.url_edit.editingFinished.connect(self._show_url_problem)
        self.url_problem = message_label(ERROR_STYLE, hidden=True)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("ABCD-EFGH-JKMN-PQRS")
        self.code_edit.setAccessibleName(tr("Registration code"))
        self.code_edit.textChanged.connect(self._update_state)
        self.code_edit.returnPressed.connect(self.register)
        self.url_edit.returnPressed.connect(self.code_edit.setFocus)
        code_note = message_label(NOTE_STYLE, hidden=True)
        code_note.setText(tr("A one-time code from IT; it works once, for this computer only."))
        self.register_button = QPushButton(tr("Register"))
        self.register_button.clicked.connect(self.register)
        self.reason_label = message_label(NOTE_STYLE, hidden=True)
        self.failure_label = message_label(ERROR_STYLE, hidden=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reason_label, 1)
        buttons.addWidget(self.register_button)
        form = settings_form()
        form.addRow(tr("HQ address: *"), stack(self.url_edit, self.url_problem))
        form.addRow(tr("Registration code: *"), stack(self.code_edit, code_note))
        code_note.setVisible(True)  # only once it has a parent: never a window of its own
        self.form_box = QWidget()
        form_layout = QVBoxLayout(self.form_box)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addLayout(form)
        form_layout.addWidget(self.failure_label)
        form_layout.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.info_box)
        layout.addWidget(self.form_box)
        self.setTabOrder(self.url_edit, self.code_edit)
        self.setTabOrder(self.code_edit, self.register_button)
        self.info_box.setVisible(False)
        self._update_state()

    # --- showing --------------------------------------------------------------------

    def show_status(self, status: SyncStatus) -> None:
        """Show the registration ``status``; the form stays open while it is being used."""
        first = self.status is None
        self.status = status
        self.info_box.setVisible(status.registered)
        if status.registered:
            self.hq_value.setText(status.hq_url or "")
            self.branch_value.setText(
                tr("{code} {name}", code=status.branch_code or "", name=status.branch_name or "")
            )
            self.device_value.setText(status.hq_device_id or tr("(not known)"))
            if first:
                self.form_box.setVisible(False)
            if not self.url_edit.text().strip():
                self.url_edit.setText(status.hq_url or "")
        else:
            self.form_box.setVisible(True)

    def open_form(self) -> None:
        """Show the form (also when registered) with the cursor where typing starts."""
        self.form_box.setVisible(True)
        (self.code_edit if self.url_edit.text().strip() else self.url_edit).setFocus()

    # --- registering ----------------------------------------------------------------

    def register(self) -> TaskHandle | None:
        """Trade the code for this computer's access key at HQ (in the background)."""
        if self._blocking_reason() is not None:
            self._show_url_problem()
            return None
        url = self.url_edit.text().strip()
        code = self.code_edit.text().strip()
        name = platform.node() or "KAMDesk"
        self.register_button.setEnabled(False)
        self._set_failure("")
        return self._runner.run(
            lambda progress, cancel: self._service.register(url, code, name),
            title=tr("Registering with HQ"),
            lane=Lane.WRITE,
            parent=self,
            on_success=self._registered,
            on_failure=self._failed,
        )

    def _registered(self, done: Registration) -> None:
        if hq_url_problem(done.hq_url) is None:
            self._prefs.hq_url = done.hq_url
        self.code_edit.clear()
        self.form_box.setVisible(False)
        self._update_state()
        self.registered.emit(done)

    def _failed(self, error: BaseException) -> None:
        self._set_failure(error_words(error))
        self._update_state()

    # --- validation -----------------------------------------------------------------

    def _blocking_reason(self) -> str | None:
        url = self.url_edit.text().strip()
        if not url:
            return tr("Enter the HQ address first.")
        if hq_url_problem(url) is not None:
            return tr("Correct the HQ address first.")
        if not self.code_edit.text().strip():
            return tr("Enter the registration code from IT.")
        return None

    def _update_state(self) -> None:
        reason = self._blocking_reason()
        self.register_button.setEnabled(reason is None)
        self.register_button.setToolTip(reason or "")
        set_message(self.reason_label, reason or "")
        if self.url_problem.text() and hq_url_problem(self.url_edit.text()) is None:
            set_message(self.url_problem, "")

    def _show_url_problem(self) -> None:
        set_message(self.url_problem, hq_url_problem(self.url_edit.text()) or "")

    def _set_failure(self, text: str) -> None:
        set_message(self.failure_label, text)


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
