"""The bottom status bar: user and role, branch, sync state (with the first load from HQ
while it is under way), the database on hover, and the outcome of the monthly report
files (a button: open their folder)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QStatusBar, QToolButton, QWidget

from kamdesk.domain.clock import local
from kamdesk.i18n import tr
from kamdesk.services.shell import ShellStatus
from kamdesk.ui.sync.words import load_words, progress_words

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
    report_notice_clicked = Signal(object)
    """Fires when the user clicks the monthly-report notice; carries its folder (a Path),
    or None for a failure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(True)
        self.setStyleSheet(BAR_STYLE)
        self.user_label = QLabel(tr("Loading…"))
        self.branch_label = QLabel()
        self.sync_label = QLabel()
        self.load_label = QLabel()
        """The first load from HQ (or a re-snapshot) while under way, or a running round."""
        self.load_label.setAccessibleName(tr("Sync progress"))
        self.pending_label = QLabel()
        self.conflicts_button = QToolButton()
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.clicked.connect(self.conflicts_clicked)
        self._report_folder: Path | None = None
        self.report_button = QToolButton()
        self.report_button.setAutoRaise(True)
        self.report_button.clicked.connect(
            lambda: self.report_notice_clicked.emit(self._report_folder)
        )
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
            self.load_label,
            self.pending_label,
            self.conflicts_button,
        )
        for i, widget in enumerate(widgets):
            if i:
                self.addWidget(_separator())
            self.addWidget(widget)
        self.addPermanentWidget(self.report_button)
        self.addPermanentWidget(self.database_label, 1)
        self.conflicts_button.setVisible(False)
        self.report_button.setVisible(False)
        self.load_label.setVisible(False)

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
        self.load_label.setText("" if status.sync_load is None else load_words(status.sync_load))
        self.load_label.setVisible(status.sync_load is not None)
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

    def show_sync_progress(self, done: int, total: int, what: str) -> None:
        """A running sync round's step (until the next :meth:`show_status`)."""
        self.load_label.setText(progress_words(done, total, what))
        self.load_label.setVisible(True)

    def show_report_notice(self, text: str, folder: Path | None, reason: str = "") -> None:
        """Show the monthly reports' outcome: written into ``folder`` (the button opens
        it), or a failure (``folder`` None, in red, ``reason`` on hover; the button leads
        to the setting). An empty ``text`` hides the notice."""
        self._report_folder = folder
        self.report_button.setText(text)
        self.report_button.setStyleSheet(QUIET_STYLE if folder is not None else CONFLICT_STYLE)
        if folder is not None:
            tip = tr("Open the folder {folder}", folder=str(folder))
        else:
            hint = tr("Click to open the monthly report setting.")
            tip = "\n".join(line for line in (reason, hint) if line)
        self.report_button.setToolTip(tip)
        self.report_button.setVisible(bool(text))

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
