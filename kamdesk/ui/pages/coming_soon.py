"""A page whose feature is not built yet: it says so, and shows no data at all."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.ui.page_header import PageHeader


class ComingSoonPage(QWidget):
    """Title, a plain "being built" notice and what the page will be for."""

    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = PageHeader(title)
        self.notice_label = QLabel(
            tr("This page is being built and will arrive in a coming version of KAMDesk.")
        )
        self.notice_label.setObjectName("comingNotice")
        self.notice_label.setStyleSheet("font-weight: bold;")
        self.purpose_label = QLabel(purpose)
        self.purpose_label.setWordWrap(True)
        self.purpose_label.setStyleSheet("color: #5b6775;")
        for label in (self.notice_label, self.purpose_label):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        body = QVBoxLayout()
        body.setContentsMargins(40, 20, 40, 20)
        body.addStretch(1)
        body.addWidget(self.notice_label)
        body.addWidget(self.purpose_label)
        body.addStretch(2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
