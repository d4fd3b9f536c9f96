"""Windows habits: a second start raises the first window, file dialogs remember their
folder, an unexpected error shows a friendly dialog with 复制详情 and reaches the log."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from kamdesk import app as kamdesk_app
from kamdesk.i18n import tr
from kamdesk.ui import file_dialogs
from kamdesk.ui.error_dialog import ErrorDialog
from kamdesk.ui.single_instance import SingleInstance, instance_name


def test_a_second_start_raises_the_first_window_and_does_not_open_the_database(
    qtbot: Any, make_window: Any, db_path: Path
) -> None:
    window = make_window()
    first = kamdesk_app.claim_single_instance(db_path)
    assert first is not None
    first.raise_requested.connect(lambda: kamdesk_app.bring_to_front(window))
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)

    with qtbot.waitSignal(first.raise_requested, timeout=3000):
        second = kamdesk_app.claim_single_instance(db_path)

    assert second is None  # the second start stops here: run_app returns 0
    qtbot.waitUntil(lambda: not window.isMinimized() and window.isVisible())
    first.close()


def test_another_database_or_user_is_another_instance(qtbot: Any, tmp_path: Path) -> None:
    a = tmp_path / "a.sqlite"
    first = SingleInstance(instance_name(a))
    assert first.claim()
    try:
        assert instance_name(a, "wang") != instance_name(a, "li")
        other = SingleInstance(instance_name(tmp_path / "b.sqlite"))
        assert other.claim()
        other.close()
    finally:
        first.close()
    # Closed: the next start becomes the instance again.
    again = SingleInstance(instance_name(a))
    assert again.claim()
    again.close()


def test_file_dialogs_start_in_the_folder_chosen_last(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    scans = tmp_path / "扫描件"
    scans.mkdir()
    started_in: list[str] = []

    def fake_open(parent: Any, title: str, folder: str, filters: str) -> tuple[list[str], str]:
        started_in.append(folder)
        return [str(scans / "验收单.jpg")], filters

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake_open))
    file_dialogs.open_files(None, "attachments", "附件", "*")
    file_dialogs.open_files(None, "attachments", "附件", "*")

    assert started_in[1] == str(scans)
    assert started_in[0] != str(scans)
    assert file_dialogs.remembered_folder("kpi_export") != scans  # per purpose


def test_unexpected_error_shows_copyable_details_and_is_logged(
    qtbot: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = tmp_path / "kamdesk.log"
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    kamdesk_app.install_exception_hook(log_file)
    try:
        raise OSError("磁盘已满")
    except OSError as exc:
        with caplog.at_level(logging.ERROR):
            sys.excepthook(type(exc), exc, exc.__traceback__)

    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.isVisible()
    assert "OSError: 磁盘已满" in dialog.message.text()
    assert str(log_file) in dialog.message.text()
    assert dialog.copy_button.text() == tr("Copy details")  # 复制详情

    dialog.copy_button.click()

    copied = QApplication.clipboard().text()
    assert "Traceback" in copied and "磁盘已满" in copied and str(log_file) in copied
    assert any(r.exc_info and r.exc_info[1] is not None for r in caplog.records)
    dialog.close()  # it deletes itself once closed
    qtbot.waitUntil(
        lambda: not [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    )
