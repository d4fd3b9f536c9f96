"""Form rows with an error line under each field, change tracking, and the
保存/放弃/取消 question asked before unsaved edits would be lost.

Labels are right-aligned beside their fields, required ones marked with *; the
error line says in plain words how to fix the value and is empty otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.ui.customer_file.formatting import ERROR_STYLE

Answer = QMessageBox.StandardButton


def ask_unsaved(parent: QWidget, what: str) -> QMessageBox.StandardButton:
    """Save, Discard or Cancel for unsaved edits of ``what``."""
    return QMessageBox.question(
        parent,
        tr("Unsaved changes"),
        tr("“{what}” has changes that are not saved. Save them?", what=what),
        Answer.Save | Answer.Discard | Answer.Cancel,
        Answer.Save,
    )


def on_change(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the user changes the value of ``widget``."""
    if isinstance(widget, QLineEdit):
        widget.textEdited.connect(callback)
    elif isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(callback)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(callback)
        if widget.isEditable():
            widget.editTextChanged.connect(callback)
    elif isinstance(widget, QDateEdit | QDateTimeEdit):
        widget.dateTimeChanged.connect(callback)
    elif isinstance(widget, QSpinBox | QDoubleSpinBox):
        widget.valueChanged.connect(callback)
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(callback)


class FormFields:
    """The rows of one form, each a field with its error line, found by field name."""

    def __init__(self, layout: QFormLayout) -> None:
        self._layout = layout
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, name: str, label: str, widget: QWidget, *, required: bool = False) -> None:
        """Add a row; ``label`` is already translated."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        widget.setObjectName(name)
        widget.setAccessibleName(label)
        self._layout.addRow(f"{label} *" if required else label, holder)
        self.widgets[name] = widget
        self.errors[name] = error

    def show_error(self, name: str, problem: KamdeskError | None) -> None:
        label = self.errors.get(name)
        if label is None:
            return
        label.setText(problem.message() if problem is not None else "")
        label.setVisible(problem is not None)

    def show_problems(self, problems: Mapping[str, KamdeskError]) -> list[str]:
        """Show each problem under its field and clear the others; focus the first wrong
        field. Returns the messages of problems that have no field here."""
        for name in self.errors:
            self.show_error(name, problems.get(name))
        wrong = [name for name in self.widgets if name in problems]
        if wrong:
            self.widgets[wrong[0]].setFocus()
        return [p.message() for name, p in problems.items() if name not in self.errors]

    def error_text(self, name: str) -> str:
        label = self.errors.get(name)
        return label.text() if label is not None and label.isVisible() else ""

    def watch(self, callback: Callable[[], None]) -> None:
        for widget in self.widgets.values():
            on_change(widget, callback)
