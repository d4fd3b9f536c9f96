"""客户经理签收: after the customer's acceptance the account manager signs the order off
on the pad (stored with role ``am`` together with the sign-off), with an optional note.
The order then waits for the clerk to archive it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from kamdesk.domain.workorders.vocabulary import ACTION_LABELS, Action
from kamdesk.i18n import tr
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box
from kamdesk.ui.workorders.signature_box import SignatureBox, Signed


class SignOffDialog(FormDialog):
    """Note, the account manager's name (default: the signed-in person) and signature."""

    def __init__(
        self, submit: Submit, signer_name: str = "", parent: QWidget | None = None
    ) -> None:
        title = tr(ACTION_LABELS[Action.SIGN_OFF])
        super().__init__(title[:1].upper() + title[1:], submit, parent)
        explanation = QLabel(
            tr("Sign to confirm the customer accepted the work; the clerk then archives the order.")
        )
        explanation.setWordWrap(True)
        self.form.addRow(explanation)
        self.text = text_box(3)
        self.signer = QLineEdit(signer_name)
        self.signing = SignatureBox()
        self.pad = self.signing.pad
        self.add_field(tr("Note"), self.text)
        self.add_field(tr("Account manager"), self.signer, required=True)
        self.add_field(tr("Signature of the account manager"), self.signing, required=True)
        self.save_button.setText(tr("Confirm"))

    def collect(self) -> Signed:
        payload: dict[str, object] = {"note": self.text.toPlainText().strip()}
        name = self.require(tr("Account manager"), self.signer.text())
        return Signed(payload, self.signing.signature(name, "am"))
