"""The branch and branch-admin form of the first run, shared by the dialog and the wizard.

The password rules are the service's (:func:`kamdesk.services.auth.password_problem`);
the form adds only the second entry of the password. A database that already holds
one branch (demo data, an HQ snapshot) shows it read-only: the admin joins it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.auth import AuthService, FirstAdmin


class FirstAdminForm(QWidget):
    """Fields in tab order, and the line that says why the last try was refused."""

    def __init__(self, auth: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.branch_code_edit = _edit(tr("Branch code"))
        self.branch_name_edit = _edit(tr("Branch name"))
        branch = auth.existing_branch()
        if branch is not None:  # the first admin joins the branch the data belongs to
            for edit, value in zip(
                (self.branch_code_edit, self.branch_name_edit), branch, strict=True
            ):
                edit.setText(value)
                edit.setReadOnly(True)
        self.login_edit = _edit(tr("User name"))
        self.name_edit = _edit(tr("Full name"))
        self.password_edit = _edit(tr("Password"), secret=True)
        self.repeat_edit = _edit(tr("Password again"), secret=True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setAccessibleName(tr("Set-up message"))

        form = QFormLayout()
        for edit in self.edits():
            form.addRow(edit.accessibleName(), edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        for before, after in zip(self.edits(), self.edits()[1:], strict=False):
            self.setTabOrder(before, after)

    def edits(self) -> tuple[QLineEdit, ...]:
        return (
            self.branch_code_edit,
            self.branch_name_edit,
            self.login_edit,
            self.name_edit,
            self.password_edit,
            self.repeat_edit,
        )

    def first_field(self) -> QLineEdit:
        """Where typing starts: the first field that is not read-only."""
        return next(edit for edit in self.edits() if not edit.isReadOnly())

    def request(self) -> FirstAdmin | None:
        """What to create, or None (and the reason shown) when the two passwords differ."""
        if self.password_edit.text() != self.repeat_edit.text():
            self.refuse(tr("The two passwords differ."))
            return None
        self.error_label.clear()
        return FirstAdmin(
            branch_code=self.branch_code_edit.text(),
            branch_name=self.branch_name_edit.text(),
            login=self.login_edit.text(),
            name=self.name_edit.text(),
            password=self.password_edit.text(),
        )

    def refuse(self, text: str) -> None:
        """Show why the admin was not created; the passwords are typed again."""
        self.error_label.setText(text)
        self.password_edit.clear()
        self.repeat_edit.clear()
        self.password_edit.setFocus()


def _edit(label: str, *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(label)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit
