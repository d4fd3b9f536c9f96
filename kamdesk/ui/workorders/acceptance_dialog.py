"""客户签收: the customer signs on the pad, gives their name and scores 1–5.

The signing time is the moment of saving (the service stamps it); the dialog shows
the clock so the customer sees what will be recorded. An empty pad is refused before
anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLineEdit, QRadioButton, QWidget

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.workorders import SignatureInput
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box
from kamdesk.ui.workorders.signature_box import SignatureBox

define({"form.no_score": N_("Choose the customer's satisfaction from 1 to 5.")})

SCORE_LABELS = {
    1: N_("1 very unsatisfied"),
    2: N_("2 unsatisfied"),
    3: N_("3 neutral"),
    4: N_("4 satisfied"),
    5: N_("5 very satisfied"),
}


@dataclass(frozen=True)
class Acceptance:
    """What the dialog hands to the service."""

    signature: SignatureInput
    satisfaction: int
    comment: str


class AcceptanceDialog(FormDialog):
    """Signer's name, signature pad (undo stroke, clear), satisfaction, comment."""

    def __init__(
        self, submit: Submit, signer_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("Customer acceptance"), submit, parent)
        self.signer = QLineEdit(signer_name)
        self.signing = SignatureBox()
        self.pad = self.signing.pad
        self.undo_button = self.signing.undo_button
        self.clear_button = self.signing.clear_button
        self.clock = self.signing.clock

        scores = QWidget()
        row = QHBoxLayout(scores)
        row.setContentsMargins(0, 0, 0, 0)
        self.scores = QButtonGroup(self)
        for score, label in SCORE_LABELS.items():
            button = QRadioButton(tr(label))
            self.scores.addButton(button, score)
            row.addWidget(button)
        self.comment = text_box(2)

        self.add_field(tr("Signer's name"), self.signer, required=True)
        self.add_field(tr("Signature"), self.signing, required=True)
        self.add_field(tr("Satisfaction"), scores, required=True)
        self.watch_group(self.scores)
        self.add_field(tr("Comment"), self.comment)
        self._dirty = False

    def set_score(self, score: int) -> None:
        button = self.scores.button(score)
        if button is not None:
            button.setChecked(True)

    def collect(self) -> Acceptance:
        name = self.require(tr("Signer's name"), self.signer.text())
        signature = self.signing.signature(name, "customer")  # signature.empty if empty
        score = self.scores.checkedId()
        if score not in SCORE_LABELS:
            raise KamdeskError("form.no_score")
        return Acceptance(signature, score, self.comment.toPlainText().strip())
