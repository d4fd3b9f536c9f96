"""The first-run wizard on a fresh database, driven like a person: language, branch admin,
HQ (a real HQ on loopback) or local, then demo data or an Excel import; and the same
steps reachable later from Settings."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QRadioButton, QWizard
from pytestqt.qtbot import QtBot

from kamdesk.db.models import Customer, Staff, WorkOrder
from kamdesk.domain.customers.credit_code import make_credit_code
from kamdesk.errors import KamdeskError
from kamdesk.i18n import current_language, tr
from kamdesk.services.container import Services
from kamdesk.services.uow import read_session
from kamdesk.ui.customers import excel_actions
from kamdesk.ui.customers.excel_actions import ImportPreview
from kamdesk.ui.first_run import FirstRunWizard, PageId
from kamdesk.ui.first_run.data_page import DEMO_ACCOUNTS, DEMO_ORDERS
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.main_window import PAGE_INDEX
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.sync.words import PLAIN_ERRORS
from kamdesk.ui.tasks import TaskRunner
from tests.ui.conftest import Boxes
from tests.ui.sync_world import hq_world

PASSWORD = "Nj-2026-kam!"
NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture()
def services(engine: sa.Engine) -> Services:
    return Services(engine)


@pytest.fixture()
def wizard(qtbot: QtBot, services: Services, runner: TaskRunner, prefs: Preferences) -> Any:
    wizard = FirstRunWizard(services, runner, prefs, LanguageSwitcher())
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def press_enter(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    """Return on whatever has the focus, as a person presses Enter."""
    focus = wizard.focusWidget() or wizard
    qtbot.keyClick(focus, Qt.Key.Key_Return)


def choose(qtbot: QtBot, radio: QRadioButton) -> None:
    """Click the round button itself (the widget is as wide as the page)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def fill_admin(wizard: FirstRunWizard, password: str, repeat: str | None = None) -> None:
    form = wizard.admin_page.form
    for edit, text in zip(
        form.edits(),
        ("NJ", "南京分公司", "wangli", "王丽", password, password if repeat is None else repeat),
        strict=True,
    ):
        edit.setText(text)


def to_hq_page(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    press_enter(qtbot, wizard)
    assert wizard.currentId() == PageId.ADMIN
    fill_admin(wizard, PASSWORD)
    qtbot.keyClick(wizard.admin_page.form.repeat_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.HQ, timeout=10_000)


def customers_seen_by(engine: sa.Engine, actor: Any) -> int:
    with read_session(engine, actor=actor) as s:  # scoped as the person reads
        return int(s.scalar(sa.select(sa.func.count()).select_from(Customer)) or 0)


def test_a_fresh_database_walks_through_to_demo_data_signed_in_as_the_admin(
    qtbot: QtBot, wizard: FirstRunWizard, services: Services, engine: sa.Engine, runner
) -> None:
    # 1. language: Chinese by default; English applies at once, and back again
    page = wizard.language_page
    assert wizard.currentId() == PageId.LANGUAGE
    assert page.buttons["zh_CN"].isChecked()
    assert wizard.windowTitle() == "设置 KAMDesk"
    assert wizard.button(NEXT).text() == tr("Next")
    choose(qtbot, page.buttons["en"])
    assert current_language() == "en" and Preferences().language == "en"
    assert wizard.button(NEXT).text() == "Next"
    assert wizard.page(PageId.ADMIN).title() == "Branch admin"  # pages rebuilt in English
    choose(qtbot, page.buttons["zh_CN"])
    assert Preferences().language == "zh_CN" and chinese(wizard.admin_page.subTitle())
    assert wizard.button(NEXT).text() == tr("Next")
    page.buttons["zh_CN"].setFocus()

    # 2. the admin: Enter moves on, and creates the admin in one call
    press_enter(qtbot, wizard)
    assert wizard.currentId() == PageId.ADMIN
    assert wizard.focusWidget() is wizard.admin_page.form.branch_code_edit
    fill_admin(wizard, PASSWORD)
    assert services.auth.needs_first_admin()
    qtbot.keyClick(wizard.admin_page.form.repeat_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.HQ, timeout=10_000)
    admin = wizard.actor
    assert admin is not None and admin.role == "admin" and admin.name == "王丽"
    assert not services.auth.needs_first_admin()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # nothing to undo

    # 3. work locally for now (the choice when no HQ address is known)
    hq = wizard.hq_page
    assert hq.local_radio.isChecked() and not hq.panel.isEnabled()
    press_enter(qtbot, wizard)
    assert wizard.currentId() == PageId.DATA

    # 4. a small demo, in the background with progress, into this database
    data = wizard.data_page
    handle = data.load_demo()
    assert handle is not None and handle.dialog is not None
    assert not wizard.button(FINISH).isEnabled()  # Finish waits for the work
    qtbot.waitUntil(lambda: handle.is_done, timeout=60_000)
    assert data.outcome_label.text() == tr(
        "Demo data loaded: {accounts} key accounts, {orders} work orders.",
        accounts=DEMO_ACCOUNTS,
        orders=DEMO_ORDERS,
    )
    assert not data.demo_button.isEnabled()
    qtbot.waitUntil(lambda: wizard.button(FINISH).isEnabled())
    qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)

    assert wizard.result() == QDialog.DialogCode.Accepted and wizard.actor == admin
    assert services.shell.current_actor() == admin
    assert services.shell.counts().customers == DEMO_ACCOUNTS
    assert customers_seen_by(engine, admin) == DEMO_ACCOUNTS  # the demo is in the admin's branch
    with read_session(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(WorkOrder)) == DEMO_ORDERS
        assert s.scalar(sa.select(Staff.login).where(Staff.id == admin.staff_id)) == "wangli"
    assert services.auth.login("wangli", PASSWORD) == admin


def test_registration_with_a_real_hq_registers_this_computer(
    qtbot: QtBot, wizard: FirstRunWizard, services: Services, prefs: Preferences, tmp_path
) -> None:
    with hq_world(tmp_path) as world:
        to_hq_page(qtbot, wizard)
        hq = wizard.hq_page
        choose(qtbot, hq.connect_radio)
        assert hq.panel.isEnabled() and not wizard.button(NEXT).isEnabled()
        assert wizard.focusWidget() is hq.panel.url_edit
        qtbot.keyClicks(hq.panel.url_edit, world.url)
        qtbot.keyClick(hq.panel.url_edit, Qt.Key.Key_Return)  # on to the code
        qtbot.keyClicks(hq.panel.code_edit, world.code())
        qtbot.keyClick(hq.panel.code_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: hq.registration is not None, timeout=15_000)
        qtbot.waitUntil(lambda: hq.panel.info_box.isVisible(), timeout=5_000)

        status = services.sync.status()
        assert status.registered and status.hq_url == world.url and status.branch_code == "HZ"
        assert hq.panel.branch_value.text() == "HZ 杭州分公司"
        assert prefs.hq_url == world.url
        assert not hq.local_radio.isEnabled()
        qtbot.waitUntil(lambda: wizard.button(NEXT).isEnabled())
        qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
        assert wizard.currentId() == PageId.DATA
        assert not wizard.data_page.demo_button.isEnabled()  # no invented accounts at HQ


def test_a_bad_code_or_an_absent_hq_is_said_in_chinese_and_can_be_skipped(
    qtbot: QtBot, wizard: FirstRunWizard, services: Services, tmp_path
) -> None:
    with hq_world(tmp_path) as world:
        to_hq_page(qtbot, wizard)
        hq = wizard.hq_page
        choose(qtbot, hq.connect_radio)
        hq.panel.url_edit.setText(world.url)
        qtbot.keyClicks(hq.panel.code_edit, "ABCD-EFGH-JKMN-PQRS")
        qtbot.keyClick(hq.panel.code_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: hq.panel.failure_label.isVisible(), timeout=15_000)
        words = hq.panel.failure_label.text()
        assert words == KamdeskError("register.unknown_code").message()
        assert chinese(words) and "register." not in words
        assert not wizard.button(NEXT).isEnabled()

        world.go_away()  # try again: HQ does not answer at all
        hq.panel.code_edit.setText(world.code())  # a good code, but nobody answers
        hq.panel.register()
        expected = tr(PLAIN_ERRORS["sync.unreachable"]).format(url=world.url)
        qtbot.waitUntil(lambda: hq.panel.failure_label.text() == expected, timeout=15_000)
        assert chinese(expected)
        assert hq.panel.register_button.isEnabled()  # another try stays possible

        choose(qtbot, hq.local_radio)  # skip
        assert wizard.button(NEXT).isEnabled()
        qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
        assert wizard.currentId() == PageId.DATA
        assert not services.sync.status().registered
        assert wizard.data_page.demo_button.isEnabled()


@pytest.mark.parametrize(
    ("password", "repeat", "message"),
    [
        ("", "", "Enter a password."),
        ("12345678", "12345678", "This password is too easy to guess; choose another."),
        ("kurz", "kurz", "The password must have at least {length} characters."),
        (PASSWORD, PASSWORD + "x", "The two passwords differ."),
    ],
)
def test_a_weak_or_empty_password_is_refused_on_the_admin_page(
    qtbot: QtBot,
    wizard: FirstRunWizard,
    services: Services,
    runner: TaskRunner,
    password: str,
    repeat: str,
    message: str,
) -> None:
    press_enter(qtbot, wizard)
    fill_admin(wizard, password, repeat)
    qtbot.keyClick(wizard.admin_page.form.repeat_edit, Qt.Key.Key_Return)
    form = wizard.admin_page.form
    expected = tr(message, length=8) if "{length}" in message else tr(message)
    qtbot.waitUntil(lambda: form.error_label.text() == expected, timeout=10_000)
    qtbot.waitUntil(lambda: not runner.active_tasks())
    assert chinese(form.error_label.text())
    assert wizard.currentId() == PageId.ADMIN and wizard.actor is None
    assert services.auth.needs_first_admin()
    assert form.password_edit.text() == "" and wizard.focusWidget() is form.password_edit


def test_cancel_before_the_admin_quits_with_nothing_created_and_esc_later_signs_in(
    qtbot: QtBot, services: Services, runner: TaskRunner, prefs: Preferences
) -> None:
    first = FirstRunWizard(services, runner, prefs, LanguageSwitcher())
    qtbot.addWidget(first)
    first.show()
    press_enter(qtbot, first)
    fill_admin(first, PASSWORD)
    qtbot.keyClick(first.admin_page.form.login_edit, Qt.Key.Key_Escape)
    assert first.result() == QDialog.DialogCode.Rejected and first.actor is None
    assert services.auth.needs_first_admin()
    with read_session(services.engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Staff)) == 0

    again = FirstRunWizard(services, runner, prefs, LanguageSwitcher())
    qtbot.addWidget(again)
    again.show()
    to_hq_page(qtbot, again)
    cancel = again.button(QWizard.WizardButton.CancelButton)
    assert cancel.text() == tr("Do the rest later")
    qtbot.keyClick(again.hq_page.local_radio, Qt.Key.Key_Escape)
    assert again.result() == QDialog.DialogCode.Accepted
    assert again.actor is not None and services.shell.current_actor() == again.actor


def test_the_excel_import_of_the_customer_list_runs_from_the_last_page(
    qtbot: QtBot,
    wizard: FirstRunWizard,
    engine: sa.Engine,
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(8)
    book = openpyxl.Workbook()
    book.active.append(["单位名称", "信用代码"])
    book.active.append(["南京首批导入有限公司", make_credit_code(rng, "320100")])
    sheet = tmp_path / "客户.xlsx"
    book.save(sheet)
    monkeypatch.setattr(excel_actions, "open_file", lambda *args: sheet)
    monkeypatch.setattr(
        ImportPreview, "exec", lambda dialog: int(QDialog.DialogCode.Accepted)
    )  # the person reads the clean preview and clicks Import

    to_hq_page(qtbot, wizard)
    press_enter(qtbot, wizard)
    data = wizard.data_page
    qtbot.mouseClick(data.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: data.outcome_label.text() == tr("Imported {count} accounts.", count=1),
        timeout=15_000,
    )
    assert customers_seen_by(engine, wizard.actor) == 1
    assert not data.demo_button.isEnabled()  # demo data goes only into an empty database


def test_settings_reach_registration_and_import_later(
    qtbot: QtBot, make_window: Any, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(excel_actions, "open_file", lambda *args: asked.append(args[2]))
    window = make_window()
    window.show_page(PAGE_INDEX["settings"])
    settings = window.settings_page
    assert settings.language_combo.count() == 2 and settings.demo_button.isVisible()

    qtbot.mouseClick(settings.register_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == PAGE_INDEX["sync"]
    form = window.sync_page.registration
    assert form.form_box.isVisible() and form.url_edit.hasFocus()

    window.show_page(PAGE_INDEX["settings"])
    qtbot.mouseClick(settings.import_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == PAGE_INDEX["customers"]
    assert asked == [tr("Import key accounts")]  # the customer list's own file dialog
