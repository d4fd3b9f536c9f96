"""First-run admin, sign-in and unlock dialogs on a real database, and the idle timer."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from kamdesk.i18n import tr
from kamdesk.services.auth import AuthService, FirstAdmin
from kamdesk.ui.first_admin_dialog import FirstAdminDialog
from kamdesk.ui.idle_lock import IdleWatcher
from kamdesk.ui.login_dialog import LoginDialog

PASSWORD = "Hz-2026-kam!"


def fill_first_admin(dialog: FirstAdminDialog, password: str, repeat: str) -> None:
    dialog.form.branch_code_edit.setText("HZ")
    dialog.form.branch_name_edit.setText("杭州分公司")
    dialog.form.login_edit.setText("admin")
    dialog.form.name_edit.setText("管理员")
    dialog.form.password_edit.setText(password)
    dialog.form.repeat_edit.setText(repeat)


def test_first_admin_dialog_refuses_then_creates(qtbot: QtBot, engine: Engine) -> None:
    auth = AuthService(engine)
    dialog = FirstAdminDialog(auth)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_first_admin(dialog, PASSWORD, PASSWORD + "x")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.form.error_label.text() == tr("The two passwords differ.")
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.form.password_edit.text() == ""

    fill_first_admin(dialog, "12345678", "12345678")
    qtbot.keyClick(dialog.form.repeat_edit, Qt.Key.Key_Return)
    assert dialog.form.error_label.text() == tr(
        "This password is too easy to guess; choose another."
    )
    assert auth.needs_first_admin()

    fill_first_admin(dialog, PASSWORD, PASSWORD)
    qtbot.keyClick(dialog.form.repeat_edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.role == "admin"
    assert not auth.needs_first_admin()


def test_login_dialog_says_the_same_for_every_refusal(qtbot: QtBot, engine: Engine) -> None:
    auth = AuthService(engine)
    admin = auth.create_first_admin(FirstAdmin("HZ", "杭州分公司", "admin", "管理员", PASSWORD))
    dialog = LoginDialog(auth)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = []
    for login, password in (("admin", "wrong-pass-1"), ("nobody", PASSWORD)):
        dialog.login_edit.setText(login)
        dialog.password_edit.setText(password)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        shown.append(dialog.error_label.text())
        assert dialog.password_edit.text() == "" and dialog.actor is None
    assert shown == [tr("The user name or password is wrong.")] * 2

    dialog.login_edit.setText("admin")
    dialog.password_edit.setText(PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.actor == admin

    unlock = LoginDialog(auth, locked_for=admin)
    qtbot.addWidget(unlock)
    unlock.show()
    assert unlock.login_edit.isReadOnly() and unlock.login_edit.text() == "管理员"
    unlock.password_edit.setText(PASSWORD)
    qtbot.mouseClick(unlock.ok_button, Qt.MouseButton.LeftButton)
    assert unlock.actor == admin


def test_idle_watcher_fires_after_quiet_time_and_input_rearms_it(qtbot: QtBot) -> None:
    watcher = IdleWatcher(timedelta(minutes=10))
    with qtbot.waitSignal(watcher.idle, timeout=2000):
        watcher.set_timeout(timedelta(milliseconds=30))
    watcher.set_timeout(timedelta(minutes=10))
    watcher._timer.start(300_000)  # five minutes left, as if five quiet minutes had passed
    assert watcher.remaining() < timedelta(minutes=6)
    QApplication.sendEvent(
        QApplication.instance(),
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"),
    )
    assert watcher.remaining() > timedelta(minutes=9)
    watcher.stop()
    assert watcher.remaining() == timedelta(0)


def test_the_first_admin_joins_the_branch_the_data_belongs_to(qtbot: QtBot, engine: Engine) -> None:
    from sqlalchemy.orm import Session

    from kamdesk.db.models import Branch

    with Session(engine) as s, s.begin():
        s.add(Branch(code="HZ", name="杭州分公司"))
    dialog = FirstAdminDialog(AuthService(engine))
    qtbot.addWidget(dialog)
    assert (dialog.form.branch_code_edit.text(), dialog.form.branch_name_edit.text()) == (
        "HZ",
        "杭州分公司",
    )
    assert dialog.form.branch_code_edit.isReadOnly() and dialog.form.branch_name_edit.isReadOnly()
