"""The sync page against a real HQ on loopback: register with a one-time code, 立即同步
with progress, the history of rounds, HQ away (plain words, changes kept), refusals."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import Branch, Customer, OutboxEntry
from kamdesk.errors import KamdeskError
from kamdesk.i18n import tr
from kamdesk.services.sync import SyncService
from kamdesk.services.uow import write_session
from kamdesk.sync import state
from kamdesk.sync.engine import PULL_LIMIT
from kamdesk.ui.main_window import PAGE_INDEX, MainWindow
from kamdesk.ui.sync.sync_page import SyncPage
from kamdesk.ui.sync.words import (
    PLAIN_ERRORS,
    UNKNOWN_ERROR,
    load_detail_words,
    load_words,
    plain_error,
)
from kamdesk.ui.tasks import Lane
from tests.hq.fault_proxy import FaultProxy
from tests.hq.sync_world import fill_branch
from tests.ui.sync_world import HqWorld, add_customer, edit_customer, hq_world

RESULT = 3  # the history's result column
TECHNICAL = ("sync.", "Error", "Traceback", "HTTP", "Exception")


def history_cell(page: SyncPage, row: int, column: int) -> str:
    model = page.history.records
    return str(model.data(model.index(row, column)))


def open_sync_page(qtbot: Any, make_window: Any) -> tuple[MainWindow, SyncPage]:
    window = make_window()
    window.show_page(PAGE_INDEX["sync"])
    page = window.sync_page
    qtbot.waitUntil(lambda: page.data is not None)
    return window, page


def register_on_page(qtbot: Any, page: SyncPage, hq: HqWorld) -> None:
    form = page.registration
    form.url_edit.setText(hq.url)
    qtbot.keyClicks(form.code_edit, hq.code())
    qtbot.keyClick(form.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.data is not None and page.data.status.registered, timeout=10_000)


def sync_and_wait(qtbot: Any, window: MainWindow, page: SyncPage, rounds_before: int) -> None:
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not window.sync_scheduler.running
        and page.history.records.rowCount() == rounds_before + 1,
        timeout=15_000,
    )


def test_register_sync_now_and_hq_away(qtbot, make_window, engine, tmp_path, runner):
    with hq_world(tmp_path) as hq:
        window, page = open_sync_page(qtbot, make_window)
        assert page.registration.form_box.isVisible()
        assert not page.sync_button.isEnabled()  # nothing to sync with yet
        assert page.sync_button.toolTip() == tr("Register this computer with HQ first.")
        assert page.history_empty.isVisible()

        register_on_page(qtbot, page, hq)
        form = page.registration
        assert form.info_box.isVisible() and not form.form_box.isVisible()
        assert form.hq_value.text() == hq.url
        assert form.branch_value.text() == "HZ 杭州分公司"
        assert form.device_value.text() == page.data.status.hq_device_id != ""
        assert window._prefs.hq_url == hq.url  # remembered for next time
        assert page.sync_button.isEnabled()

        handle = page.sync_now()  # the first round fetches the branch and its staff
        assert handle is not None and handle.dialog is not None  # progress with 取消
        qtbot.waitUntil(lambda: page.history.records.rowCount() == 1, timeout=15_000)
        assert history_cell(page, 0, 2) == "3"  # the branch, the AM and the leader
        assert history_cell(page, 0, RESULT) == tr("Succeeded")

        customer = add_customer(engine, hq.branch, "杭州明远科技")
        page.reload()
        qtbot.waitUntil(lambda: page.pending_value.text() == "1")
        sync_and_wait(qtbot, window, page, 1)
        assert (history_cell(page, 0, 1), history_cell(page, 0, RESULT)) == ("1", tr("Succeeded"))
        assert page.pending_value.text() == "0"
        qtbot.waitUntil(
            lambda: window.status_bar.pending_label.text() == tr("Changes to upload: {n}", n="0")
        )
        assert window.status_bar.sync_label.text() != "从未同步"

        hq.go_away()
        edit_customer(engine, customer, phone="0571-8888")
        page.reload()
        qtbot.waitUntil(lambda: page.pending_value.text() == "1")
        sync_and_wait(qtbot, window, page, 2)
        words = history_cell(page, 0, RESULT)
        assert words == tr(PLAIN_ERRORS["sync.unreachable"]).format(url=hq.url)
        assert not any(token in words for token in TECHNICAL)
        assert page.outcome_label.text() == words
        assert page.pending_value.text() == "1"  # the change waits for HQ
        qtbot.waitUntil(
            lambda: window.status_bar.pending_label.text() == tr("Changes to upload: {n}", n="1")
        )
        assert window.sync_scheduler.failures == 1  # the timer now backs off


def test_a_wrong_registration_code_is_refused_in_plain_words(qtbot, make_window, tmp_path):
    with hq_world(tmp_path) as hq:
        _window, page = open_sync_page(qtbot, make_window)
        form = page.registration
        form.url_edit.setText(hq.url)
        qtbot.keyClicks(form.code_edit, "ABCD-EFGH-JKMN-PQRS")
        form.register()
        qtbot.waitUntil(lambda: form.failure_label.isVisible(), timeout=10_000)
        assert form.failure_label.text() == KamdeskError("register.unknown_code").message()
        assert "register." not in form.failure_label.text()
        assert form.form_box.isVisible()
        assert not page.data.status.registered


def test_the_register_button_says_why_it_is_disabled(qtbot, make_window):
    _window, page = open_sync_page(qtbot, make_window)
    form = page.registration
    form.url_edit.setText("")
    assert not form.register_button.isEnabled()
    assert form.register_button.toolTip() == tr("Enter the HQ address first.")
    form.url_edit.setText("ftp://hq")
    form.url_edit.editingFinished.emit()
    assert form.url_problem.isVisible()
    form.url_edit.setText("https://hq.example.cn")
    assert not form.url_problem.isVisible()
    assert form.register_button.toolTip() == tr("Enter the registration code from IT.")
    qtbot.keyClicks(form.code_edit, "ABCD")
    assert form.register_button.isEnabled()


def test_a_cancelled_round_is_shown_as_cancelled_and_keeps_what_was_done(
    qtbot, make_window, engine, tmp_path, runner
):
    with hq_world(tmp_path) as hq:
        window, page = open_sync_page(qtbot, make_window)
        register_on_page(qtbot, page, hq)
        release = threading.Event()
        runner.run(lambda progress, cancel: release.wait(10), title="hold", lane=Lane.WRITE)
        handle = page.sync_now()  # queued behind the held writer
        assert handle is not None
        assert page.sync_now() is None  # never two rounds at once
        handle.dialog.request_cancel()  # 取消 in the progress dialog
        release.set()
        qtbot.waitUntil(lambda: page.history.records.rowCount() == 1, timeout=15_000)
        assert history_cell(page, 0, RESULT) == tr(PLAIN_ERRORS["work.cancelled"])
        assert page.outcome_label.text() == tr(PLAIN_ERRORS["work.cancelled"])
        assert window.sync_scheduler.failures == 0  # a cancel is not HQ being away


def test_an_error_this_version_does_not_know_is_still_plain_words(qtbot, make_window, seeded):
    _window, page = open_sync_page(qtbot, make_window)
    assert page.history.records.rowCount() == 2
    assert history_cell(page, 0, RESULT) == tr(UNKNOWN_ERROR)  # stored code "sync.offline"
    assert history_cell(page, 1, RESULT) == tr("Succeeded")
    assert page.outcome_label.text() == tr(UNKNOWN_ERROR)
    assert page.last_success_value.text() == seeded.last_sync_local


def test_a_refused_change_is_listed_with_the_reason_and_can_be_marked_read(
    qtbot, make_window, engine, tmp_path
):
    with hq_world(tmp_path) as hq:
        window, page = open_sync_page(qtbot, make_window)
        register_on_page(qtbot, page, hq)
        sync_and_wait(qtbot, window, page, 0)
        with write_session(engine) as s:  # reference data: only HQ may change it
            s.get_one(Branch, hq.branch["branch_id"]).name = "杭州分公司（改）"
        sync_and_wait(qtbot, window, page, 1)

        model = page.rejections.records
        qtbot.waitUntil(lambda: model.rowCount() == 1)
        record, read, reason = (str(model.data(model.index(0, c))) for c in (1, 2, 3))
        assert record == tr("{kind} “{name}”", kind=tr("Branch"), name="杭州分公司")
        assert reason == plain_error("sync.reference_read_only", {"table": "branches"})
        assert tr("Branch") in reason and "branches" not in reason
        assert read == tr("Unread")
        with Session(engine) as s:  # the refused edit went back to HQ's version
            assert s.get_one(Branch, hq.branch["branch_id"]).name == "杭州分公司"
        assert page.tabs.tabText(2) == tr("Refused changes ({n})", n="1")

        qtbot.mouseClick(page.seen_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.data.status.unseen_rejections == 0)
        assert str(model.data(model.index(0, 2))) == tr("Marked as read")
        assert not page.seen_button.isEnabled()


def test_a_change_hq_cannot_store_is_listed_as_refused_naming_the_field(
    qtbot, make_window, engine, tmp_path
):
    with hq_world(tmp_path) as hq:
        window, page = open_sync_page(qtbot, make_window)
        register_on_page(qtbot, page, hq)
        sync_and_wait(qtbot, window, page, 0)
        made = add_customer(engine, hq.branch, "拒收客户", phone="1")
        sync_and_wait(qtbot, window, page, 1)
        edit_customer(engine, made, phone="2")
        with write_session(engine) as s:  # what an older or faulty client might send
            entry = s.scalars(select(OutboxEntry)).one()
            entry.payload = {**entry.payload, "name": None, "_changed": ["name", "phone"]}
        sync_and_wait(qtbot, window, page, 2)

        model = page.rejections.records
        qtbot.waitUntil(lambda: model.rowCount() == 1)
        record, reason = (str(model.data(model.index(0, c))) for c in (1, 3))
        assert record == tr("{kind} “{name}”", kind=tr("Account"), name="拒收客户")
        assert reason == plain_error("sync.missing_value", {"table": "customers", "column": "name"})
        assert tr("Name") in reason and "name" not in reason
        assert page.tabs.tabText(2) == tr("Refused changes ({n})", n="1")
        with Session(engine) as s:  # the refused edit went back to HQ's version
            assert s.get_one(Customer, made).phone == "1"


def test_the_first_load_shows_its_progress_and_resumes_after_a_cut(
    qtbot, make_window, engine, tmp_path
):
    with hq_world(tmp_path) as hq:
        branch = hq.branch
        bulk = {
            "branch_id": branch["branch_id"],
            "name": "批量",
            "credit_code": "91330100MA2AAAAA0X",
            "category": "enterprise",
            "level": "A",
            "grade": "B",
            "owner_id": branch["staff_id"],
            "opened_at": "2026-03-01T00:00:00+00:00",
        }
        head = fill_branch(hq.admin_db, branch["branch_id"], "customers", bulk, 1_200)
        window, page = open_sync_page(qtbot, make_window)
        register_on_page(qtbot, page, hq)
        live: list[str] = []
        window.sync_scheduler.progressed.connect(
            lambda *_: live.append(window.status_bar.load_label.text())
        )
        with FaultProxy(int(hq.url.rsplit(":", 1)[1])) as proxy:
            with write_session(engine) as s:
                state.write(s, state.HQ_URL, proxy.url)
            proxy.arm("drop", "GET", "/v1/pull", skip=1)  # the second page never arrives
            sync_and_wait(qtbot, window, page, 0)
            assert history_cell(page, 0, RESULT) != tr("Succeeded")
            assert any(text.startswith(tr("First load from HQ")) for text in live)

            load = SyncService(engine).status().load
            assert load is not None and (load.reached, load.head) == (PULL_LIMIT, head)
            bar = window.status_bar.load_label
            qtbot.waitUntil(lambda: bar.text() == load_words(load))
            assert not bar.isHidden()
            assert bar.text() == tr("First load from HQ: {percent}%", percent=load.percent)
            qtbot.waitUntil(lambda: page.load_value.text() == load_detail_words(load))

            sync_and_wait(qtbot, window, page, 1)  # the link is back: it goes on from there
            assert history_cell(page, 0, RESULT) == tr("Succeeded")
            qtbot.waitUntil(lambda: bar.isHidden())
            qtbot.waitUntil(lambda: page.load_value.text() == tr("Complete"))
            assert proxy.stats["GET /v1/pull"] == 2 + 2  # no page fetched twice
        with Session(engine) as s:
            assert s.query(Customer).count() == 1_200
