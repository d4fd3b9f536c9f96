"""设置 › 备份与恢复: back up now, then restore a backup from the window — checked first, a
confirmation saying what will be lost, progress in the background — and the app opens
the restored database again and asks for a sign-in."""

from __future__ import annotations

import sqlite3
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kamdesk import app as app_module
from kamdesk.app import run_app
from kamdesk.db.startup import open_database
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.audit import chain_head
from kamdesk.services.auth import FirstAdmin
from kamdesk.services.backups import BackupService
from kamdesk.services.container import Services
from kamdesk.services.restore_preview import backup_head
from kamdesk.services.uow import read_session
from kamdesk.ui.customer_file.formatting import instant
from kamdesk.ui.main_window import PAGE_INDEX, MainWindow
from kamdesk.ui.pages.backups_panel import BackupsPanel, kind_label
from tests.hq.sync_world import write_customer

PASSWORD = "Kam-desk-2026!"


def first_admin(engine: sa.Engine) -> Actor:
    return Services(engine).auth.create_first_admin(
        FirstAdmin("HZ", "杭州分公司", "qianxp", "钱晓鹏", PASSWORD)
    )


def add_customer(engine: sa.Engine, actor: Actor, name: str) -> None:
    write_customer(engine, actor.branch_id, actor.staff_id, name, actor=actor)


def customers(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT name FROM customers ORDER BY name")]


def actions(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY seq")]


def kept_files(db_path: Path) -> list[Path]:
    """The replaced databases a restore kept beside the file (not their companions)."""
    found = db_path.parent.glob(f"{db_path.name}.replaced-*")
    return [p for p in found if not p.name.endswith(("-wal", "-shm", "-journal"))]


def backups_of(qtbot: Any, window: MainWindow) -> BackupsPanel:
    window.show_page(PAGE_INDEX["settings"])
    panel = window.backups_panel
    qtbot.waitUntil(panel.backup_button.isEnabled)  # the signed-in admin was read
    return panel


def back_up_on_panel(qtbot: Any, panel: BackupsPanel) -> None:
    rows = panel.table.records.rowCount()
    qtbot.mouseClick(panel.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.records.rowCount() == rows + 1, timeout=10_000)


def test_a_restore_is_checked_confirmed_with_what_is_lost_and_reopens(
    qtbot: Any, make_window: Any, engine: sa.Engine, db_path: Path, boxes: Any
) -> None:
    admin = first_admin(engine)
    add_customer(engine, admin, "备份前的客户")
    panel = backups_of(qtbot, make_window())
    assert not panel.restore_button.isEnabled()  # nothing selected yet, and it says so
    back_up_on_panel(qtbot, panel)
    info = panel._backups[panel.table.records.row_id(0)]
    assert panel.table.records.data(panel.table.records.index(0, 0)) == kind_label("manual")
    assert info.path.is_file() and customers(info.path) == ["备份前的客户"]

    add_customer(engine, admin, "备份后的客户")
    with read_session(engine) as s:
        lost = chain_head(s).seq - backup_head(info.path).seq
    assert lost > 0
    panel.table.selectRow(0)
    window = panel.window()
    assert isinstance(window, MainWindow)
    with qtbot.waitSignal(window.reopen_requested, timeout=20_000):
        qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)

    kind, _title, text = boxes.shown[-1]
    assert kind == "question"
    assert instant(info.taken_at) in text
    assert (
        tr(
            "Lost: everything done on this computer after {when}, {n} logged changes and events.",
            when=instant(info.taken_at),
            n=f"{lost:,}",
        )
        in text
    )
    assert (
        tr(
            "The database in use is kept beside it under a new name, for IT. KAMDesk then "
            "reopens the restored database and asks you to sign in again."
        )
        in text
    )

    assert customers(db_path) == ["备份前的客户"]
    assert actions(db_path)[-1] == "restore"
    assert [customers(p) for p in kept_files(db_path)] == [["备份前的客户", "备份后的客户"]]
    qtbot.waitUntil(lambda: not window.isVisible())  # the app opens the file again


def test_declining_the_confirmation_changes_nothing(
    qtbot: Any, make_window: Any, engine: sa.Engine, db_path: Path, boxes: Any
) -> None:
    admin = first_admin(engine)
    window = make_window()
    panel = backups_of(qtbot, window)
    back_up_on_panel(qtbot, panel)
    add_customer(engine, admin, "不能丢的客户")
    boxes.answer = QMessageBox.StandardButton.No
    panel.table.selectRow(0)
    handle = panel.ask_restore()
    assert handle is not None
    qtbot.waitUntil(lambda: bool(boxes.shown) and boxes.shown[-1][0] == "question")
    qtbot.waitUntil(lambda: not window._runner.active_tasks())
    assert customers(db_path) == ["不能丢的客户"]
    assert not kept_files(db_path)
    assert window.isVisible()


def test_a_damaged_backup_is_refused_before_anyone_confirms(
    qtbot: Any, make_window: Any, engine: sa.Engine, db_path: Path, boxes: Any
) -> None:
    first_admin(engine)
    window = make_window()
    panel = backups_of(qtbot, window)
    back_up_on_panel(qtbot, panel)
    info = panel._backups[panel.table.records.row_id(0)]
    data = bytearray(info.path.read_bytes())
    data[4096 : 4096 + 512] = b"\xff" * 512  # the second page, where the tables start
    info.path.write_bytes(bytes(data))
    panel.table.selectRow(0)
    panel.ask_restore()
    qtbot.waitUntil(lambda: bool(boxes.shown), timeout=10_000)
    assert [kind for kind, _, _ in boxes.shown] == ["warning"]
    assert info.path.name in boxes.shown[0][2]
    assert not kept_files(db_path)
    assert window.isVisible()


@pytest.fixture()
def quiet_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """run_app without touching the real log folder or leaving its exception hook behind."""
    monkeypatch.setattr(app_module, "configure_logging", lambda: tmp_path / "kamdesk.log")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def test_the_app_opens_the_restored_database_and_asks_for_a_sign_in_again(
    tmp_path: Path, quiet_start: None, boxes: Any
) -> None:
    path = tmp_path / "branch" / "kamdesk.sqlite"
    engine = open_database(path)
    admin = first_admin(engine)
    backup = BackupService(engine).back_up_now(admin).path
    add_customer(engine, admin, "恢复后就没有的客户")
    engine.dispose()

    signed_in: list[Services] = []
    seen: dict[str, Any] = {}

    def sign_in(services: Services) -> Actor:
        signed_in.append(services)
        return services.auth.login("qianxp", PASSWORD)

    deadline = time.monotonic() + 30
    first: list[object] = []  # the engine of the window the restore was started from

    def drive() -> None:
        """One tick. Once the test failed or timed out, every tick closes whatever is
        open (a ``quit`` while run_app is between its event loops would be lost), and
        ticks stop once the test is over."""
        if "over" in seen:
            return
        try:
            step()
        except Exception:
            seen.setdefault("error", traceback.format_exc())
        if time.monotonic() > deadline:
            seen.setdefault("timeout", [type(w).__name__ for w in QApplication.topLevelWidgets()])
        if "error" in seen or "timeout" in seen:
            QApplication.closeAllWindows()
            QApplication.quit()
        QTimer.singleShot(50, drive)

    def step() -> None:
        visible = [  # this test's windows only: another test's could still be around
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow)
            and w.isVisible()
            and Path(w._services.engine.url.database or "") == path
        ]
        if not visible:
            return
        window = visible[0]
        if not first:  # the first window: restore from its panel
            panel = window.backups_panel
            if panel.backup_button.isEnabled():
                first.append(window._services.engine)
                panel.start_restore(backup)
        elif window._services.engine is not first[0]:  # the window on the restored file
            seen.setdefault("customers", Services(window._services.engine).shell.counts().customers)
            window.close()

    QTimer.singleShot(100, drive)
    try:
        status = run_app(path, sign_in=sign_in)
    finally:
        seen["over"] = True
    assert status == 0
    assert "error" not in seen, seen["error"]
    assert "timeout" not in seen, f"still on screen: {seen['timeout']}"
    assert len(signed_in) == 2 and signed_in[0].engine is not signed_in[1].engine
    assert seen["customers"] == 0
    assert customers(path) == []
    logged = actions(path)
    assert "restore" in logged and logged[-1] == "login"  # signed in again afterwards
