"""Settings: remembered between runs, validated as the user types, language switches everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kamdesk.i18n import current_language
from kamdesk.ui.main_window import PAGE_INDEX, PAGES
from kamdesk.ui.preferences import Preferences, hq_url_problem


def settings_of(window):
    window.show_page(PAGE_INDEX["settings"])
    return window.settings_page


def test_database_file_and_hq_address_are_saved_and_read_back_next_run(
    qtbot, make_window, engine, tmp_path: Path, temporary_settings: Path
):
    page = settings_of(make_window())
    chosen = tmp_path / "其他" / "分公司.sqlite"
    assert not page.save_button.isEnabled()  # nothing changed yet, and it says so
    assert page.save_reason.text() == page.save_button.toolTip() != ""

    page.db_edit.setText(str(chosen))
    page.hq_edit.setText("https://hq.example.cn:8443/api")
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)

    again = Preferences()  # a new run reads the same store
    assert again.database_path == chosen
    assert again.hq_url == "https://hq.example.cn:8443/api"
    assert list(temporary_settings.rglob("*.ini"))  # really written to the INI folder
    assert not page.save_button.isEnabled()


def test_an_invalid_hq_address_is_explained_under_the_field_and_blocks_saving(
    qtbot, make_window, engine
):
    page = settings_of(make_window())
    page.hq_edit.setFocus()
    qtbot.keyClicks(page.hq_edit, "hq.example.cn")
    assert not page.save_button.isEnabled()
    assert page.save_reason.text() != ""
    page.hq_edit.editingFinished.emit()  # the user leaves the field
    assert "https://" in page.hq_problem.text()

    page.hq_edit.setText("https://hq.example.cn")
    assert page.hq_problem.text() == ""
    assert page.save_button.isEnabled()


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("", True),
        ("https://hq.example.cn", True),
        ("http://10.1.2.3:8080/kamdesk", True),
        ("hq.example.cn", False),
        ("ftp://hq.example.cn", False),
        ("https://", False),
        ("https://hq example.cn", False),
        ("https://hq.example.cn:99999", False),
    ],
)
def test_hq_address_rules(text: str, ok: bool):
    assert (hq_url_problem(text) is None) is ok


def test_a_relative_database_path_is_refused(make_window, engine):
    page = settings_of(make_window())
    page.db_edit.setText("kamdesk.sqlite")
    page.db_edit.editingFinished.emit()
    assert page.db_problem.text() != ""
    assert not page.save_button.isEnabled()


def test_the_page_says_a_new_database_takes_effect_on_restart(make_window, engine):
    page = settings_of(make_window())
    texts = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "下次启动" in texts


def test_switching_to_english_rebuilds_every_string_and_is_remembered(
    qtbot, make_window, seeded, prefs: Preferences
):
    window = make_window()
    page = settings_of(window)
    chinese_buttons = {b.text() for b in window.findChildren(QPushButton) if b.text()}

    page.language_combo.setCurrentIndex(page.language_combo.findData("en"))
    with qtbot.waitSignal(window.rebuilt, timeout=3000):
        page.language_combo.activated.emit(page.language_combo.currentIndex())
    qtbot.waitUntil(lambda: "Branch" in window.status_bar.branch_label.text(), timeout=3000)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old widgets go

    assert current_language() == "en"
    assert Preferences().language == "en"
    nav = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert nav == [entry.label for entry in PAGES]
    assert window.current_page() == PAGE_INDEX["settings"]  # the user stays where they were
    assert window.settings_page.header.title_label.text() == "Settings"
    english_buttons = {b.text() for b in window.findChildren(QPushButton) if b.text()}
    assert not english_buttons & chinese_buttons
    assert "Changes to upload" in window.status_bar.pending_label.text()
    data = ("南京分公司", "李强")  # names from the database stay as they are
    for label in window.findChildren(QLabel):
        text = label.text()
        for value in data:
            text = text.replace(value, "")
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), label.text()

    page = window.settings_page
    page.language_combo.setCurrentIndex(page.language_combo.findData("zh_CN"))
    with qtbot.waitSignal(window.rebuilt, timeout=3000):
        page.language_combo.activated.emit(page.language_combo.currentIndex())
    assert window.navigation.item(0).text() == "我的工作台"
    assert Preferences().language == "zh_CN"
