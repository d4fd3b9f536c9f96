"""First run without the wizard: the branch-admin form in a dialog of its own.

The app's first run is :class:`kamdesk.ui.first_run.FirstRunWizard`, whose admin page
holds the same :class:`FirstAdminForm`. Hazard: the admin is created on the GUI thread
(hashing the password takes ~0.1 s).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.auth import AuthService
from kamdesk.ui.first_admin_form import FirstAdminForm


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
        self.form = FirstAdminForm(auth)
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
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.form.first_field().setFocus()

    def accept(self) -> None:
        request = self.form.request()
        if request is None:
            return
        try:
            self.actor = self._auth.create_first_admin(request)
        except KamdeskError as exc:
            self.form.refuse(exc.message())
            return
        super().accept()
