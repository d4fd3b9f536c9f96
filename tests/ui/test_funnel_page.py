"""漏斗与预测: the funnel of the signed-in person's accounts, an account manager entering,
saving and submitting a month's forecasts, refusals in plain Chinese, and the
industry manager's roll-up of the group — all read off the real widgets."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QSpinBox, QTableView, QTableWidget

from kamdesk.db.models import Staff
from kamdesk.domain.customers.funnel import ForecastPeriod, Stage
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.uow import write_session
from kamdesk.ui.main_window import PAGE_INDEX, MainWindow
from kamdesk.ui.pages.forecast_table import QUANTITY, STATE
from kamdesk.ui.pages.funnel import FunnelPage
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.tasks import TaskRunner
from tests.services.desk_support import Desk, add_account, make_desk
from tests.ui.conftest import Boxes, show_main_window

FUNNEL, MINE, ROLLUP = "销售漏斗", "我的需求预测", "预测汇总"


@pytest.fixture()
def desk(tmp_path: Path) -> Desk:
    return make_desk(tmp_path)


@pytest.fixture()
def services(desk: Desk) -> Services:
    return Services(desk.engine)


def open_page(qtbot: Any, services: Services, actor: Actor) -> FunnelPage:
    services.shell.sign_in(actor)
    page = FunnelPage(services)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()  # showing the page reads everything
    return page


def cells(table: QTableWidget | QTableView) -> list[list[str]]:
    model = table.model()
    return [
        [
            str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) or "")
            for c in range(model.columnCount())
        ]
        for r in range(model.rowCount())
    ]


def product_row(page: FunnelPage, code: str) -> int:
    return next(r for r, row in enumerate(cells(page.forecast_panel.table)) if row[0] == code)


def type_quantity(qtbot: Any, page: FunnelPage, code: str, keys: str) -> None:
    """Double-click the product's quantity cell, type ``keys`` and press Enter."""
    page.tabs.setCurrentWidget(page.forecast_panel)
    table = page.forecast_panel.table
    index = table.model().index(product_row(page, code), QUANTITY)
    table.scrollTo(index)
    centre = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    editor = table.indexWidget(index)
    assert isinstance(editor, QSpinBox)
    editor.selectAll()
    qtbot.keyClicks(editor, keys)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.indexWidget(index) is None)  # Enter commits, then closes


def shown_quantity(page: FunnelPage, code: str) -> str:
    return cells(page.forecast_panel.table)[product_row(page, code)][QUANTITY]


def shown_state(page: FunnelPage, code: str) -> str:
    return cells(page.forecast_panel.table)[product_row(page, code)][STATE]


def test_the_funnel_counts_the_opportunities_of_the_accounts_in_scope(
    qtbot: Any, desk: Desk, services: Services
) -> None:
    mine = add_account(desk, "杭州银行", owner=desk.am)
    theirs = add_account(desk, "IT客户", owner=desk.it_am, group="it")
    funnel = services.funnel
    funnel.create_opportunity(desk.am, mine, "专线扩容", expected_value=Decimal("10000.00"))
    funnel.create_opportunity(desk.am, mine, "云专线", expected_value=Decimal("2500.50"))
    deal = funnel.create_opportunity(desk.am, mine, "数据中心", expected_value=Decimal("120000"))
    for stage in (Stage.CREATED, Stage.ASSIGNED, Stage.RELATIONSHIP, Stage.NEGOTIATION):
        deal = funnel.move(desk.am, deal.id, stage)
    lost = funnel.create_opportunity(desk.am, mine, "视频会议", expected_value=Decimal("800"))
    funnel.move(desk.am, lost.id, Stage.LOST)
    funnel.create_opportunity(desk.it_am, theirs, "别人的商机", expected_value=Decimal("99"))

    page = open_page(qtbot, services, desk.am)
    assert page.tabs.currentWidget() is page.funnel_panel
    assert cells(page.funnel_panel.table) == [
        ["线索", "2", "¥12,500.50", "50.0%"],
        ["商机已创建", "0", "¥0.00", "0.0%"],
        ["已分配", "0", "¥0.00", "0.0%"],
        ["关系已建立", "0", "¥0.00", "0.0%"],
        ["谈判", "1", "¥120,000.00", "25.0%"],
        ["中标", "0", "¥0.00", "0.0%"],
        ["丢单", "1", "¥800.00", "25.0%"],
    ]
    summary = page.funnel_panel.summary.text()
    assert "4" in summary and "3" in summary and "¥132,500.50" in summary

    # The leader's funnel is the whole branch, the other manager's opportunity included.
    leader_page = open_page(qtbot, services, desk.leader)
    assert cells(leader_page.funnel_panel.table)[0][:3] == ["线索", "3", "¥12,599.50"]


def test_an_empty_funnel_says_where_opportunities_come_from(
    qtbot: Any, desk: Desk, services: Services
) -> None:
    page = open_page(qtbot, services, desk.am)
    assert [row[1] for row in cells(page.funnel_panel.table)] == ["0"] * 7
    assert "客户档案" in page.funnel_panel.summary.text()


def test_each_role_sees_only_its_parts(qtbot: Any, desk: Desk, services: Services) -> None:
    assert open_page(qtbot, services, desk.am).visible_tabs() == [FUNNEL, MINE]
    assert open_page(qtbot, services, desk.manager).visible_tabs() == [FUNNEL, MINE, ROLLUP]
    assert open_page(qtbot, services, desk.leader).visible_tabs() == [FUNNEL, ROLLUP]
    assert open_page(qtbot, services, desk.clerk).visible_tabs() == [FUNNEL]


def test_an_account_manager_enters_saves_and_submits_a_month(
    qtbot: Any, desk: Desk, services: Services, boxes: Boxes
) -> None:
    page = open_page(qtbot, services, desk.am)
    panel = page.forecast_panel
    page.tabs.setCurrentWidget(panel)
    assert panel.period_row.kind_box.currentText() == "月度"
    assert [row[0] for row in cells(panel.table)] == ["DIA", "MPLS"]  # the catalogue
    assert panel.state_label.text() == "本期尚未填报预测"
    assert not panel.save_button.isEnabled() and not panel.submit_button.isEnabled()

    type_quantity(qtbot, page, "DIA", "12")
    type_quantity(qtbot, page, "MPLS", "3")
    assert (shown_quantity(page, "DIA"), shown_quantity(page, "MPLS")) == ("12", "3")
    assert shown_state(page, "DIA") == "未保存"
    assert panel.state_label.text() == "2 项修改未保存"
    assert panel.save_button.isEnabled()

    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert (shown_state(page, "DIA"), shown_state(page, "MPLS")) == ("未提交", "未提交")
    assert panel.state_label.text() == "未提交（2 项）"
    assert not panel.save_button.isEnabled() and panel.submit_button.isEnabled()

    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert panel.state_label.text().startswith("已提交 ")
    assert (shown_state(page, "DIA"), shown_state(page, "MPLS")) == ("已提交", "已提交")
    assert not panel.submit_button.isEnabled()
    assert boxes.shown == []

    # Shown again later, the page reads the stored numbers back.
    page.hide()
    page.show()
    assert (shown_quantity(page, "DIA"), shown_quantity(page, "MPLS")) == ("12", "3")
    assert panel.state_label.text().startswith("已提交 ")

    # A change after submitting needs a new submit.
    type_quantity(qtbot, page, "DIA", "15")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.state_label.text() == "未提交（1 项）"
    assert shown_state(page, "MPLS") == "已提交"


def test_a_quarter_is_another_forecast_and_starts_on_a_quarter(
    qtbot: Any, desk: Desk, services: Services
) -> None:
    page = open_page(qtbot, services, desk.am)
    panel = page.forecast_panel
    type_quantity(qtbot, page, "DIA", "7")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    panel.period_row.kind_box.setCurrentIndex(panel.period_row.kind_box.findText("季度"))
    assert "季度" in panel.period_row.start_box.currentText()
    assert all(
        "第" in panel.period_row.start_box.itemText(i)
        for i in range(panel.period_row.start_box.count())
    )
    assert shown_quantity(page, "DIA") == ""  # the month's figure is not the quarter's
    type_quantity(qtbot, page, "DIA", "30")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    [stored] = services.funnel.my_forecasts(
        desk.am,
        ForecastPeriod.QUARTERLY,
        panel.period_row.start(),
        panel.period_row.start(),
    )
    assert stored.quantity == 30


def test_a_negative_quantity_cannot_be_typed(qtbot: Any, desk: Desk, services: Services) -> None:
    page = open_page(qtbot, services, desk.am)
    type_quantity(qtbot, page, "DIA", "-5")  # the minus sign is not taken
    assert shown_quantity(page, "DIA") == "5"
    assert page.forecast_panel.state_label.text() == "1 项修改未保存"


def test_a_refused_save_says_why_and_keeps_the_typed_quantity(
    qtbot: Any, desk: Desk, services: Services, boxes: Boxes
) -> None:
    page = open_page(qtbot, services, desk.am)
    panel = page.forecast_panel
    type_quantity(qtbot, page, "DIA", "12")
    with write_session(desk.engine) as s:  # meanwhile the person became a clerk
        staff = s.get(Staff, desk.am.staff_id)
        assert staff is not None
        staff.role = "clerk"

    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    [(kind, title, text)] = boxes.shown
    assert kind == "warning" and title == "保存预测"
    assert text == "只有客户经理和行业经理可以填报需求预测"
    assert shown_quantity(page, "DIA") == "12"
    assert shown_state(page, "DIA") == "未保存"
    assert panel.state_label.text() == "1 项修改未保存"

    # Shown again, the page follows the new role: no forecast part any more.
    page.hide()
    page.show()
    assert page.visible_tabs() == [FUNNEL]


def test_the_industry_manager_sees_the_groups_numbers_in_the_roll_up(
    qtbot: Any, desk: Desk, services: Services
) -> None:
    am_page = open_page(qtbot, services, desk.am)
    panel = am_page.forecast_panel
    month_label = panel.period_row.start_box.currentText()
    type_quantity(qtbot, am_page, "DIA", "12")
    type_quantity(qtbot, am_page, "MPLS", "3")
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)  # saves, then submits
    assert panel.state_label.text().startswith("已提交 ")
    month = panel.period_row.start()
    dia, mpls = desk.products["DIA"], desk.products["MPLS"]
    services.funnel.enter_forecast(desk.other_am, dia, ForecastPeriod.MONTHLY, month, 4)
    services.funnel.enter_forecast(desk.it_am, dia, ForecastPeriod.MONTHLY, month, 70)  # IT
    services.funnel.enter_forecast(desk.it_am, mpls, ForecastPeriod.MONTHLY, month, 70)

    page = open_page(qtbot, services, desk.manager)
    page.tabs.setCurrentWidget(page.rollup_panel)
    table = page.rollup_panel.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[0] == "产品" and headers[1] == month_label and headers[-1] == "合计"
    assert len(headers) == 5  # three months side by side
    rows = cells(table)
    assert rows[0][:3] == ["互联网专线（DIA）", "16", "—"]
    assert rows[1][:3] == ["MPLS VPN（MPLS）", "3", "—"]
    assert rows[-1][0] == "合计" and rows[-1][1] == "19" and rows[-1][-1] == "19"
    assert "本组" in page.rollup_panel.caption.text()
    assert not page.rollup_panel.empty_label.isVisible()

    # The next months have no forecast yet: starting there leaves the table empty.
    row = page.rollup_panel.period_row
    row.start_box.setCurrentIndex(row.start_box.currentIndex() + 3)
    assert cells(table) == []
    assert page.rollup_panel.empty_label.isVisible()


@pytest.fixture()
def main_window(
    qtbot: Any, services: Services, runner: TaskRunner, prefs: Preferences, tmp_path: Path
) -> Callable[[Actor], MainWindow]:
    """The main window as ``actor`` sees it, its start-up tasks done."""

    def show(actor: Actor) -> MainWindow:
        services.shell.sign_in(actor)
        window = show_main_window(qtbot, services, runner, prefs, tmp_path)
        qtbot.waitUntil(lambda: not runner.active_tasks(), timeout=5000)
        return window

    return show


def test_the_page_sits_between_work_orders_and_reports(
    qtbot: Any, desk: Desk, main_window: Callable[[Actor], MainWindow]
) -> None:
    window = main_window(desk.manager)
    funnel = PAGE_INDEX["funnel"]
    assert PAGE_INDEX["workorders"] < funnel < PAGE_INDEX["reports"]
    assert window.navigation.item(funnel).text() == "漏斗与预测"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == funnel
    page = window.funnel_page
    assert page.header.title_label.text() == "漏斗与预测"
    assert page.visible_tabs() == [FUNNEL, MINE, ROLLUP]


def test_closing_the_window_asks_before_unsaved_forecasts_are_dropped(
    qtbot: Any, desk: Desk, main_window: Callable[[Actor], MainWindow], boxes: Boxes
) -> None:
    window = main_window(desk.am)
    window.show_page(PAGE_INDEX["funnel"])
    page = window.funnel_page
    type_quantity(qtbot, page, "DIA", "12")

    boxes.answer = QMessageBox.StandardButton.No
    assert not window.close()  # kept: the typed quantity is still there to save
    assert window.isVisible() and shown_quantity(page, "DIA") == "12"
    assert page.tabs.currentWidget() is page.forecast_panel
    assert any(kind == "question" and "未保存" in title for kind, title, _ in boxes.shown)

    boxes.answer = QMessageBox.StandardButton.Yes
    assert window.close()
