"""The main window on a real database: navigation, status bar, pages, remembered layout."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from kamdesk import i18n
from kamdesk.domain.progress import check_cancel
from kamdesk.domain.workorders.vocabulary import ROLE_LABELS, Role
from kamdesk.i18n import tr
from kamdesk.ui.main_window import PAGE_INDEX, PAGES, MainWindow
from kamdesk.ui.page_header import PageHeader
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.tasks import Lane
from tests.ui.conftest import Seeded

NAV_ZH = ["我的工作台", "客户档案", "工单", "漏斗与预测", "报表", "同步", "设置"]


def nav_texts(window: MainWindow) -> list[str]:
    return [window.navigation.item(i).text() for i in range(window.navigation.count())]


def click_nav(qtbot: Any, window: MainWindow, row: int) -> None:
    nav = window.navigation
    rect = nav.visualItemRect(nav.item(row))
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_window_opens_in_chinese_with_every_page(make_window, seeded: Seeded):
    window = make_window()
    assert nav_texts(window) == NAV_ZH
    assert window.current_page() == PAGE_INDEX["home"]
    assert window.home_page.header.title_label.text() == "我的工作台"
    assert all(not window.navigation.item(i).icon().isNull() for i in range(len(NAV_ZH)))


def test_clicking_the_navigation_switches_and_highlights_the_page(qtbot, make_window, seeded):
    window = make_window()
    click_nav(qtbot, window, PAGE_INDEX["workorders"])
    assert window.current_page() == PAGE_INDEX["workorders"]
    assert window.navigation.currentRow() == PAGE_INDEX["workorders"]
    assert window.navigation.item(PAGE_INDEX["workorders"]).isSelected()
    assert window.stack.currentWidget().header.title_label.text() == "工单"


def test_ctrl_number_switches_pages(qtbot, make_window, seeded):
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == PAGE_INDEX["customers"]
    assert window.navigation.currentRow() == PAGE_INDEX["customers"]
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == PAGE_INDEX["funnel"]
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == PAGE_INDEX["settings"]


def test_arrow_keys_move_through_the_navigation(qtbot, make_window, seeded):
    window = make_window()
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    assert window.current_page() == 1


def test_status_bar_shows_user_branch_and_sync_state_from_the_database(
    make_window, seeded: Seeded, db_path
):
    window = make_window()
    bar = window.status_bar
    assert "李强" in bar.user_label.text()  # the active leader; the admin is inactive
    role = tr(ROLE_LABELS[Role.LEADER])
    assert role != "department leader" and role in bar.user_label.text()
    assert "南京分公司" in bar.branch_label.text()
    assert seeded.last_sync_local in bar.sync_label.text()
    assert str(seeded.pending) in bar.pending_label.text()
    assert str(seeded.conflicts) in bar.conflicts_button.text()
    assert bar.conflicts_button.isEnabled()
    assert str(db_path) in bar.database_label.toolTip()
    assert str(db_path) in bar.toolTip()


def test_a_database_that_never_synced_says_so(make_window, engine):
    window = make_window()
    assert window.status_bar.sync_label.text() == "从未同步"
    assert not window.status_bar.conflicts_button.isEnabled()


def test_clicking_the_conflicts_count_opens_the_sync_page(qtbot, make_window, seeded):
    window = make_window()
    qtbot.mouseClick(window.status_bar.conflicts_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == PAGE_INDEX["sync"]


def test_home_page_shows_the_real_counts(make_window, seeded: Seeded):
    window = make_window()
    assert window.home_page.customers_tile.value_label.text() == f"{seeded.customers:,}"
    assert window.home_page.orders_tile.value_label.text() == f"{seeded.work_orders:,}"
    assert not window.home_page.empty_box.isVisibleTo(window.home_page)


def test_an_empty_database_offers_demo_data_on_the_home_page(make_window, engine):
    window = make_window(demo_builder=lambda request, progress, cancel: "")
    assert window.home_page.customers_tile.value_label.text() == "0"
    assert window.home_page.empty_box.isVisibleTo(window.home_page)


def test_every_page_is_built(make_window, seeded):
    window = make_window()
    for entry in PAGES:
        page = window.stack.widget(PAGE_INDEX[entry.key])
        assert page.findChildren(PageHeader), entry.key
    assert window.stack.widget(PAGE_INDEX["customers"]) is window.customers_page
    assert window.stack.widget(PAGE_INDEX["workorders"]) is window.orders_page
    assert window.stack.widget(PAGE_INDEX["funnel"]) is window.funnel_page
    assert window.stack.widget(PAGE_INDEX["reports"]) is window.reports_page


def test_ctrl_f_on_a_page_without_search_changes_nothing(qtbot, make_window, seeded):
    window = make_window()
    window.show_page(PAGE_INDEX["customers"])
    window.navigation.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == PAGE_INDEX["customers"]


def test_geometry_and_page_are_remembered_between_runs(qtbot, make_window, seeded):
    first = make_window()
    width = first.minimumSizeHint().width() + 20  # the offscreen screen is only 800 wide
    first.resize(width, 470)
    first.move(QPoint(40, 30))
    first.show_page(PAGE_INDEX["settings"])  # a page that starts no background work
    first.close()

    second = make_window()
    assert (second.width(), second.height()) == (width, 470)
    assert second.current_page() == PAGE_INDEX["settings"]


def test_page_index_from_a_damaged_setting_falls_back_to_home(make_window, prefs: Preferences):
    prefs.store.setValue("window/page", "not a number")
    assert make_window().current_page() == 0


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_window_fits_a_1366_screen_at_150_percent(make_window, seeded, language):
    i18n.set_language(language)
    window = make_window()
    for i in range(len(PAGES)):
        window.show_page(i)
        assert window.minimumSizeHint().width() <= 1366 / 1.5, PAGES[i].key
        assert window.minimumSizeHint().height() <= 768 / 1.5 - 40, PAGES[i].key  # taskbar


def test_a_page_with_search_focuses_its_field_on_ctrl_f(qtbot):
    with_search = PageHeader("客户档案", search_placeholder="名称、拼音或信用代码")
    without = PageHeader("报表")
    qtbot.addWidget(with_search)
    qtbot.addWidget(without)
    with_search.show()
    assert with_search.search_field is not None
    assert with_search.search_field.placeholderText() == "名称、拼音或信用代码"
    with qtbot.waitSignal(with_search.search_changed) as typed:
        with_search.search_field.setText("华为")
    assert typed.args == ["华为"]
    assert with_search.focus_search() is True
    assert without.focus_search() is False


def test_closing_during_visible_work_asks_first_and_cancels_on_yes(
    qtbot, make_window, seeded, runner, boxes
):
    window = make_window()
    release = threading.Event()

    def work(progress, cancel):
        while not cancel() and not release.is_set():
            time.sleep(0.01)
        check_cancel(cancel)

    handle = runner.run(work, title="生成演示数据", lane=Lane.WRITE)
    boxes.answer = QMessageBox.StandardButton.No
    window.close()
    assert window.isVisible()  # the user said no: nothing happens
    assert not handle.cancel_requested()
    assert "生成演示数据" in boxes.shown[-1][2]

    boxes.answer = QMessageBox.StandardButton.Yes
    window.close()
    assert not window.isVisible()
    assert handle.cancel_requested()
    qtbot.waitUntil(lambda: handle.is_done, timeout=5000)
    release.set()


def test_a_read_finishing_after_its_page_was_deleted_is_dropped(qtbot, make_window, seeded):
    import shiboken6

    window = make_window()
    home = window.home_page
    handle = window.refresh_my_day()
    shiboken6.delete(home)  # as when the window goes away while the read runs
    qtbot.waitUntil(lambda: handle.is_done, timeout=10_000)
    qtbot.wait(50)  # the answer is delivered and dropped: no "already deleted" error
