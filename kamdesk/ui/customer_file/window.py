"""The customer file window (大客户档案): one account with its eight tabs.

Opened with an id it reads the whole file on the task runner's read lane and shows
it; opened with ``None`` it is the "new account" form (the other tabs open once the
account exists). The account's own fields are edited in place on 概况: unsaved edits
put • in the title, Enter or Ctrl+S saves, and closing asks 保存/放弃/取消. Every other
change goes through a dialog of its tab, after which the file is read again.

Hazard: task callbacks may arrive after the window closed; they do nothing then.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QToolBar, QWidget

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.customer_file.guards import may_edit
from kamdesk.services.customer_file.validation import InvalidInput
from kamdesk.services.customer_file.views import Choice, CreateOutcome, CustomerFile, FileChoices
from kamdesk.services.customer_file.vocabulary import CustomerStatus
from kamdesk.ui.customer_file.agreements_tab import AgreementsTab
from kamdesk.ui.customer_file.care_tab import CareTab
from kamdesk.ui.customer_file.close_dialog import CloseAccountDialog
from kamdesk.ui.customer_file.complaints_tab import ComplaintsTab
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.duplicates import confirm_duplicates
from kamdesk.ui.customer_file.form_support import Answer, ask_unsaved
from kamdesk.ui.customer_file.formatting import instant
from kamdesk.ui.customer_file.history_tab import HistoryTab
from kamdesk.ui.customer_file.key_persons_tab import KeyPersonsTab
from kamdesk.ui.customer_file.opportunities_tab import OpportunitiesTab
from kamdesk.ui.customer_file.overview_tab import OverviewTab
from kamdesk.ui.customer_file.visits_tab import VisitsTab
from kamdesk.ui.messages import show_failure
from kamdesk.ui.tasks import Lane, TaskRunner


class CustomerFileWindow(QMainWindow):
    """One account's file; ``customer_id`` None creates a new account."""

    loaded = Signal()
    """Fires each time the file was read and shown (after opening and after changes)."""
    created = Signal(str)
    """Fires once a new account was created; carries its id."""
    closed = Signal()
    """Fires when the window closed (unsaved edits were saved or discarded)."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        customer_id: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerFileWindow")
        self.context = FileContext(
            service=services.customer_file,
            runner=runner,
            actor=actor,
            customer_id=customer_id,
            reload=self.reload,
        )
        self.file: CustomerFile | None = None
        self.dirty = False
        self.is_closed = False
        self._saving = False
        self._close_after_save = False
        self.close_dialog: CloseAccountDialog | None = None
        self._build()
        self._update_title()
        if customer_id is None:
            self._load_choices()
        else:
            self.reload()
        self.resize(1180, 760)

    # --- building -------------------------------------------------------------------

    def _build(self) -> None:
        self.overview_tab = OverviewTab()
        self.key_persons_tab = KeyPersonsTab(self.context)
        self.visits_tab = VisitsTab(self.context)
        self.care_tab = CareTab(self.context)
        self.agreements_tab = AgreementsTab(self.context)
        self.opportunities_tab = OpportunitiesTab(self.context)
        self.complaints_tab = ComplaintsTab(self.context)
        self.history_tab = HistoryTab()
        self.tabs = QTabWidget()
        for widget, title in (
            (self.overview_tab, tr("Overview")),
            (self.key_persons_tab, tr("Key persons")),
            (self.visits_tab, tr("Visits")),
            (self.care_tab, tr("Care plan")),
            (self.agreements_tab, tr("Agreements")),
            (self.opportunities_tab, tr("Opportunities")),
            (self.complaints_tab, tr("Complaints")),
            (self.history_tab, tr("Change history")),
        ):
            self.tabs.addTab(widget, title)
        self.setCentralWidget(self.tabs)

        form = self.overview_tab.form
        form.edited.connect(self._on_edited)
        form.submitted.connect(self.save)
        self.overview_tab.save_button.clicked.connect(self.save)
        self.overview_tab.revert_button.clicked.connect(self.revert)

        toolbar = QToolBar(tr("File actions"))
        toolbar.setObjectName("customerFileToolbar")
        self.save_action = self._action(tr("Save"), QKeySequence.StandardKey.Save, self.save)
        self.refresh_action = self._action(tr("Refresh"), QKeySequence("F5"), self.reload)
        self.close_account_action = self._action(
            tr("Close the account (离网)…"), None, self.close_account
        )
        self.close_window_action = self._action(tr("Close window"), QKeySequence("Esc"), self.close)
        for action in (self.save_action, self.refresh_action, self.close_account_action):
            toolbar.addAction(action)
        self.addToolBar(toolbar)
        self.addAction(self.close_window_action)
        self._set_editable(False)

    def _action(
        self,
        text: str,
        keys: QKeySequence | QKeySequence.StandardKey | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(keys)
        action.triggered.connect(slot)
        return action

    # --- state ----------------------------------------------------------------------

    @property
    def is_new(self) -> bool:
        return self.context.customer_id is None

    def _editable_file(self) -> bool:
        if not may_edit(self.context.actor):
            return False
        return self.is_new or (
            self.file is not None and self.file.overview.status == CustomerStatus.ACTIVE
        )

    def _set_editable(self, editable: bool) -> None:
        self.overview_tab.form.setEnabled(editable)
        self.overview_tab.save_button.setEnabled(editable and self.dirty)
        self.overview_tab.revert_button.setEnabled(editable and self.dirty and not self.is_new)
        self.save_action.setEnabled(editable)
        self.close_account_action.setEnabled(editable and not self.is_new)
        for tab in (
            self.key_persons_tab,
            self.visits_tab,
            self.care_tab,
            self.agreements_tab,
            self.opportunities_tab,
            self.complaints_tab,
        ):
            tab.set_editable(editable)
        for index in range(1, self.tabs.count()):
            self.tabs.setTabEnabled(index, not self.is_new)
        hint = ""
        if not editable and self.file is not None and may_edit(self.context.actor):
            hint = tr("The account has left the network; its file can no longer be changed.")
        elif editable and not self.dirty:
            hint = tr("Nothing to save: no field was changed.")
        self.overview_tab.save_hint.setText(hint)

    def _on_edited(self) -> None:
        if not self.dirty:
            self.dirty = True
            self._update_title()
        self._set_editable(self._editable_file())

    def _update_title(self) -> None:
        if self.is_new:
            name = tr("New account")
        elif self.file is not None:
            name = self.file.overview.name
        else:
            name = tr("Loading…")
        mark = "• " if self.dirty else ""
        self.setWindowTitle(tr("{mark}{name} — customer file", mark=mark, name=name))
        self.setWindowModified(self.dirty)

    # --- reading --------------------------------------------------------------------

    def _load_choices(self) -> None:
        context = self.context
        context.runner.run(
            lambda progress, cancel: context.service.choices(context.actor),
            title=tr("Reading the customer file"),
            show_progress=False,
            on_success=self._show_choices,
            parent=self,
        )

    def _show_choices(self, choices: FileChoices) -> None:
        if self.is_closed:
            return
        self.context.choices = choices
        self.overview_tab.form.set_choices(choices)
        self.overview_tab.show_facts_visible(False)
        self._set_editable(self._editable_file())
        self.loaded.emit()

    def reload(self) -> None:
        """Read the whole file again in the background and show it."""
        if self.is_closed or self.context.customer_id is None:
            return
        context, customer_id = self.context, self.context.customer_id
        context.runner.run(
            lambda progress, cancel: (
                context.service.choices(context.actor),
                context.service.read(customer_id, context.actor),
            ),
            title=tr("Reading the customer file"),
            show_progress=False,
            on_success=self._show_file,
            parent=self,
        )

    def _show_file(self, result: tuple[FileChoices, CustomerFile]) -> None:
        if self.is_closed:
            return
        choices, file = result
        self.file = file
        self.context.choices = choices
        self.context.key_persons = tuple(Choice(p.id, p.name) for p in file.key_persons)
        self.overview_tab.form.set_choices(choices)
        if not self.dirty:
            self.overview_tab.form.set_draft(file.overview.draft())
        self.overview_tab.show_facts_visible(True)
        self.overview_tab.show_overview(file.overview)
        self.key_persons_tab.show_people(file.key_persons)
        self.visits_tab.show_visits(file.visits, instant(file.overview.last_visit_at))
        self.care_tab.show_actions(file.care_actions)
        self.agreements_tab.show_agreements(file.agreements, file.expected_revenue_by_month)
        self.opportunities_tab.show_opportunities(file.opportunities)
        self.complaints_tab.show_complaints(file.complaints)
        self.history_tab.show_history(file.history)
        self._set_editable(self._editable_file())
        self._update_title()
        self.loaded.emit()

    # --- saving the account's fields ------------------------------------------------

    def save(self) -> None:
        """Save the overview's fields (create the account when new)."""
        if self._saving or not self._editable_file():
            return
        if not self.dirty and not self.is_new:
            return
        form = self.overview_tab.form
        problems = form.problems()
        if problems:
            self._close_after_save = False
            form.fields.show_problems(problems)
            return
        self._write(accept_duplicates=False)

    def _write(self, *, accept_duplicates: bool) -> None:
        context, draft = self.context, self.overview_tab.form.draft()
        customer_id = context.customer_id
        self._saving = True

        def work(progress: object, cancel: object) -> CreateOutcome | None:
            if customer_id is None:
                return context.service.create_customer(
                    draft, context.actor, accept_duplicates=accept_duplicates
                )
            context.service.edit_customer(customer_id, draft, context.actor)
            return None

        context.runner.run(
            work,
            title=tr("Saving the account"),
            lane=Lane.WRITE,
            show_progress=False,
            on_success=self._saved,
            on_failure=self._save_failed,
            parent=self,
        )

    def _saved(self, outcome: CreateOutcome | None) -> None:
        self._saving = False
        if self.is_closed:
            return
        if isinstance(outcome, CreateOutcome):
            if outcome.customer_id is None:
                if confirm_duplicates(self, outcome.duplicates):
                    self._write(accept_duplicates=True)
                else:
                    self._close_after_save = False
                return
            self.context.customer_id = outcome.customer_id
            self.created.emit(outcome.customer_id)
        self.dirty = False
        self._update_title()
        if self._close_after_save:
            self.close()
            return
        self.reload()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._close_after_save = False
        if self.is_closed:
            return
        if isinstance(exc, InvalidInput):
            loose = self.overview_tab.form.fields.show_problems(exc.problems)
            if loose:
                QMessageBox.warning(self, tr("Saving the account"), "\n".join(loose))
        elif isinstance(exc, KamdeskError):
            QMessageBox.warning(self, tr("Saving the account"), exc.message())
        else:
            show_failure(self, tr("Saving the account"), exc)

    def revert(self) -> None:
        """Throw away the unsaved edits of the overview's fields."""
        if self.file is not None:
            self.overview_tab.form.set_draft(self.file.overview.draft())
        self.dirty = False
        self._update_title()
        self._set_editable(self._editable_file())

    # --- closing the account and the window -----------------------------------------

    def close_account(self) -> None:
        """离网: ask for the reason, then close the account."""
        if self.file is None or not self._editable_file():
            return
        dialog = CloseAccountDialog(self.context, self.file.overview.name, parent=self)
        dialog.saved.connect(lambda _result: self.reload())
        self.close_dialog = dialog
        dialog.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty:
            answer = ask_unsaved(self, self.windowTitle().removeprefix("• "))
            if answer == Answer.Save:
                event.ignore()
                self._close_after_save = True
                self.save()
                return
            if answer != Answer.Discard:
                event.ignore()
                return
            self.dirty = False
        self.is_closed = True
        event.accept()
        self.closed.emit()
