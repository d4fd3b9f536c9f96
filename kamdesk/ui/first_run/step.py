"""What every page of the first-run wizard shares: the wizard waits while work runs."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWizardPage

from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE


class StepPage(QWizardPage):
    """Next and Finish stay disabled while a background task of the wizard runs."""

    busy = False

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.completeChanged.emit()

    def ready(self) -> bool:
        """Whether this page's own part is done (pages with a choice override it)."""
        return True

    def isComplete(self) -> bool:
        return not self.busy and self.ready()

    def validatePage(self) -> bool:
        return not self.busy


def note_label(text: str = "", *, error: bool = False) -> QLabel:
    """A wrapped line of explanation (grey) or of refusal (red)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
    return label
