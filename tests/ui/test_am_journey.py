"""An account manager's morning on a demo database, through the real main window: find an
overdue account by name fragment, credit code and pinyin initials, open it, add a key
person (a bad mobile refused, a good one saved), record a visit, and see the account
leave 我的一天's overdue visits.

``KAMDESK_JOURNEY_DB=path`` runs it on an existing demo database (a copy is used), e.g.
the 100k/1M benchmark dataset; by default a small demo is generated.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import Qt

from kamdesk.db.models import Customer, Staff
from kamdesk.db.startup import open_database
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.my_day import Section
from kamdesk.ui.customers.list_page import CustomersPage
from kamdesk.ui.main_window import PAGES
from kamdesk.ui.pages.my_day import CUSTOMER_ROLE
from kamdesk.ui.tasks import TaskRunner
from tests.ui.conftest import show_main_window
from tests.ui.test_customer_file_window import settle, type_text


def _database(tmp_path: Path) -> Path:
    given = os.environ.get("KAMDESK_JOURNEY_DB")
    path = tmp_path / "journey.sqlite"
    if given:
        shutil.copyfile(given, path)
        return path
    engine = open_database(path)
    generate_demo(engine, DemoSpec(accounts=300, orders=300, seed=11, workers=0))
    engine.dispose()
    return path


def _overdue(services: Services, engine: sa.Engine) -> tuple[Actor, str]:
    """An account manager and one of their accounts with an overdue visit."""
    with engine.connect() as c:
        managers = c.execute(
            sa.select(Staff.id, Staff.name, Staff.branch_id, Staff.industry_group_id)
            .where(Staff.role == "am", Staff.active.is_(True))
            .order_by(Staff.login)
        ).all()
    for staff_id, name, branch_id, group_id in managers:
        actor = Actor(staff_id, name, "am", branch_id, group_id)
        day = services.my_day.for_actor(actor).section(Section.VISITS)
        overdue = [line.customer_id for line in day.lines if line.urgency.value == "urgent"]
        if overdue:
            return actor, overdue[0]
    raise AssertionError("the demo has no overdue visit")


def _search(qtbot: Any, page: CustomersPage, runner: TaskRunner, text: str, wanted: str) -> None:
    page.search_field.clear()
    page.search_field.setFocus()
    if text.isascii():
        qtbot.keyClicks(page.search_field, text)
    else:
        type_text(page.search_field, text)
    qtbot.waitUntil(lambda: not runner.active_tasks() and page.model.rowCount() > 0, timeout=20000)
    assert _row_of(page, wanted) is not None, text


def _row_of(page: CustomersPage, wanted: str) -> int | None:
    rows = range(page.model.rowCount())
    return next((row for row in rows if page.model.customer_id(row) == wanted), None)


def test_an_account_manager_finds_an_overdue_account_and_clears_it(
    qtbot: Any, runner: TaskRunner, prefs: Any, tmp_path: Path
) -> None:
    engine = open_database(_database(tmp_path))
    try:
        services = Services(engine)
        actor, customer_id = _overdue(services, engine)
        services.shell.sign_in(actor)
        with engine.connect() as c:
            name, code, initials = c.execute(
                sa.select(Customer.name, Customer.credit_code, Customer.name_initials).where(
                    Customer.id == customer_id
                )
            ).one()
        window = show_main_window(qtbot, services, runner, prefs, tmp_path)
        home = window.home_page.my_day
        qtbot.waitUntil(
            lambda: customer_id in {line.data(0, CUSTOMER_ROLE) for line in home.lines()},
            timeout=20000,
        )
        window.show_page(next(i for i, p in enumerate(PAGES) if p.key == "customers"))
        page = window.customers_page
        settle(qtbot, runner)
        for text in (name[2:6], code, initials[:4]):
            _search(qtbot, page, runner, text, customer_id)

        page.search_field.clear()
        type_text(page.search_field, name)
        qtbot.waitUntil(lambda: page.model.rowCount() >= 1 and not runner.active_tasks())
        row = next(
            r for r in range(page.model.rowCount()) if page.model.customer_id(r) == customer_id
        )
        with qtbot.waitSignal(window.customer_requested, timeout=5000):
            page.open_row(row)
        opened = window.customer_files.windows
        qtbot.waitUntil(lambda: bool(opened) and opened[-1].file is not None, timeout=10000)
        file_window = opened[-1]
        assert file_window.context.customer_id == customer_id

        tab = file_window.key_persons_tab
        people = tab.table.model().rowCount()
        file_window.tabs.setCurrentWidget(tab)
        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
        dialog = tab.dialog
        assert dialog is not None
        type_text(dialog.name_edit, "周总")
        qtbot.keyClicks(dialog.mobile_edit, "139001")
        qtbot.keyClick(dialog.mobile_edit, Qt.Key.Key_Return)
        settle(qtbot, runner)
        assert dialog.isVisible() and "手机号码" in dialog.fields.error_text("mobile")
        dialog.mobile_edit.clear()
        qtbot.keyClicks(dialog.mobile_edit, "139 0013 9000")
        with qtbot.waitSignal(file_window.loaded, timeout=10000):
            qtbot.keyClick(dialog.mobile_edit, Qt.Key.Key_Return)
        assert tab.table.model().rowCount() == people + 1

        visits = file_window.visits_tab
        file_window.tabs.setCurrentWidget(visits)
        qtbot.mouseClick(visits.add_button, Qt.MouseButton.LeftButton)
        assert visits.dialog is not None
        type_text(visits.dialog.purpose_edit, "季度走访")
        with qtbot.waitSignal(file_window.loaded, timeout=10000):
            qtbot.keyClick(visits.dialog.purpose_edit, Qt.Key.Key_Return)

        window.show_page(0)  # the home page reads 我的一天 again

        def left() -> bool:
            lines = {line.data(0, CUSTOMER_ROLE) for line in home.lines()}
            return bool(lines) and customer_id not in lines

        qtbot.waitUntil(left, timeout=20000)
        shot = os.environ.get("KAMDESK_JOURNEY_SHOT")
        if shot:
            window.grab().save(shot)
    finally:
        engine.dispose()
