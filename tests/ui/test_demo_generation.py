"""生成演示数据 from the window: a new file, through the writer lane, with progress and Cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from kamdesk.app import build_demo_database
from kamdesk.db.startup import open_database
from kamdesk.domain.progress import Cancelled
from kamdesk.services.shell import ShellService
from kamdesk.ui.demo_dialog import DemoDataDialog, DemoRequest
from kamdesk.ui.tasks import Lane


def test_demo_data_fills_a_new_file_and_can_become_the_next_database(
    qtbot, make_window, engine, boxes, prefs, tmp_path: Path
):
    window = make_window(demo_builder=build_demo_database)
    target = tmp_path / "演示" / "demo.sqlite"
    texts: list[str] = []
    handle = window.start_demo(DemoRequest(target, accounts=15, orders=40, seed=7))
    assert handle.lane is Lane.WRITE
    handle.progressed.connect(lambda done, total, text: texts.append(text))
    qtbot.waitUntil(lambda: handle.is_done, timeout=60_000)

    assert texts and all(texts)  # the dialog had something to say
    kind, _, text = boxes.shown[-1]
    assert kind == "question" and str(target) in text
    assert prefs.database_path == target  # the user answered Yes
    demo = open_database(target)
    try:
        assert ShellService(demo).counts().customers == 15
    finally:
        demo.dispose()


def test_cancelling_demo_generation_leaves_no_file_behind(
    qtbot, make_window, engine, boxes, prefs, tmp_path: Path
):
    window = make_window(demo_builder=build_demo_database)
    target = tmp_path / "cancelled.sqlite"
    failures: list[BaseException] = []
    handle = window.start_demo(DemoRequest(target, accounts=2000, orders=20000, seed=1))
    handle.failed.connect(failures.append)
    handle.cancel()
    qtbot.waitUntil(lambda: handle.is_done, timeout=60_000)

    assert len(failures) == 1 and isinstance(failures[0], Cancelled)
    assert boxes.kinds() == ["information"]
    assert not target.exists()
    assert prefs.database_path is None


def test_the_database_in_use_is_never_a_demo_target(qtbot, make_window, engine, boxes, db_path):
    window = make_window(demo_builder=build_demo_database)
    handle = window.start_demo(DemoRequest(db_path, accounts=5, orders=5, seed=1))
    qtbot.waitUntil(lambda: handle.is_done, timeout=10_000)
    assert boxes.kinds() == ["warning"]
    assert str(db_path) in boxes.shown[0][2]
    assert db_path.exists()


@pytest.mark.parametrize("which", ["existing", "in_use", "relative"])
def test_the_dialog_refuses_anything_but_a_new_file(qtbot, tmp_path: Path, which: str):
    in_use = tmp_path / "kamdesk.sqlite"
    in_use.write_bytes(b"")
    existing = tmp_path / "old.sqlite"
    existing.write_bytes(b"")
    dialog = DemoDataDialog(suggested_path=tmp_path / "new.sqlite", database_in_use=str(in_use))
    qtbot.addWidget(dialog)
    assert dialog.generate_button.isEnabled()
    dialog.path_edit.setText(
        {"existing": str(existing), "in_use": str(in_use), "relative": "demo.sqlite"}[which]
    )
    assert not dialog.generate_button.isEnabled()
    assert dialog.problem_label.text() != ""
    assert dialog.generate_button.toolTip() == dialog.problem_label.text()


def test_the_dialog_returns_what_the_user_asked_for(qtbot, tmp_path: Path):
    dialog = DemoDataDialog(suggested_path=tmp_path / "new.sqlite", database_in_use="")
    qtbot.addWidget(dialog)
    dialog.accounts_spin.setValue(120)
    dialog.orders_spin.setValue(900)
    dialog.seed_spin.setValue(42)
    assert dialog.request() == DemoRequest(tmp_path / "new.sqlite", 120, 900, 42)


def test_answering_no_keeps_the_database_choice(
    qtbot, make_window, engine, boxes, prefs, tmp_path: Path
):
    boxes.answer = QMessageBox.StandardButton.No
    window = make_window(demo_builder=build_demo_database)
    handle = window.start_demo(DemoRequest(tmp_path / "d.sqlite", accounts=3, orders=3, seed=1))
    qtbot.waitUntil(lambda: handle.is_done, timeout=60_000)
    assert boxes.kinds() == ["question"]
    assert prefs.database_path is None
