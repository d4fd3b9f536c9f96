"""Start-up: the database is opened or refused in words (never a traceback), a damaged one
offers its backup, and the window comes up in the remembered language."""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kamdesk import app as app_module
from kamdesk.app import (
    choose_database_path,
    install_exception_hook,
    open_database_interactively,
    pick_ui_font,
    run_app,
)
from kamdesk.errors import KamdeskError
from kamdesk.services.actor import Actor
from kamdesk.services.auth import FirstAdmin
from kamdesk.services.container import Services
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.preferences import Preferences


@pytest.fixture()
def quiet_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """run_app without touching the real log folder or leaving its exception hook behind."""
    monkeypatch.setattr(app_module, "configure_logging", lambda: tmp_path / "kamdesk.log")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(app_module, "sign_in_interactively", sign_in_as_first_admin)


def sign_in_as_first_admin(services: Services, **_app_parts: object) -> Actor:
    """What a person does in the first-run wizard, without the wizard."""
    return services.auth.create_first_admin(
        FirstAdmin(
            branch_code="HZ",
            branch_name="杭州分公司",
            login="qianxp",
            name="钱晓鹏",
            password="Kam-desk-2026!",
        )
    )


def test_a_cancelled_sign_in_shows_no_data_and_exits_0(tmp_path: Path, quiet_start, monkeypatch):
    shown: list[object] = []
    monkeypatch.setattr(app_module.MainWindow, "show", lambda window: shown.append(window))
    assert run_app(tmp_path / "new.sqlite", sign_in=lambda services: None) == 0
    assert shown == []


def test_the_first_start_asks_for_the_branch_admin_then_later_starts_sign_in(
    tmp_path: Path, monkeypatch
):
    from kamdesk.db.startup import open_database
    from kamdesk.ui import session_guard

    seen: list[str] = []

    def fake_exec(dialog) -> int:
        seen.append(type(dialog).__name__)
        return 0

    monkeypatch.setattr(session_guard.FirstRunWizard, "exec", fake_exec)
    monkeypatch.setattr(session_guard.LoginDialog, "exec", fake_exec)
    engine = open_database(tmp_path / "new.sqlite")
    services = Services(engine)
    assert session_guard.sign_in_interactively(services) is None
    sign_in_as_first_admin(services)
    assert session_guard.sign_in_interactively(services) is None
    assert seen == ["FirstRunWizard", "LoginDialog"]
    engine.dispose()


def test_interface_font_follows_the_platform():
    assert pick_ui_font(["Arial", "Microsoft YaHei UI"], "win32") == "Microsoft YaHei UI"
    assert pick_ui_font(["Noto Sans CJK SC", "WenQuanYi Zen Hei"], "linux") == "WenQuanYi Zen Hei"
    assert pick_ui_font(["Noto Sans CJK SC"], "linux") == "Noto Sans CJK SC"
    assert pick_ui_font(["DejaVu Sans"], "linux") is None


def test_database_path_comes_from_the_command_line_then_settings_then_default(
    tmp_path: Path, prefs: Preferences
):
    given, saved = tmp_path / "given.sqlite", tmp_path / "saved.sqlite"
    prefs.database_path = saved
    assert choose_database_path(given, prefs) == given
    assert choose_database_path(None, prefs) == saved
    prefs.database_path = None
    assert choose_database_path(None, prefs).name == "kamdesk.sqlite"


def test_a_foreign_database_is_refused_in_chinese(tmp_path: Path, boxes):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("create table stuff (x)")
    assert open_database_interactively(path) is None
    kind, title, text = boxes.shown[0]
    assert kind == "critical"
    assert str(path) in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in title + text)
    assert "Traceback" not in text


def test_a_damaged_database_offers_the_newest_good_backup(
    tmp_path: Path, boxes, monkeypatch: pytest.MonkeyPatch
):
    path, backup = tmp_path / "kamdesk.sqlite", tmp_path / "backups" / "good.sqlite"
    restored: list[tuple[Path, Path]] = []
    monkeypatch.setattr(app_module, "restore_backup", lambda b, p: restored.append((b, p)))
    engine = object()
    attempts: list[Path] = []

    def opener(p: Path) -> Any:
        attempts.append(p)
        if len(attempts) == 1:
            raise KamdeskError("db.damaged", path=str(p), backup=str(backup))
        return engine

    asked: list[str] = []
    result = open_database_interactively(
        path, opener=opener, ask_restore=lambda exc: asked.append(exc.message()) or True
    )
    assert result is engine
    assert restored == [(backup, path)]
    assert str(backup) in asked[0]
    assert boxes.shown == []


def test_declining_the_backup_leaves_everything_as_it_was(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(app_module, "restore_backup", lambda b, p: pytest.fail("restored"))

    def opener(p: Path) -> Any:
        raise KamdeskError("db.damaged", path=str(p), backup="/b.sqlite")

    assert (
        open_database_interactively(
            tmp_path / "x.sqlite", opener=opener, ask_restore=lambda e: False
        )
        is None
    )


def test_an_unexpected_failure_is_logged_and_told_without_traceback(tmp_path: Path, boxes, caplog):
    def opener(p: Path) -> Any:
        raise PermissionError(13, "Permission denied")

    with caplog.at_level(logging.ERROR):
        assert open_database_interactively(tmp_path / "x.sqlite", opener=opener) is None
    assert boxes.kinds() == ["critical"]
    assert "PermissionError" in boxes.shown[0][2] and "Traceback" not in boxes.shown[0][2]
    assert any(r.exc_info for r in caplog.records)


def test_run_app_exits_with_1_when_the_database_is_refused(tmp_path: Path, boxes, quiet_start):
    path = tmp_path / "foreign.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("create table stuff (x)")
    assert run_app(path) == 1
    assert boxes.kinds() == ["critical"]


def close_main_window_soon(seen: dict[str, Any]) -> None:
    deadline = time.monotonic() + 20  # a window that never fills fails the test, never hangs it

    def close() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        waiting = not windows or windows[0].status_bar.user_label.text() in (
            "",
            "正在加载…",
            "Loading…",
        )
        if waiting and time.monotonic() < deadline:
            QTimer.singleShot(50, close)
            return
        if waiting:
            seen["timeout"] = True
            for window in windows:
                window.close()
            QApplication.quit()
            return
        seen["nav"] = windows[0].navigation.item(1).text()
        seen["status"] = windows[0].status_bar.sync_label.text()
        windows[0].close()

    QTimer.singleShot(100, close)


def test_run_app_opens_the_window_in_the_remembered_language_and_exits_0(
    tmp_path: Path, quiet_start, prefs: Preferences
):
    prefs.language = "en"
    seen: dict[str, Any] = {}
    close_main_window_soon(seen)
    assert run_app(tmp_path / "new.sqlite") == 0
    assert seen == {"nav": "Customers", "status": "Never synced"}


def test_reset_settings_starts_from_the_defaults(tmp_path: Path, quiet_start, prefs: Preferences):
    prefs.language = "en"
    seen: dict[str, Any] = {}
    close_main_window_soon(seen)
    assert run_app(tmp_path / "new.sqlite", reset_settings=True) == 0
    assert seen["nav"] == "客户档案"


def test_an_exception_in_a_slot_is_logged_and_shown_without_traceback(
    monkeypatch: pytest.MonkeyPatch, boxes, caplog, tmp_path: Path
):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_exception_hook(tmp_path / "kamdesk.log")
    try:
        raise ValueError("bad value")
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            sys.excepthook(type(exc), exc, exc.__traceback__)
    # The friendly dialog (with 复制详情) replaced the message box: see test_windows_habits.
    from PySide6.QtWidgets import QApplication

    from kamdesk.ui.error_dialog import ErrorDialog

    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog))
    text = dialog.message.text()
    assert "ValueError: bad value" in text and str(tmp_path / "kamdesk.log") in text
    assert "Traceback" not in text
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)
    dialog.close()
