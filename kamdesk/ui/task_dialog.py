"""The progress dialog of one background task: what it is doing, how far, and 取消.

Modeless: the window stays usable while the work runs. Closing the dialog (Esc or
the title-bar button) asks the task to cancel, like the Cancel button; the dialog
stays until the work has actually stopped, then closes itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr

if TYPE_CHECKING:
    from kamdesk.ui.tasks import TaskHandle

BAR_STEPS = 1000
"""The bar counts in thousandths, so totals beyond a 32-bit int still display."""


class TaskProgressDialog(QDialog):
    """Shows a :class:`TaskHandle`'s progress text and bar; its button cancels the task."""

    def __init__(self, handle: TaskHandle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._handle = handle
        self.setWindowTitle(handle.title)
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setMinimumWidth(420)

        self.text_label = QLabel(tr("Starting…"))
        self.text_label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.request_cancel)
        buttons = QDialogButtonBox()
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.text_label)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)

        handle.progressed.connect(self._show_progress)
        handle.succeeded.connect(self.hide)
        handle.failed.connect(self.hide)
        handle.finished.connect(self.deleteLater)

    def show_if_running(self) -> None:
        """Show the dialog unless the task already ended (called after a short delay)."""
        if not self._handle.is_done:
            self.show()

    def request_cancel(self) -> None:
        if self._handle.is_done:
            return
        self._handle.cancel()
        self.cancel_button.setEnabled(False)
        self.text_label.setText(tr("Cancelling… the current step finishes first."))

    def reject(self) -> None:  # Esc
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._handle.is_done:
            event.accept()
        else:
            self.request_cancel()
            event.ignore()

    def _show_progress(self, done: int, total: int, text: str) -> None:
        if not self._handle.cancel_requested():
            self.text_label.setText(text)
        if total > 0:
            self.bar.setRange(0, BAR_STEPS)
            self.bar.setValue(max(0, min(BAR_STEPS, round(BAR_STEPS * done / total))))
        else:
            self.bar.setRange(0, 0)
