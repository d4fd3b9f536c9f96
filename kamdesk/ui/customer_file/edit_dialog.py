"""The base of every customer-file dialog: a form, 保存 and 取消, and no silent loss.

Enter saves (保存 is the default button), Esc cancels. Saving first checks the form
locally (the same pure checks the service runs), then runs the write on the task
runner's writer lane; the dialog stays open until the write succeeded, and a refusal
shows each message under its field (or in a message box), with every typed value
kept. Closing with unsaved edits asks 保存/放弃/取消.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.customer_file.validation import InvalidInput, Problems
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.form_support import Answer, FormFields, ask_unsaved
from kamdesk.ui.messages import show_failure
from kamdesk.ui.tasks import Lane


class EditDialog(QDialog):
    """Subclasses build their rows on ``self.fields`` then call :meth:`finish_form`,
    and implement :meth:`problems` and :meth:`work`."""

    saved = Signal(object)
    """Fires once the write committed; carries what the service returned."""

    def __init__(self, title: str, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.context = context
        self.dirty = False
        self.busy = False
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.fields = FormFields(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def finish_form(self) -> None:
        """Start tracking changes once the rows hold their first values."""
        self.fields.watch(self._mark_dirty)
        self.dirty = False
        first = next(iter(self.fields.widgets.values()), None)
        if first is not None:
            first.setFocus()

    def _mark_dirty(self) -> None:
        self.dirty = True

    # --- to implement ---------------------------------------------------------------

    def problems(self) -> Problems:
        """Problems found without the database (empty when the form looks right)."""
        raise NotImplementedError

    def work(self) -> Callable[[], object]:
        """The write to run on the writer lane, with the form's values bound."""
        raise NotImplementedError

    # --- saving ---------------------------------------------------------------------

    def save(self) -> None:
        if self.busy:
            return
        problems = self.problems()
        if problems:
            self._show_problems(problems)
            return
        write = self.work()
        self.busy = True
        self.save_button.setEnabled(False)
        self.context.runner.run(
            lambda progress, cancel: write(),
            title=self.windowTitle(),
            lane=Lane.WRITE,
            show_progress=False,
            on_success=self._saved,
            on_failure=self._failed,
            parent=self,
        )

    def _show_problems(self, problems: Problems) -> None:
        loose = self.fields.show_problems(problems)
        if loose:
            QMessageBox.warning(self, self.windowTitle(), "\n".join(loose))

    def _saved(self, result: object) -> None:
        self.busy = False
        self.dirty = False
        self.save_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            self._show_problems(exc.problems)
        elif isinstance(exc, KamdeskError):
            QMessageBox.warning(self, self.windowTitle(), exc.message())
        else:
            show_failure(self, self.windowTitle(), exc)

    # --- leaving --------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, 取消 or closing: asks first when there are unsaved edits."""
        if self.dirty:
            answer = ask_unsaved(self, self.windowTitle())
            if answer == Answer.Save:
                self.save()
                return
            if answer != Answer.Discard:
                return
        self.dirty = False
        super().reject()
