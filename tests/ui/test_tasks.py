"""The background task runner: progress, Cancel, failures shown in words, one writer lane."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt

from kamdesk.domain.progress import CancelCheck, Cancelled, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner

define({"test.refused": N_("The file {name} is locked by another program.")})


def wait_done(qtbot: Any, handle: TaskHandle, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: handle.is_done, timeout=timeout)


def test_progress_text_and_result_reach_the_gui_thread(qtbot, runner: TaskRunner):
    seen: list[tuple[int, int, str]] = []
    results: list[tuple[Any, bool]] = []

    def work(progress: Progress, cancel: CancelCheck) -> str:
        for step in range(1, 13):
            progress(step, 12, f"正在生成演示数据… 第 {step}/12 步")
            time.sleep(0.03)
        return "done"

    handle = runner.run(
        work,
        title="生成演示数据",
        on_success=lambda r: results.append(
            (r, threading.current_thread() is threading.main_thread())
        ),
    )
    handle.progressed.connect(lambda d, t, text: seen.append((d, t, text)))
    dialog = handle.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: "第" in dialog.text_label.text(), timeout=5000)
    assert dialog.isVisible()
    assert dialog.windowTitle() == "生成演示数据"
    wait_done(qtbot, handle)

    assert results == [("done", True)]
    assert seen[-1] == (12, 12, "正在生成演示数据… 第 12/12 步")
    steps = [d for d, _, _ in seen]
    assert steps == sorted(steps)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))  # closed and deleted


def test_callbacks_never_run_inside_run(qtbot, runner: TaskRunner):
    calls: list[str] = []
    handle = runner.run(
        lambda progress, cancel: 1, title="t", on_success=lambda r: calls.append("ok")
    )
    assert calls == []
    wait_done(qtbot, handle)
    assert calls == ["ok"]


def test_fast_progress_is_throttled_but_the_latest_value_arrives(qtbot, runner: TaskRunner):
    seen: list[tuple[int, int, str]] = []
    total = 20_000

    def work(progress: Progress, cancel: CancelCheck) -> None:
        for i in range(1, total + 1):
            progress(i, total, f"row {i}")

    handle = runner.run(work, title="t", show_progress=False)
    handle.progressed.connect(lambda *value: seen.append(value))
    wait_done(qtbot, handle)
    assert seen[-1] == (total, total, f"row {total}")
    assert len(seen) < 100  # not one queued signal per report


def test_cancel_button_makes_the_work_raise_cancelled_and_the_user_is_told(
    qtbot, runner: TaskRunner, boxes
):
    raised: list[BaseException] = []
    started = threading.Event()

    def work(progress: Progress, cancel: CancelCheck) -> None:
        try:
            deadline = time.monotonic() + 10
            step = 0
            while time.monotonic() < deadline:
                check_cancel(cancel)
                step += 1
                progress(step, 1000, f"第 {step} 步")
                started.set()
                time.sleep(0.01)
        except BaseException as exc:
            raised.append(exc)
            raise

    handle = runner.run(work, title="生成演示数据", lane=Lane.WRITE)
    dialog = handle.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: started.is_set() and dialog.isVisible(), timeout=5000)
    assert dialog.cancel_button.text() == "取消"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.cancel_button.isEnabled()
    wait_done(qtbot, handle, timeout=5000)

    assert len(raised) == 1 and isinstance(raised[0], Cancelled)
    assert boxes.kinds() == ["information"]
    _, title, text = boxes.shown[0]
    assert title == "生成演示数据"
    assert text == Cancelled().message()
    assert "取消" in text


def test_escape_on_the_dialog_also_cancels(qtbot, runner: TaskRunner, boxes):
    def work(progress: Progress, cancel: CancelCheck) -> None:
        while True:
            check_cancel(cancel)
            progress(0, 0, "busy")
            time.sleep(0.01)

    handle = runner.run(work, title="t")
    qtbot.waitUntil(lambda: handle.dialog.isVisible(), timeout=5000)
    qtbot.keyClick(handle.dialog, Qt.Key.Key_Escape)
    wait_done(qtbot, handle, timeout=5000)
    assert boxes.kinds() == ["information"]


def test_a_kamdesk_error_is_shown_with_its_message(qtbot, runner: TaskRunner, boxes):
    def work(progress: Progress, cancel: CancelCheck) -> None:
        raise KamdeskError("test.refused", name="客户.xlsx")

    handle = runner.run(work, title="导入")
    wait_done(qtbot, handle)
    assert boxes.shown == [
        ("warning", "导入", KamdeskError("test.refused", name="客户.xlsx").message())
    ]


def test_an_unexpected_error_is_logged_with_traceback_and_shown_in_words(
    qtbot, runner: TaskRunner, boxes, caplog
):
    def work(progress: Progress, cancel: CancelCheck) -> None:
        raise ZeroDivisionError("division by zero")

    with caplog.at_level(logging.ERROR, logger="kamdesk.ui.tasks"):
        handle = runner.run(work, title="统计")
        wait_done(qtbot, handle)

    assert boxes.kinds() == ["critical"]
    text = boxes.shown[0][2]
    assert "统计" in text and "ZeroDivisionError: division by zero" in text
    assert "Traceback" not in text
    records = [r for r in caplog.records if r.exc_info]
    assert records and records[0].exc_info[0] is ZeroDivisionError


def test_on_failure_replaces_the_default_message(qtbot, runner: TaskRunner, boxes):
    got: list[BaseException] = []

    def work(progress: Progress, cancel: CancelCheck) -> None:
        raise KamdeskError("test.refused", name="x")

    handle = runner.run(work, title="t", on_failure=got.append)
    wait_done(qtbot, handle)
    assert boxes.shown == []
    assert isinstance(got[0], KamdeskError)


class Overlap:
    """Counts how many pieces of work are inside at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.inside = 0
        self.most = 0
        self.threads: set[str] = set()

    def work(self, progress: Progress, cancel: CancelCheck) -> None:
        with self._lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
            self.threads.add(threading.current_thread().name)
        time.sleep(0.25)
        with self._lock:
            self.inside -= 1


@pytest.mark.parametrize(("lane", "most"), [(Lane.WRITE, 1), (Lane.READ, 2)])
def test_the_writer_lane_runs_one_writer_at_a_time_while_reads_overlap(
    qtbot, runner: TaskRunner, lane: Lane, most: int
):
    overlap = Overlap()
    handles = [
        runner.run(overlap.work, title=f"w{i}", lane=lane, show_progress=False) for i in range(2)
    ]
    for handle in handles:
        wait_done(qtbot, handle)
    assert overlap.most == most
    if lane is Lane.WRITE:
        assert len(overlap.threads) == 1


def test_a_dialog_does_not_flash_for_quick_work(qtbot):
    runner = TaskRunner(dialog_delay_ms=300)
    try:
        handle = runner.run(lambda progress, cancel: None, title="quick")
        wait_done(qtbot, handle)
        qtbot.wait(400)
        shown = [w for w in qtbot_top_levels() if w.windowTitle() == "quick" and w.isVisible()]
        assert shown == []
    finally:
        runner.shutdown()


def qtbot_top_levels() -> list[Any]:
    from PySide6.QtWidgets import QApplication

    return list(QApplication.topLevelWidgets())


def test_shutdown_cancels_running_work(qtbot):
    runner = TaskRunner(dialog_delay_ms=0)
    stopped = threading.Event()
    started = threading.Event()

    def work(progress: Progress, cancel: CancelCheck) -> None:
        started.set()
        while not cancel():
            time.sleep(0.01)
        stopped.set()

    runner.run(work, title="t", show_progress=False)
    assert started.wait(5)
    runner.shutdown(wait=True)
    assert stopped.is_set()
    with pytest.raises(RuntimeError):
        runner.run(work, title="again")
