"""Parts of the settings-style forms (设置, HQ registration): a form whose labels stand
right-aligned beside growing fields, wrapped messages under a field that take no room
while empty, and a field stacked with its messages in one form cell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget


def settings_form() -> QFormLayout:
    """A form with right-aligned labels and fields that take the width there is."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return form


def message_label(style: str, *, hidden: bool = False) -> QLabel:
    """A wrapped message in ``style`` (a note or an error); ``hidden`` until it has
    something to say (see :func:`set_message`)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style)
    if hidden:
        label.setVisible(False)
    return label


def set_message(label: QLabel, text: str) -> None:
    """Show ``text`` under a field; an empty message takes no room."""
    label.setText(text)
    label.setVisible(bool(text))


def stack(*items: QWidget | QLayout, expanding: bool = False) -> QWidget:
    """``items`` one under the other, 4 px apart, without margins; ``expanding``: the
    box takes all the width its form cell offers."""
    box = QWidget()
    if expanding:
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for item in items:
        if isinstance(item, QWidget):
            layout.addWidget(item)
        else:
            layout.addLayout(item)
    return box
