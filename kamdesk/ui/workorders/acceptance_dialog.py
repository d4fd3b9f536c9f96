"""客户签收: the customer signs on the pad, gives their name and scores 1–5.

The signing time is the moment of saving (the service stamps it); the dialog shows
the clock so the customer sees what will be recorded. An empty pad is refused before
anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.clock import utcnow
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.workorders import SignatureInput
from kamdesk.ui.workorders.form_dialog import FormDialog, Submit, text_box
from kamdesk.ui.workorders.qtime import shown
from kamdesk.ui.workorders.signature_pad import SignaturePad

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
        self.pad = SignaturePad()
        self.undo_button = QPushButton(tr("Undo stroke"))
        self.clear_button = QPushButton(tr("Clear"))
        self.undo_button.clicked.connect(self.pad.undo_stroke)
        self.clear_button.clicked.connect(self.pad.clear)
        self.clock = QLabel()
        pad_box = QWidget()
        column = QVBoxLayout(pad_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pad)
        tools = QHBoxLayout()
        tools.addWidget(self.undo_button)
        tools.addWidget(self.clear_button)
        tools.addStretch(1)
        tools.addWidget(self.clock)
        column.addLayout(tools)

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
        self.add_field(tr("Signature"), pad_box, required=True)
        self.watch(self.pad)
        self.add_field(tr("Satisfaction"), scores, required=True)
        self.watch_group(self.scores)
        self.add_field(tr("Comment"), self.comment)
        self._dirty = False
        self._tick()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(15_000)

    def _tick(self) -> None:
        self.clock.setText(tr("Signing time: {at}", at=shown(utcnow())))

    def set_score(self, score: int) -> None:
        button = self.scores.button(score)
        if button is not None:
            button.setChecked(True)

    def collect(self) -> Acceptance:
        name = self.require(tr("Signer's name"), self.signer.text())
        drawing = self.pad.drawing()  # signature.empty on an empty pad
        score = self.scores.checkedId()
        if score not in SCORE_LABELS:
            raise KamdeskError("form.no_score")
        signature = SignatureInput(
            signer_name=name, strokes=drawing.strokes, png=drawing.png, role="customer"
        )
        return Acceptance(signature, score, self.comment.toPlainText().strip())
