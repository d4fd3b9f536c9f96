"""The signing part of a form: the pad with Undo stroke and Clear, a clock showing the
signing time that will be recorded, and the step from the pad to a
:class:`~kamdesk.services.workorders.SignatureInput` of one role.

Used by customer acceptance (role ``customer``), the completion form (``workstation``,
the workstation lead) and the AM sign-off (``am``). An empty pad is refused by
:meth:`SignatureBox.signature` with the pad's own ``signature.empty`` message.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kamdesk.domain.clock import utcnow
from kamdesk.i18n import tr
from kamdesk.services.workorders import SignatureInput
from kamdesk.ui.workorders.qtime import shown
from kamdesk.ui.workorders.signature_pad import SignaturePad

CLOCK_MS = 15_000
"""How often the shown signing time is refreshed."""


class SignatureBox(QWidget):
    """Pad, Undo stroke, Clear and the signing time; :attr:`changed` fires on every stroke."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pad = SignaturePad()
        self.changed = self.pad.changed
        self.undo_button = QPushButton(tr("Undo stroke"))
        self.clear_button = QPushButton(tr("Clear"))
        self.undo_button.clicked.connect(self.pad.undo_stroke)
        self.clear_button.clicked.connect(self.pad.clear)
        self.clock = QLabel()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pad)
        tools = QHBoxLayout()
        tools.addWidget(self.undo_button)
        tools.addWidget(self.clear_button)
        tools.addStretch(1)
        tools.addWidget(self.clock)
        column.addLayout(tools)
        self.setFocusProxy(self.pad)
        self._tick()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(CLOCK_MS)

    def _tick(self) -> None:
        self.clock.setText(tr("Signing time: {at}", at=shown(utcnow())))

    def signature(self, signer_name: str, role: str) -> SignatureInput:
        """The drawn signature as the service takes it; ``signature.empty`` on an empty pad."""
        drawing = self.pad.drawing()
        return SignatureInput(
            signer_name=signer_name, strokes=drawing.strokes, png=drawing.png, role=role
        )


@dataclass(frozen=True)
class Signed:
    """A transition's payload and the signature stored with it in the same transaction."""

    payload: dict[str, object]
    signature: SignatureInput
