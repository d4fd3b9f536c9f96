"""The friendly face of an unexpected error: one plain sentence, details on request.

The dialog says what happened in words, where the log file is, and offers
“复制详情” (copy details: the error, its traceback, version and system) so staff can
paste it into a message to IT. It never replaces logging: the caller logs first.
"""

from __future__ import annotations

import platform
import sys
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr
from kamdesk.ui.messages import describe_unexpected


def error_details(exc: BaseException, tb: TracebackType | None, log_file: Path | None) -> str:
    """Plain text for IT: version, system, log file, then the traceback."""
    try:
        app_version = version("kamdesk")
    except PackageNotFoundError:
        app_version = "?"
    frozen = " (bundle)" if getattr(sys, "frozen", False) else ""
    lines = [
        f"KAMDesk {app_version}{frozen}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"Log: {log_file or '-'}",
        "",
        *traceback.format_exception(type(exc), exc, tb),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


class ErrorDialog(QDialog):
    """Unexpected problem: the sentence, a details box, 复制详情 and 关闭."""

    def __init__(
        self,
        exc: BaseException,
        tb: TracebackType | None,
        log_file: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Unexpected problem"))
        self.setAccessibleName(tr("Unexpected problem"))
        where = str(log_file) if log_file else tr("(not written to a file)")
        self.message = QLabel(
            tr(
                "KAMDesk ran into an unexpected problem ({error}). Work saved before is "
                "safe. Please tell IT support and give them the log file: {log}",
                error=describe_unexpected(exc),
                log=where,
            )
        )
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
                       .pixmap(32, 32))  # fmt: skip
        self.details = QPlainTextEdit(error_details(exc, tb, log_file))
        self.details.setReadOnly(True)
        self.details.setAccessibleName(tr("Details for IT"))
        self.details.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(tr("Copy details"))
        self.copy_button.setAccessibleName(tr("Copy details"))
        self.show_button = QPushButton(tr("Show details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button.clicked.connect(self._toggle_details)
        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(self.message)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.resize(560, 200)

    def copy_details(self) -> None:
        """Put the details on the clipboard and say so on the button."""
        QApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText(tr("Copied"))

    def _toggle_details(self) -> None:
        shown = not self.details.isVisible()
        self.details.setVisible(shown)
        self.show_button.setText(tr("Hide details") if shown else tr("Show details"))


_shown: list[ErrorDialog] = []
"""Open dialogs without a parent window: Python owns them, so they are held here until
closed (else they would vanish as soon as the exception hook returns)."""


def show_error_dialog(
    exc: BaseException,
    tb: TracebackType | None,
    log_file: Path | None,
    parent: QWidget | None = None,
) -> ErrorDialog:
    """Open an :class:`ErrorDialog` without blocking (window-modal over ``parent``)."""
    dialog = ErrorDialog(exc, tb, log_file, parent)
    _shown.append(dialog)
    dialog.finished.connect(lambda _result: _forget(dialog))
    dialog.open()
    return dialog


def _forget(dialog: ErrorDialog) -> None:
    if dialog in _shown:
        _shown.remove(dialog)
    dialog.deleteLater()
