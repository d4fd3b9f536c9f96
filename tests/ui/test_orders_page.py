"""The orders page on a demo branch: the paged model, lists, search, and the order
window's attachments (dropped files) and deadline explanation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from kamdesk.domain.workorders.vocabulary import Role, State
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.workorders import OrderQuery, OrderScope
from kamdesk.ui.workorders import orders_model
from kamdesk.ui.workorders.orders_page import OrdersPage


@pytest.fixture()
def services(engine: sa.Engine) -> Services:
    generate_demo(engine, DemoSpec(accounts=10, orders=60, seed=5, workers=0))
    return Services(engine)


def first_actor(services: Services, role: Role) -> Actor:
    with services.engine.connect() as c:
        row = c.execute(
            sa.text(
                "SELECT id, name, role, branch_id, industry_group_id, workstation_id FROM staff "
                "WHERE role = :r ORDER BY id LIMIT 1"
            ),
            {"r": role.value},
        ).one()
    return Actor(*row)


def test_the_model_pages_through_every_order_once(qtbot, qtmodeltester, services, monkeypatch):
    monkeypatch.setattr(orders_model, "PAGE_SIZE", 7)
    page = OrdersPage(services, actor=first_actor(services, Role.CLERK))
    qtbot.addWidget(page)
    page.show_list(OrderScope.ALL)
    model = page.model
    total = services.work_orders.count(page.actor, OrderQuery())
    assert total > 20 and model.rowCount() == total
    assert f"{total:,}" in page.count_label.text()
    ids = [model.order_id(row) for row in range(model.rowCount())]
    assert len(set(ids)) == total and None not in ids
    qtmodeltester.check(model)


def test_sorting_and_filters_run_in_the_query(qtbot, services):
    page = OrdersPage(services, actor=first_actor(services, Role.CLERK))
    qtbot.addWidget(page)
    page.show_list(OrderScope.ALL)
    model = page.model
    model.sort(0, Qt.SortOrder.AscendingOrder)
    numbers = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert numbers == sorted(numbers)
    page.state_filter.setCurrentIndex(page.state_filter.findData(State.ARCHIVED.value))
    archived = model.rowCount()
    assert 0 < archived < len(numbers)
    assert {model.data(model.index(r, 3)) for r in range(archived)} == {
        page.state_filter.currentText()
    }
    page.state_filter.setCurrentIndex(0)
    assert page.header.search_field is not None
    page.header.search_field.setText(numbers[0])
    page.apply_filters()  # what the search timer does after typing stops
    assert model.rowCount() == 1 and model.data(model.index(0, 0)) == numbers[0]


def test_a_dropped_file_becomes_an_attachment_once(qtbot, services, tmp_path: Path):
    clerk = first_actor(services, Role.CLERK)
    page = OrdersPage(services, actor=clerk)
    qtbot.addWidget(page)
    page.show_list(OrderScope.ALL)
    page.state_filter.setCurrentIndex(page.state_filter.findData(State.DISPATCHED.value))
    assert page.model.rowCount() > 0
    window = page.open_order(page.model.order_id(0) or "")
    assert window is not None
    qtbot.addWidget(window)
    before = len(window.detail.attachments)
    scan = tmp_path / "现场照片.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0 a small photo")
    for _ in range(2):
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(scan))])
        drop = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            data,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        window.attachments.dropEvent(drop)
    assert len(window.detail.attachments) == before + 1
    assert "现场照片.jpg" in window.attachments.filenames()


def test_the_deadline_is_explained_line_by_line(qtbot, services):
    page = OrdersPage(services, actor=first_actor(services, Role.CLERK))
    qtbot.addWidget(page)
    page.show_list(OrderScope.ALL)
    page.state_filter.setCurrentIndex(page.state_filter.findData(State.DISPATCHED.value))
    window = page.open_order(page.model.order_id(0) or "")
    assert window is not None
    qtbot.addWidget(window)
    assert not window.deadline.trace.isVisible()
    qtbot.mouseClick(window.deadline.explain_button, Qt.MouseButton.LeftButton)
    assert window.deadline.trace.isVisible()
    assert window.deadline.trace_lines() == list(window.detail.deadline.trace)
    assert window.deadline.status_tag.text() == window.detail.deadline.status_label


def test_a_restored_fault_order_shows_its_repair_clock(qtbot, services):
    with services.engine.connect() as c:
        order_id, reported, restored = c.execute(
            sa.text(
                "SELECT id, reported_at, restored_at FROM work_orders "
                "WHERE kind = 'fault' AND restored_at IS NOT NULL ORDER BY id LIMIT 1"
            )
        ).one()
    page = OrdersPage(services, actor=first_actor(services, Role.CLERK))
    qtbot.addWidget(page)
    window = page.open_order(order_id)
    assert window is not None
    qtbot.addWidget(window)
    shown = {
        window.summary_form.itemAt(row, window.summary_form.ItemRole.LabelRole)
        .widget()
        .text(): window.summary_form.itemAt(row, window.summary_form.ItemRole.FieldRole)
        .widget()
        .text()
        for row in range(window.summary_form.rowCount())
    }
    minutes = int(
        (datetime.fromisoformat(restored) - datetime.fromisoformat(reported)).total_seconds() // 60
    )
    assert shown["修复历时"] == f"{minutes // 60} 小时 {minutes % 60} 分钟"
    assert shown["故障申告时间"] and shown["业务恢复时间"]
