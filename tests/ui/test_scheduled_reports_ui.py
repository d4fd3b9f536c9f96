"""设置 › 月度报表 and the app's monthly check: the leader switches the reports on in
Settings (others may not), and the window's start-up check writes the due month in the
background — no dialog — then offers the folder in the status bar; a failure is told in
words and the next check writes the files."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QCheckBox

from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.container import Services
from kamdesk.services.scheduled_reports import ReportSchedule, month_before
from kamdesk.ui.main_window import PAGE_INDEX, MainWindow
from kamdesk.ui.pages.scheduled_reports_panel import ScheduledReportsPanel
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.reports import report_scheduler
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner
from tests.services.evaluation_fixture import EXPECTED_AMOUNTS, actor, build_evaluation
from tests.services.kpi_fixture import Built
from tests.ui.conftest import Boxes, show_main_window

HALF_PAST_MIDNIGHT = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
"""00:30 on 1 November 2026 in Shanghai (still 31 October in UTC)."""
OCTOBER_FILES = [
    "evaluation-2026-10.pdf",
    "evaluation-2026-10.xlsx",
    "kpi-2026-10.pdf",
    "kpi-2026-10.xlsx",
]


@pytest.fixture()
def built(db_path: Path) -> Iterator[Built]:
    b = build_evaluation(db_path)
    yield b
    b.engine.dispose()


def open_panel(qtbot: Any, services: Services, runner: TaskRunner) -> ScheduledReportsPanel:
    panel = ScheduledReportsPanel(services, runner)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: not runner.active_tasks(), timeout=5000)
    return panel


def tick(qtbot: Any, box: QCheckBox) -> None:
    """Click the box itself (a wide check box toggles only on its box and words)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def save(qtbot: Any, panel: ScheduledReportsPanel, runner: TaskRunner) -> None:
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.active_tasks(), timeout=10_000)


def test_the_leader_switches_the_monthly_reports_on_in_settings(
    qtbot: Any, built: Built, runner: TaskRunner, tmp_path: Path
) -> None:
    services = Services(built.engine)  # nobody signed in: the branch's leader
    panel = open_panel(qtbot, services, runner)
    assert panel.save_button.isEnabled() and not panel.enabled_box.isChecked()
    assert panel.day_spin.value() == 1 and panel.pdf_box.isChecked()

    # A relative folder is refused in words under the fields; nothing is stored.
    tick(qtbot, panel.enabled_box)
    panel.folder_edit.clear()  # it may offer a default folder
    qtbot.keyClicks(panel.folder_edit, "reports")
    save(qtbot, panel, runner)
    refusal = KamdeskError("scheduled_reports.folder_not_absolute").message()
    assert panel.message.isVisible() and panel.message.text() == refusal
    assert services.scheduled_reports.schedule() == ReportSchedule()

    folder = tmp_path / "monthly"
    panel.folder_edit.clear()
    qtbot.keyClicks(panel.folder_edit, str(folder))
    tick(qtbot, panel.xlsx_box)
    tick(qtbot, panel.evaluation_box)
    panel.day_spin.setValue(3)
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.message.text() == tr("Saved.")
    stored = services.scheduled_reports.schedule()
    assert stored == ReportSchedule(
        enabled=True,
        folder=str(folder),
        formats=("pdf",),
        kinds=("kpi",),
        day=3,
        first_month=month_before(datetime.now(UTC)).label,
    )
    # Opened again (e.g. after a restart), the panel shows what was stored.
    again = open_panel(qtbot, Services(built.engine), runner)
    assert again.enabled_box.isChecked() and again.folder_edit.text() == str(folder)
    assert (again.pdf_box.isChecked(), again.xlsx_box.isChecked()) == (True, False)
    assert (again.kpi_box.isChecked(), again.evaluation_box.isChecked()) == (True, False)
    assert again.day_spin.value() == 3


def test_a_clerk_sees_the_setting_but_may_not_change_it(
    qtbot: Any, built: Built, runner: TaskRunner
) -> None:
    services = Services(built.engine)
    services.shell.sign_in(actor(built, "clerk1", "clerk"))
    panel = open_panel(qtbot, services, runner)
    assert not panel.save_button.isEnabled() and not panel.enabled_box.isEnabled()
    assert panel.message.text() == KamdeskError("scheduled_reports.not_allowed").message()


@pytest.fixture()
def window_at_half_past_midnight(
    qtbot: Any,
    built: Built,
    runner: TaskRunner,
    prefs: Preferences,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Any:
    """Opens the window as the app does, at 00:30 on 1 November (Shanghai), with the
    first check right away; returns (window, handles of the tasks it started)."""
    monkeypatch.setattr(report_scheduler, "STARTUP_DELAY_MS", 0)
    monkeypatch.setattr(report_scheduler, "utcnow", lambda: HALF_PAST_MIDNIGHT)
    started: list[TaskHandle] = []
    runner.task_started.connect(started.append)

    def open_window() -> MainWindow:
        return show_main_window(qtbot, Services(built.engine), runner, prefs, tmp_path)

    return open_window, started


def switch_on(built: Built, folder: Path) -> None:
    """Switched on at 00:10 on 1 November: October is the first month, due at once."""
    Services(built.engine).scheduled_reports.save_schedule(
        actor(built, "boss", "leader"),
        ReportSchedule(enabled=True, folder=str(folder)),
        now=datetime(2026, 10, 31, 16, 10, tzinfo=UTC),
    )


def test_the_start_up_check_writes_the_due_month_in_the_background(
    qtbot: Any,
    built: Built,
    window_at_half_past_midnight: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    folder = tmp_path / "reports"
    switch_on(built, folder)
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    open_window, started = window_at_half_past_midnight
    window = open_window()
    with qtbot.waitSignal(window.report_scheduler.succeeded, timeout=120_000) as done:
        pass  # the check starts once the event loop runs

    run = done.args[0]
    assert run.months == ("2026-10",)
    assert sorted(p.name for p in folder.iterdir()) == OCTOBER_FILES
    [check] = [h for h in started if h.title == tr("Monthly reports")]
    assert check.dialog is None and check.lane is Lane.READ  # no dialog, off the GUI thread
    assert boxes.shown == []
    text = subprocess.run(
        ["pdftotext", "-layout", str(folder / "evaluation-2026-10.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"¥{EXPECTED_AMOUNTS['am4']:,.2f}" in text
    book = openpyxl.load_workbook(folder / "kpi-2026-10.xlsx", read_only=True)
    assert len(book.sheetnames) > 2
    book.close()

    notice = window.status_bar.report_button
    assert notice.isVisible()
    assert notice.text() == tr("Monthly reports written: {months}", months="2026-10")
    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(folder))]
    shown = notice.text()
    window.rebuild()  # e.g. another language: the notice stays, in the new words
    qtbot.waitUntil(window.status_bar.report_button.isVisible, timeout=2000)
    assert window.status_bar.report_button.text() == shown

    # The hourly check has nothing left to do and changes nothing.
    before = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    with qtbot.waitSignal(window.report_scheduler.succeeded, timeout=30_000) as later:
        window.report_scheduler.check()
    assert later.args[0].written == ()
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_a_failed_check_is_told_in_words_and_the_next_check_writes_the_files(
    qtbot: Any,
    built: Built,
    window_at_half_past_midnight: Any,
    tmp_path: Path,
    boxes: Boxes,
) -> None:
    folder = tmp_path / "reports"
    switch_on(built, folder)
    folder.write_text("a file where the folder should be")
    open_window, _ = window_at_half_past_midnight
    window = open_window()
    with qtbot.waitSignal(window.report_scheduler.failed, timeout=60_000) as failed:
        pass
    reason = failed.args[0]
    assert isinstance(reason, KamdeskError) and reason.code == "scheduled_reports.cannot_write"
    notice = window.status_bar.report_button
    assert notice.isVisible() and notice.text() == tr("Monthly reports not written")
    assert reason.message() in notice.toolTip()
    assert window.scheduled_reports_panel.message.text() == reason.message()
    assert boxes.shown == []  # no modal box
    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton)
    assert window.current_page() == PAGE_INDEX["settings"]

    folder.unlink()
    with qtbot.waitSignal(window.report_scheduler.succeeded, timeout=120_000):
        window.report_scheduler.check()  # what the hourly timer does
    assert sorted(p.name for p in folder.iterdir()) == OCTOBER_FILES
    assert notice.text() == tr("Monthly reports written: {months}", months="2026-10")
