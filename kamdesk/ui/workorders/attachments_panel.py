"""The order's attachments (photos, scans): listed with size and who added them; new
ones come from a file dialog or are dropped onto the panel from the desktop.

Each file is stored once by its SHA-256 (the service's rule); dropping the same file
twice lists it once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.workorders import AttachmentInfo
from kamdesk.ui.file_dialogs import open_files
from kamdesk.ui.messages import show_failure
from kamdesk.ui.workorders.qtime import shown

AddFile = Callable[[Path], AttachmentInfo]
"""Stores one file on the order (the window binds actor and order)."""


class AttachmentsPanel(QWidget):
    """List, "Add files…" button, and a drop target for files."""

    added = Signal()
    """Fires after one or more files were attached (the window re-reads the order)."""

    def __init__(self, add_file: AddFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._add_file = add_file
        self.setAcceptDrops(True)
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Attachments"))
        self.hint = QLabel(tr("Drop photos or scans here, or add them with the button."))
        self.hint.setWordWrap(True)
        self.add_button = QPushButton(tr("Add files…"))
        self.add_button.clicked.connect(self.choose_files)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.add_button)
        column = QVBoxLayout(self)
        column.addWidget(self.list, 1)
        column.addLayout(row)

    def show_attachments(self, attachments: Sequence[AttachmentInfo], editable: bool) -> None:
        self.list.clear()
        for a in attachments:
            self.list.addItem(
                tr(
                    "{name} — {size} KB, added {at} by {who}",
                    name=a.filename,
                    size=f"{max(1, round(a.size / 1024)):,}",
                    at=shown(a.added_at),
                    who=a.added_by_name,
                )
            )
        self.add_button.setEnabled(editable)
        self.setAcceptDrops(editable)

    def filenames(self) -> list[str]:
        return [self.list.item(i).text().split(" — ")[0] for i in range(self.list.count())]

    def choose_files(self) -> None:
        paths = open_files(
            self,
            "attachments",
            tr("Attach files"),
            tr("Photos and scans (*.jpg *.jpeg *.png *.pdf *.tif *.tiff);;All files (*)"),
        )
        self.add_paths(paths)

    def add_paths(self, paths: Sequence[Path]) -> int:
        """Attach ``paths``; stops at the first refusal and says why. Returns how many."""
        done = 0
        for path in paths:
            try:
                self._add_file(path)
            except (KamdeskError, OSError) as exc:
                show_failure(self, tr("Attach files"), exc)
                break
            done += 1
        if done:
            self.added.emit()
        return done

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files = [p for p in paths if p.is_file()]
        if files:
            event.acceptProposedAction()
            self.add_paths(files)
