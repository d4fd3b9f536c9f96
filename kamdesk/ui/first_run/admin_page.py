"""Step 2: the branch and its admin, created in one service call when the page is left.

The page is the wizard's commit page: once the admin exists there is no way back
(and nothing to undo); a refusal (weak password, missing field) keeps the page open
with the service's own words.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.auth import AuthService
from kamdesk.ui.first_admin_form import FirstAdminForm
from kamdesk.ui.first_run.step import StepPage
from kamdesk.ui.messages import failure_text
from kamdesk.ui.tasks import Lane, TaskRunner


class AdminPage(StepPage):
    """:class:`FirstAdminForm`; Next creates the admin in the background, then moves on."""

    created = Signal(object)
    """Fires once the admin exists; carries the admin's Actor."""

    def __init__(
        self, auth: AuthService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._auth = auth
        self._runner = runner
        self.actor: Actor | None = None
        self.setTitle(tr("Branch admin"))
        self.setSubTitle(
            tr(
                "Nobody can sign in to this database yet. Create the branch admin; "
                "there is no default password."
            )
        )
        self.setCommitPage(True)
        self.form = FirstAdminForm(auth)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.form.first_field().setFocus()

    def validatePage(self) -> bool:
        if self.actor is not None:
            return True
        if self.busy:
            return False
        request = self.form.request()
        if request is not None:
            self._runner.run(
                lambda progress, cancel: self._auth.create_first_admin(request),
                title=self._title(),
                lane=Lane.WRITE,
                parent=self,
                on_success=self._created,
                on_failure=self._refused,
            )
        return False  # the wizard moves on when the admin exists

    def _title(self) -> str:
        return tr("Creating the branch admin")

    def _created(self, actor: Actor) -> None:
        self.actor = actor
        self.created.emit(actor)
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    def _refused(self, error: BaseException) -> None:
        self.form.refuse(failure_text(self._title(), error))
