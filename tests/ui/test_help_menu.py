"""帮助 → 键盘快捷键 lists the window's real shortcuts; main controls carry accessible names."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMenu

from kamdesk.i18n import tr
from kamdesk.ui.help_menu import ShortcutsDialog
from kamdesk.ui.main_window import PAGES


def _rows(dialog: ShortcutsDialog) -> set[tuple[str, str]]:
    table = dialog.table
    return {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}


def test_help_menu_lists_the_shortcuts_of_the_window(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert [m.title() for m in menus] == [tr("&Help")]

    window.help_action.trigger()

    dialogs = [w for w in window.findChildren(ShortcutsDialog) if w.isVisible()]
    assert len(dialogs) == 1
    rows = _rows(dialogs[0])
    assert (tr(PAGES[0].label), "Ctrl+1") in rows
    assert (tr(PAGES[-1].label), f"Ctrl+{len(PAGES)}") in rows
    assert (tr("Search"), "Ctrl+F") in rows
    assert (tr("Keyboard shortcuts"), "F1") in rows
    dialogs[0].close()


def test_a_rebuild_keeps_one_help_menu(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.rebuild()
    qtbot.waitUntil(lambda: len(window.menuBar().findChildren(QMenu)) == 1)
    assert window.menuBar().actions()[0].menu().title() == tr("&Help")


def test_main_controls_have_accessible_names(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    for widget in (window.navigation, window.stack, window.status_bar, window.menuBar()):
        assert widget.accessibleName().strip()
