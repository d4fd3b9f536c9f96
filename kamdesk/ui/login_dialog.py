"""Sign-in (and unlock after the idle lock): user name and password, nothing else.

The dialog shows the service's own message for every refusal, so an unknown user
and a wrong password read the same, and a slowed-down login says how long to wait.
Hazard: checking a password takes ~0.1 s on purpose; it runs on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.auth import AuthService


class LoginDialog(QDialog):
    """Accepted only with a signed-in person in :attr:`actor`.

    With ``locked_for`` it unlocks the window for that person only: the user name is
    fixed and switching to someone else means closing the app.
    """

    def __init__(
        self, auth: AuthService, *, locked_for: Actor | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._auth = auth
        self._locked_for = locked_for
        self.actor: Actor | None = None
        self.setWindowTitle(tr("Unlock KAMDesk") if locked_for else tr("Sign in to KAMDesk"))

        self.login_edit = QLineEdit()
        self.login_edit.setAccessibleName(tr("User name"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(tr("Password"))
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setAccessibleName(tr("Sign-in message"))
        if locked_for is not None:
            self.login_edit.setText(locked_for.name)
            self.login_edit.setReadOnly(True)

        form = QFormLayout()
        form.addRow(tr("User name"), self.login_edit)
        form.addRow(tr("Password"), self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Unlock") if locked_for else tr("Sign in"))
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setTabOrder(self.login_edit, self.password_edit)
        (self.password_edit if locked_for else self.login_edit).setFocus()

    def accept(self) -> None:
        try:
            if self._locked_for is not None:
                self.actor = self._auth.unlock(self._locked_for, self.password_edit.text())
            else:
                self.actor = self._auth.login(self.login_edit.text(), self.password_edit.text())
        except KamdeskError as exc:
            self.error_label.setText(exc.message())
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        super().accept()
