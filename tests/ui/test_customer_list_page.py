"""The customer list page driven like a user: type, filter, sort, move, open."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session

from kamdesk import i18n
from kamdesk.db.models import Customer
from kamdesk.domain.customers.classification import Grade
from kamdesk.services.container import Services
from kamdesk.services.customer_list import CustomerListService, SortKey
from kamdesk.ui.customers.list_model import COLUMNS, PAGE_SIZE, CustomerListModel
from kamdesk.ui.customers.list_page import CustomersPage
from kamdesk.ui.main_window import PAGE_INDEX
from kamdesk.ui.tasks import TaskRunner
from tests.customer_list_samples import TODAY, Sample, at, build

EXTRA = 2 * PAGE_SIZE + 37  # three pages and a bit


@pytest.fixture()
def sample(engine: sa.Engine) -> Sample:
    return build(engine)


@pytest.fixture()
def many(engine: sa.Engine, sample: Sample) -> int:
    """EXTRA more accounts named 测试客户000… (测 sorts between 杭 and 浙)."""
    with Session(engine) as s, s.begin():
        branch_id = s.execute(sa.select(Customer.branch_id).limit(1)).scalar_one()
        for i in range(EXTRA):
            s.add(
                Customer(
                    branch_id=branch_id,
                    name=f"测试客户{i:03d}",
                    name_key=f"测试客户{i:03d}",
                    credit_code=f"91330100TEST{i:06d}",
                    category="local_key",
                    level="local",
                    grade="C",
                    opened_at=at("2026-01-01"),
                )
            )
    return 4 + EXTRA


@pytest.fixture()
def services(engine: sa.Engine) -> Services:
    services = Services(engine)
    services.customer_list = CustomerListService(engine, today=lambda: TODAY)  # type: ignore[misc]
    return services


@pytest.fixture()
def page(qtbot: Any, services: Services, runner: TaskRunner, sample: Sample) -> CustomersPage:
    page = CustomersPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    with qtbot.waitSignal(page.model.snapshot_shown, timeout=5000):
        page.show()
    return page


def answered(qtbot: Any, page: CustomersPage, action: Any) -> None:
    """Do ``action`` and wait until the model shows the answer to it."""
    with qtbot.waitSignal(page.model.snapshot_shown, timeout=5000):
        action()


def shown_ids(page: CustomersPage) -> list[str]:
    return [page.model.customer_id(r) or "" for r in range(page.model.rowCount())]


def test_the_model_passes_qt_model_tester(
    qtbot: Any, qtmodeltester: Any, services: Services, runner: TaskRunner, many: int
) -> None:
    model = CustomerListModel(services.customer_list, runner)
    with qtbot.waitSignal(model.snapshot_shown, timeout=5000):
        model.set_query(model.query)
    assert model.rowCount() == many
    qtmodeltester.check(model, force_py=True)


def test_count_is_true_and_shown(qtbot: Any, page: CustomersPage, sample: Sample) -> None:
    assert page.model.rowCount() == 4
    i18n.set_language("en")
    answered(qtbot, page, page.model.refresh)
    assert page.count_label.text() == "4 accounts"
    assert page.model.data(page.model.index(0, 0)) == "中国电信股份有限公司杭州分公司"


def test_typing_searches_after_a_pause(qtbot: Any, page: CustomersPage, sample: Sample) -> None:
    answered(qtbot, page, lambda: qtbot.keyClicks(page.search_field, "zgdx"))
    assert shown_ids(page) == [sample.telecom]
    answered(qtbot, page, lambda: page.search_field.setText("张伟"))
    assert shown_ids(page) == [sample.mobile]
    answered(qtbot, page, lambda: page.search_field.setText("没有这个客户"))
    assert page.model.rowCount() == 0
    assert page.empty_label.isVisibleTo(page)
    answered(qtbot, page, page.search_field.clear)
    assert page.model.rowCount() == 4
    assert not page.empty_label.isVisibleTo(page)


def test_filters_narrow_the_list(qtbot: Any, page: CustomersPage, sample: Sample) -> None:
    grade = page.combos["grade"]
    answered(qtbot, page, lambda: grade.setCurrentIndex(grade.findData(Grade.A)))
    assert sorted(shown_ids(page)) == sorted([sample.telecom, sample.bureau])
    owner = page.combos["owner_id"]
    qtbot.waitUntil(lambda: owner.findData(sample.li) >= 0, timeout=5000)
    answered(qtbot, page, lambda: owner.setCurrentIndex(owner.findData(sample.wang)))
    assert sorted(shown_ids(page)) == sorted([sample.telecom, sample.bureau])
    answered(qtbot, page, lambda: page.search_field.setText("教育"))
    assert shown_ids(page) == [sample.bureau]


def test_header_click_sorts_in_sql(qtbot: Any, page: CustomersPage, sample: Sample) -> None:
    spend = [key for _, key in COLUMNS].index(SortKey.MONTHLY_SPEND)
    answered(qtbot, page, lambda: page.table.sortByColumn(spend, Qt.SortOrder.DescendingOrder))
    assert page.model.query.sort is SortKey.MONTHLY_SPEND
    assert shown_ids(page) == [sample.alibaba, sample.telecom, sample.mobile, sample.bureau]
    assert page.model.data(page.model.index(0, spend)) == "¥250,000.00"


def test_enter_and_double_click_open_the_row(
    qtbot: Any, page: CustomersPage, sample: Sample
) -> None:
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # arrows move
    assert page.table.currentIndex().row() == 1
    with qtbot.waitSignal(page.customer_opened, timeout=1000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [page.model.customer_id(1)]
    assert opened.args == [sample.bureau]  # 杭州市教育局 is second by name

    rect = page.table.visualRect(page.model.index(2, 0))
    viewport = page.table.viewport()
    with qtbot.waitSignal(page.customer_opened, timeout=1000) as opened:
        # A real double-click is a press, a release, then the double-click event.
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [sample.mobile]


def test_down_and_enter_from_the_search_field(
    qtbot: Any, page: CustomersPage, sample: Sample
) -> None:
    answered(qtbot, page, lambda: page.search_field.setText("教育"))  # keyClicks: ASCII only
    with qtbot.waitSignal(page.customer_opened, timeout=1000) as opened:
        qtbot.keyClick(page.search_field, Qt.Key.Key_Return)
    assert opened.args == [sample.bureau]
    page.search_field.setFocus()
    qtbot.keyClick(page.search_field, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 0


def test_jump_to_the_last_row_reads_only_its_page(
    qtbot: Any, page: CustomersPage, many: int, services: Services
) -> None:
    answered(qtbot, page, page.model.refresh)
    assert page.model.rowCount() == many
    reads: list[int] = []
    real_rows = services.customer_list.rows

    def counting_rows(ids: Any, **kw: Any) -> Any:
        reads.append(len(ids))
        return real_rows(ids, **kw)

    services.customer_list.rows = counting_rows  # type: ignore[method-assign]
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = many - 1
    assert page.table.currentIndex().row() == last
    assert page.model.data(page.model.index(last, 0)) == "阿里巴巴（中国）有限公司"  # 测 < 阿
    assert reads and set(reads) == {many % PAGE_SIZE}  # the last, partial page only


def test_ctrl_f_in_the_window_focuses_the_search_and_opening_reaches_the_window(
    qtbot: Any, make_window: Any, sample: Sample
) -> None:
    window = make_window()
    window.show_page(PAGE_INDEX["customers"])
    customers = window.customers_page
    qtbot.waitUntil(lambda: customers.model.rowCount() == 4, timeout=5000)
    window.activateWindow()
    customers.table.setFocus()
    qtbot.keyClick(customers.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is customers.search_field
    with qtbot.waitSignal(window.customer_requested, timeout=1000) as requested:
        customers.open_row(0)
    assert requested.args == [customers.model.customer_id(0)]


def test_ctrl_n_on_the_customers_page_opens_the_file_of_a_new_account(
    qtbot: Any, make_window: Any, seeded: Any
) -> None:
    window = make_window()
    window.show_page(PAGE_INDEX["customers"])
    qtbot.keyClick(window.customers_page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.customer_files.windows) == 1, timeout=3000)
    [file_window] = window.customer_files.windows
    assert file_window.context.customer_id is None
    file_window.close()
