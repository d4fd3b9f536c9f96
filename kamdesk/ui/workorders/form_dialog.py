"""The frame every work-order form shares: labelled fields, Save and Cancel, and a
guard that never lets typed work vanish.

A form subclass adds its fields with :meth:`FormDialog.add_field` and implements
:meth:`FormDialog.collect` (read the fields into the service's input; raise
``KamdeskError`` to refuse). The caller passes ``submit``, the service call that uses
that input. Save runs ``submit``; a refusal is shown in the form, which stays open
with everything typed. Cancel, Esc or closing the window on a form with changes asks
before discarding them.

Keyboard: Enter saves (Ctrl+Enter inside a multi-line field), Esc cancels, Tab
follows the order fields were added in; the first field has the focus.
Hazard: ``submit`` runs on the GUI thread — fine for one transition (milliseconds),
not for long work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.ui.messages import failure_text

log = logging.getLogger(__name__)

define({"form.required": N_("{field} is required; fill it in before saving.")})

ERROR_STYLE = "color: #b3261e;"

Submit = Callable[[Any], object]
"""Called with what :meth:`FormDialog.collect` returned; its result is kept as
:attr:`FormDialog.result_value`."""


class FormDialog(QDialog):
    """Base of the step forms; subclasses add fields and implement :meth:`collect`."""

    saved = Signal(object)
    """Fires once the submit call succeeded, with its result, just before closing."""

    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self._submit = submit
        self._dirty = False
        self._first_field: QWidget | None = None
        self.result_value: object = None

        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.error_label.setAccessibleName(tr("Why the form was not saved"))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.save_button.setToolTip(tr("Save (Enter)"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setToolTip(tr("Cancel (Esc)"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)

        self._layout = QVBoxLayout(self)
        self._layout.addLayout(self.form)
        self._layout.addWidget(self.error_label)
        self._layout.addWidget(self.buttons)

    # --- building -------------------------------------------------------------------

    def add_field(self, label: str, widget: QWidget, *, required: bool = False) -> QWidget:
        """Add a labelled field (required ones marked *) and watch it for changes."""
        text = tr("{label} *", label=label) if required else label
        caption = QLabel(text)
        caption.setBuddy(widget)
        widget.setAccessibleName(label)
        self.form.addRow(caption, widget)
        self.watch(widget)
        if self._first_field is None:
            self._first_field = widget
            widget.setFocus()
        return widget

    def add_wide(self, widget: QWidget) -> None:
        """A widget spanning both columns (a table, a signature pad)."""
        self.form.addRow(widget)
        self.watch(widget)

    def watch(self, widget: QWidget) -> None:
        """Count edits in ``widget`` as unsaved changes."""
        signal = _change_signal(widget)
        if signal is not None:
            signal.connect(self.mark_dirty)

    def watch_group(self, group: QButtonGroup) -> None:
        group.buttonToggled.connect(self.mark_dirty)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._first_field is not None:
            self._first_field.setFocus()

    # --- state ----------------------------------------------------------------------

    def mark_dirty(self, *_args: object) -> None:
        self._dirty = True
        self.setWindowModified(True)

    def is_dirty(self) -> bool:
        return self._dirty

    def collect(self) -> object:
        """The service input from the fields; raise ``KamdeskError`` to refuse."""
        raise NotImplementedError

    def require(self, label: str, text: str) -> str:
        """``text`` stripped, or ``form.required`` naming ``label``."""
        if not text.strip():
            raise KamdeskError("form.required", field=label)
        return text.strip()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # --- closing --------------------------------------------------------------------

    def accept(self) -> None:
        """Save: collect, submit, close; on a refusal stay open and say why."""
        try:
            self.result_value = self._submit(self.collect())
        except KamdeskError as exc:
            self.show_error(exc.message())
            return
        except Exception as exc:  # an unexpected failure must not lose the typed form
            log.exception("saving %s failed", self.windowTitle())
            self.show_error(failure_text(self.windowTitle(), exc))
            return
        self._dirty = False
        self.saved.emit(self.result_value)
        super().accept()

    def reject(self) -> None:
        """Cancel: ask before throwing away changes."""
        if self._dirty:
            answer = QMessageBox.question(
                self,
                tr("Discard changes?"),
                tr("The form has changes that are not saved. Close it and discard them?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._dirty = False
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._dirty:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


def text_box(lines: int = 3) -> QPlainTextEdit:
    """A multi-line field about ``lines`` high where Tab moves on (Ctrl+Enter saves)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setMinimumHeight(height)
    box.setMaximumHeight(height * 2)
    return box


def _change_signal(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QDateTimeEdit | QAbstractSpinBox):
        return getattr(widget, "dateTimeChanged", None) or getattr(widget, "valueChanged", None)
    if isinstance(widget, QCheckBox | QAbstractButton):
        return widget.toggled
    if isinstance(widget, QTableWidget):
        return widget.itemChanged
    return getattr(widget, "changed", None)
