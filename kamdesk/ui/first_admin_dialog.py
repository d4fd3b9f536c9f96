"""First run: a database where nobody can sign in asks for its branch and branch admin.

The password rules are the service's (:func:`kamdesk.services.auth.password_problem`);
the dialog adds only the second entry of the password.
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
from kamdesk.services.auth import AuthService, FirstAdmin


class FirstAdminDialog(QDialog):
    """Accepted once the admin exists; :attr:`actor` is then the admin, signed in."""

    def __init__(self, auth: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._auth = auth
        self.actor: Actor | None = None
        self.setWindowTitle(tr("Set up KAMDesk"))
        self.setMinimumWidth(420)
        intro = QLabel(
            tr(
                "Nobody can sign in to this database yet. Create the branch admin; "
                "there is no default password."
            )
        )
        intro.setWordWrap(True)
        self.branch_code_edit = self._edit(tr("Branch code"))
        self.branch_name_edit = self._edit(tr("Branch name"))
        branch = auth.existing_branch()
        if branch is not None:  # the first admin joins the branch the data belongs to
            for edit, value in zip(
                (self.branch_code_edit, self.branch_name_edit), branch, strict=True
            ):
                edit.setText(value)
                edit.setReadOnly(True)
        self.login_edit = self._edit(tr("User name"))
        self.name_edit = self._edit(tr("Full name"))
        self.password_edit = self._edit(tr("Password"), secret=True)
        self.repeat_edit = self._edit(tr("Password again"), secret=True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")

        form = QFormLayout()
        for edit in (
            self.branch_code_edit,
            self.branch_name_edit,
            self.login_edit,
            self.name_edit,
            self.password_edit,
            self.repeat_edit,
        ):
            form.addRow(edit.accessibleName(), edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Create admin"))
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.branch_code_edit.setFocus()

    def _edit(self, label: str, *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def accept(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            self._refuse(tr("The two passwords differ."))
            return
        request = FirstAdmin(
            branch_code=self.branch_code_edit.text(),
            branch_name=self.branch_name_edit.text(),
            login=self.login_edit.text(),
            name=self.name_edit.text(),
            password=self.password_edit.text(),
        )
        try:
            self.actor = self._auth.create_first_admin(request)
        except KamdeskError as exc:
            self._refuse(exc.message())
            return
        super().accept()

    def _refuse(self, text: str) -> None:
        self.error_label.setText(text)
        self.password_edit.clear()
        self.repeat_edit.clear()
        self.password_edit.setFocus()
