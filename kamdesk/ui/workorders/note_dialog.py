"""One dialog for the transitions that carry only words: a required reason (reject,
pause, cancel) or an optional note (submit, approve, issue, resume, sign off...)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from kamdesk.domain.workorders.payloads import REASON_ACTIONS
from kamdesk.domain.workorders.vocabulary import ACTION_LABELS, Action
from kamdesk.i18n import tr
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box


class NoteDialog(FormDialog):
    """Confirms ``action`` with a reason (required for rejects, pauses and cancels) or a
    note; ``explanation`` says what the action will do."""

    def __init__(
        self,
        action: Action,
        submit: Submit,
        explanation: str = "",
        parent: QWidget | None = None,
    ) -> None:
        label = tr(ACTION_LABELS[action])
        super().__init__(label[:1].upper() + label[1:], submit, parent)
        self.action = action
        self.needs_reason = action in REASON_ACTIONS
        if explanation:
            text = QLabel(explanation)
            text.setWordWrap(True)
            self.form.addRow(text)
        self.text = text_box(3)
        caption = tr("Reason") if self.needs_reason else tr("Note")
        self.add_field(caption, self.text, required=self.needs_reason)
        self.save_button.setText(tr("Confirm"))

    def collect(self) -> dict[str, object]:
        if self.needs_reason:
            return {"reason": self.require(tr("Reason"), self.text.toPlainText())}
        return {"note": self.text.toPlainText().strip()}
