"""The bottom status bar: user and role, branch, sync state, and the database on hover."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QStatusBar, QToolButton, QWidget

from kamdesk.domain.clock import local
from kamdesk.i18n import tr
from kamdesk.services.shell import ShellStatus

BAR_STYLE = """
QStatusBar { border-top: 1px solid #d5dce6; background: #f7f9fb; }
QStatusBar::item { border: none; }
QStatusBar QLabel { padding: 2px 6px; color: #22303f; }
"""
CONFLICT_STYLE = "QToolButton { color: #b3261e; font-weight: bold; border: none; padding: 0 8px; }"
QUIET_STYLE = "QToolButton { color: #5b6775; border: none; padding: 0 8px; }"


class ShellStatusBar(QStatusBar):
    """Shows a :class:`ShellStatus`; the conflicts count is a button."""

    conflicts_clicked = Signal()
    """Fires when the user clicks the conflicts count (only clickable when above zero)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(True)
        self.setStyleSheet(BAR_STYLE)
        self.user_label = QLabel(tr("Loading…"))
        self.branch_label = QLabel()
        self.sync_label = QLabel()
        self.pending_label = QLabel()
        self.conflicts_button = QToolButton()
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.clicked.connect(self.conflicts_clicked)
        self.database_label = QLabel()
        # The first thing to give way on a narrow screen (1366 px at 150 %): its full
        # path is in the tooltip anyway.
        self.database_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.database_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        widgets = (
            self.user_label,
            self.branch_label,
            self.sync_label,
            self.pending_label,
            self.conflicts_button,
        )
        for i, widget in enumerate(widgets):
            if i:
                self.addWidget(_separator())
            self.addWidget(widget)
        self.addPermanentWidget(self.database_label, 1)
        self.conflicts_button.setVisible(False)

    def show_status(self, status: ShellStatus) -> None:
        if status.user_name is None:
            self.user_label.setText(tr("User: not set up"))
        elif status.role_label:
            self.user_label.setText(
                tr("User: {name} ({role})", name=status.user_name, role=status.role_label)
            )
        else:
            self.user_label.setText(tr("User: {name}", name=status.user_name))
        self.branch_label.setText(
            tr("Branch: {name}", name=status.branch_name)
            if status.branch_name
            else tr("Branch: not set up")
        )
        if status.last_sync_at is None:
            self.sync_label.setText(tr("Never synced"))
        else:
            self.sync_label.setText(
                tr("Last sync: {time}", time=local(status.last_sync_at).strftime("%Y-%m-%d %H:%M"))
            )
        self.pending_label.setText(tr("Changes to upload: {n}", n=f"{status.pending_changes:,}"))
        self.conflicts_button.setText(tr("Conflicts: {n}", n=f"{status.open_conflicts:,}"))
        self.conflicts_button.setEnabled(status.open_conflicts > 0)
        self.conflicts_button.setStyleSheet(
            CONFLICT_STYLE if status.open_conflicts > 0 else QUIET_STYLE
        )
        self.conflicts_button.setToolTip(
            tr("Open the Sync page to resolve the conflicts")
            if status.open_conflicts > 0
            else tr("No conflicts to resolve")
        )
        self.conflicts_button.setVisible(True)
        self.show_database(status.database_path)

    def show_database(self, path: str) -> None:
        name = Path(path).name if path else tr("(in memory)")
        self.database_label.setText(tr("Database: {name}", name=name))
        tip = tr("Database file: {path}", path=path or tr("(in memory)"))
        self.setToolTip(tip)
        for widget in (
            self.user_label,
            self.branch_label,
            self.sync_label,
            self.pending_label,
            self.database_label,
        ):
            widget.setToolTip(tip)


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setStyleSheet("color: #c9d1dc;")
    line.setFixedHeight(14)
    return line
