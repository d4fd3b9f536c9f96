"""The first run: language → branch admin → HQ or local → first key accounts.

Shown instead of the sign-in while nobody can sign in to the database. Guarantees:

- Cancel (or Esc) before the admin exists quits as the first-admin dialog did, with
  nothing created; the admin is created in one service call when its page is left,
  and from then on "Do the rest later" (Cancel's new name, and Esc) ends the wizard
  signed in: every remaining step is in Settings too.
- Work runs on the task runner; while a task runs, Next and Finish wait, and closing
  the wizard asks the task to cancel instead.
- Choosing another language applies it at once and rebuilds the pages after the first
  (only possible before the admin exists: the admin page is the commit page).

:attr:`FirstRunWizard.actor` is the signed-in admin once the wizard has closed, or
None when it was cancelled before the admin was created.
"""

from __future__ import annotations

import enum

from PySide6.QtWidgets import QDialog, QWidget, QWizard

from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.ui.first_run.admin_page import AdminPage
from kamdesk.ui.first_run.data_page import DataPage
from kamdesk.ui.first_run.hq_page import HqPage
from kamdesk.ui.first_run.language_page import LanguagePage
from kamdesk.ui.first_run.step import StepPage
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.tasks import TaskHandle, TaskRunner


class PageId(enum.IntEnum):
    LANGUAGE = 0
    ADMIN = 1
    HQ = 2
    DATA = 3


class FirstRunWizard(QWizard):
    """Four pages; :attr:`actor` says who is signed in when it closes."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        prefs: Preferences,
        language: LanguageSwitcher,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._prefs = prefs
        self.actor: Actor | None = None
        self._running: set[TaskHandle] = set()
        self._closed = False
        self.setObjectName("firstRunWizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)  # Finish says it all
        self.setMinimumSize(660, 520)
        self.language_page = LanguagePage(prefs, language)
        self.language_page.language_chosen.connect(self._language_changed)
        self.setPage(PageId.LANGUAGE, self.language_page)
        self._build_pages()
        self._name_buttons()
        runner.task_started.connect(self._task_started)
        runner.task_finished.connect(self._task_finished)

    # --- pages ----------------------------------------------------------------------

    def _build_pages(self) -> None:
        for page_id in (PageId.ADMIN, PageId.HQ, PageId.DATA):
            old = self.page(page_id)
            if old is not None:
                self.removePage(page_id)
                old.deleteLater()
        self.admin_page = AdminPage(self._services.auth, self._runner)
        self.admin_page.created.connect(self._admin_created)
        self.hq_page = HqPage(self._services.sync, self._runner, self._prefs)
        self.data_page = DataPage(self._services, self._runner)
        self.hq_page.registered.connect(lambda _done: self.data_page.set_registered())
        self.setPage(PageId.ADMIN, self.admin_page)
        self.setPage(PageId.HQ, self.hq_page)
        self.setPage(PageId.DATA, self.data_page)

    def _name_buttons(self) -> None:
        self.setWindowTitle(tr("Set up KAMDesk"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("Back"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("Next"))
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("Create admin"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Finish"))
        self.setButtonText(
            QWizard.WizardButton.CancelButton,
            tr("Do the rest later") if self.actor is not None else tr("Cancel"),
        )
        for which in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.CommitButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.CancelButton,
        ):
            button = self.button(which)
            button.setAccessibleName(button.text())

    def _language_changed(self, code: str) -> None:
        self.language_page.retranslate()
        self._build_pages()
        self._name_buttons()
        # Replacing pages leaves QWizard thinking the first page is the last one; start
        # over on it (the only page shown so far) so that Next is back, and the default.
        self.restart()
        self.language_page.buttons[code].setFocus()

    def _admin_created(self, actor: Actor) -> None:
        self.actor = actor
        self._services.shell.sign_in(actor)
        self.data_page.actor = actor
        self._name_buttons()

    # --- background work ------------------------------------------------------------

    def _task_started(self, handle: TaskHandle) -> None:
        self._running.add(handle)
        self._set_busy()

    def _task_finished(self, handle: TaskHandle) -> None:
        self._running.discard(handle)
        self._set_busy()

    def _set_busy(self) -> None:
        busy = bool(self._running)
        for page_id in self.pageIds():
            page = self.page(page_id)
            if isinstance(page, StepPage):
                page.set_busy(busy)
        self.button(QWizard.WizardButton.BackButton).setEnabled(
            not busy and self.currentId() == PageId.ADMIN
        )

    # --- closing --------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel running work first; then quit (no admin yet) or end signed in."""
        if self._running:
            for handle in self._running:
                handle.cancel()
            return
        if self.actor is not None:
            self.done(QDialog.DialogCode.Accepted)
            return
        super().reject()

    def done(self, result: int) -> None:
        if not self._closed:
            self._closed = True
            self._runner.task_started.disconnect(self._task_started)
            self._runner.task_finished.disconnect(self._task_finished)
        super().done(result)
