"""The 帮助 (Help) menu: 键盘快捷键 lists every shortcut the window really has.

The list is read from the window at the moment it is opened — the actions of the
window and of every widget in it, and its ``QShortcut`` objects — so it never drifts
from the code. Shortcuts are shown as the platform writes them (Ctrl+F).
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import tr


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(what it does, keys) for every enabled shortcut in ``window``, sorted by keys."""
    rows: dict[tuple[str, str], None] = {}
    widgets = [window, *window.findChildren(QWidget)]
    for widget in widgets:
        for action in widget.actions():
            _add(rows, action.text() or action.toolTip(), action.shortcuts(), action.isEnabled())
    for shortcut in window.findChildren(QShortcut):
        what = shortcut.whatsThis() or shortcut.objectName()
        _add(rows, what, [shortcut.key()], shortcut.isEnabled())
    return sorted(rows, key=lambda row: (len(row[1]), row[1], row[0]))


def _add(
    rows: dict[tuple[str, str], None], text: str, keys: list[QKeySequence], enabled: bool
) -> None:
    # "键盘快捷键(&K)" and "&Keyboard shortcuts" both show as the plain name
    label = re.sub(r"\(&\w\)", "", text).replace("&&", "\0").replace("&", "")
    label = label.replace("\0", "&").strip()
    for key in keys:
        shown = key.toString(QKeySequence.SequenceFormat.NativeText)
        if enabled and label and shown:
            rows[(label, shown)] = None


class ShortcutsDialog(QDialog):
    """A two-column table: action, keys."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        self.table = QTableWidget(len(rows), 2)
        self.table.setAccessibleName(tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([tr("Action"), tr("Keys")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r, (label, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(label))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(420, 460)


def install_help_menu(window: QMainWindow) -> QAction:
    """(Re)build the window's 帮助 menu; returns its 键盘快捷键 action (F1)."""
    bar = window.menuBar()
    for old in bar.findChildren(QMenu):  # a rebuild in another language
        old.deleteLater()
    bar.clear()
    bar.setAccessibleName(tr("Menu bar"))
    menu = bar.addMenu(tr("&Help"))
    action = QAction(tr("&Keyboard shortcuts"), menu)
    action.setShortcut(QKeySequence(Qt.Key.Key_F1))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda: show_shortcuts(window))
    menu.addAction(action)
    return action


def show_shortcuts(window: QWidget) -> ShortcutsDialog:
    """Open the shortcut list over ``window`` (non-blocking; deleted when closed)."""
    dialog = ShortcutsDialog(shortcut_rows(window), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
