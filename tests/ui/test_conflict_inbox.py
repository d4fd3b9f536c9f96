"""The conflict inbox: both values side by side with who and when, and keeping one
resolves the conflict (the status bar's count drops; keeping the overwritten value
writes it back for the next sync)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session

from kamdesk.db.models import Customer, SyncConflict
from kamdesk.i18n import tr
from kamdesk.ui.customer_file.formatting import instant
from kamdesk.ui.main_window import PAGE_INDEX, MainWindow
from kamdesk.ui.sync.conflict_inbox import ConflictInbox
from kamdesk.ui.sync.words import field_label, who_text
from tests.hq.sync_support import open_desk
from tests.ui.sync_world import add_customer, edit_customer, hq_world


def conflicts_text(n: int) -> str:
    return tr("Conflicts: {n}", n=f"{n:,}")


def open_inbox(qtbot: Any, window: MainWindow) -> ConflictInbox:
    """Open the inbox the way a person does: the status bar's conflicts count."""
    qtbot.mouseClick(window.status_bar.conflicts_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == PAGE_INDEX["sync"]
    page = window.sync_page
    assert page.tabs.currentWidget() is page.conflicts
    qtbot.waitUntil(lambda: page.data is not None and not window._runner.active_tasks())
    # The details pane was just shown: the splitter lays it out on a posted event, and
    # a click before that lands where the buttons are not yet.
    inbox = page.conflicts
    qtbot.waitUntil(lambda: not inbox.lost_card.keep_button.visibleRegion().isEmpty())
    return inbox


def test_two_people_edit_one_field_and_the_inbox_keeps_the_overwritten_value(
    qtbot, make_window, engine, tmp_path
):
    with hq_world(tmp_path) as hq:
        window = make_window()
        services = window._services
        services.sync.register(hq.url, hq.code(), "desk-1")
        services.sync.sync_now()
        customer = add_customer(engine, hq.branch, "杭州明远科技", phone="0571-1")
        services.sync.sync_now()
        colleague = open_desk(tmp_path, "desk-2")
        colleague.sync.register(hq.url, hq.code(), "desk-2")
        colleague.sync.sync_now()
        edit_customer(colleague.engine, customer, phone="0571-222")
        colleague.sync.sync_now()
        edit_customer(engine, customer, phone="0571-111")  # later, on this computer
        window.sync_page.sync_now()
        qtbot.waitUntil(
            lambda: window.status_bar.conflicts_button.text() == conflicts_text(1),
            timeout=15_000,
        )

        inbox = open_inbox(qtbot, window)
        assert inbox.table.records.rowCount() == 1
        assert inbox.table.records.data(inbox.table.records.index(0, 0)) == tr(
            "{kind} “{name}”", kind=tr("Account"), name="杭州明远科技"
        )
        assert inbox.table.records.data(inbox.table.records.index(0, 1)) == field_label("phone")
        conflict = inbox.current()
        assert conflict is not None and conflict.kept_at is not None
        kept, lost = inbox.kept_card, inbox.lost_card
        assert (kept.value_label.text(), lost.value_label.text()) == ("0571-111", "0571-222")
        assert who_text(True, None) in kept.origin_label.text()  # 本机
        assert who_text(False, conflict.lost_by) in lost.origin_label.text()
        assert conflict.lost_by and conflict.lost_by[-6:] in lost.origin_label.text()
        assert instant(conflict.kept_at) in kept.origin_label.text()
        assert lost.keep_button.isEnabled()  # the leader 周主任 is the user

        pending_before = services.sync.status().pending
        assert QApplication.activeModalWidget() is None
        qtbot.mouseClick(lost.keep_button, Qt.MouseButton.LeftButton)
        assert not lost.keep_button.isEnabled(), "the click did not reach 保留此值"

        def resolved() -> None:
            # Asserted, so that a timeout names what was still showing.
            state = (
                window.status_bar.conflicts_button.text(),
                inbox.table.records.rowCount(),
                inbox.failure_label.text(),
                [t.title for t in window._runner.active_tasks()],
            )
            assert state[:2] == (conflicts_text(0), 0), state

        qtbot.waitUntil(resolved, timeout=15_000)
        assert inbox.empty_label.isVisible()
        assert not window.status_bar.conflicts_button.isEnabled()
        with Session(engine) as s:
            assert s.get_one(Customer, customer).phone == "0571-222"
            decided = s.query(SyncConflict).one()
            assert (decided.resolution, decided.resolved_by) == ("lost", "staff-hz-leader")
        assert services.sync.status().pending == pending_before + 1  # goes to HQ next
        colleague.engine.dispose()


def test_keeping_the_value_in_effect_only_closes_the_conflict(qtbot, make_window, seeded, engine):
    window = make_window()
    assert window.status_bar.conflicts_button.text() == conflicts_text(seeded.conflicts)
    inbox = open_inbox(qtbot, window)
    assert inbox.table.records.rowCount() == 2
    assert (inbox.kept_card.value_label.text(), inbox.lost_card.value_label.text()) == ("1", "2")
    assert tr("unknown time") in inbox.kept_card.origin_label.text()  # no clock stamp
    first = inbox.current()
    assert first is not None

    qtbot.mouseClick(inbox.kept_card.keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.status_bar.conflicts_button.text() == conflicts_text(seeded.conflicts - 1)
        and inbox.table.records.rowCount() == 1
    )
    assert window.sync_page.tabs.tabText(1) == tr("Conflicts ({n})", n="1")
    with Session(engine) as s:
        assert s.get_one(SyncConflict, first.id).resolution == "kept"
        assert s.get_one(SyncConflict, first.id).resolved_by is not None


def test_without_a_user_nobody_can_resolve(qtbot, make_window, engine):
    with Session(engine) as s, s.begin():
        s.add(
            SyncConflict(
                table_name="customers",
                row_id="gone",
                field="phone",
                kept_value="1",
                lost_value=None,
                kept_hlc="x",
                lost_hlc="y",
                detected_at=datetime.now(UTC),
            )
        )
    window = make_window()
    inbox = open_inbox(qtbot, window)
    assert inbox.lost_card.value_label.text() == tr("(empty)")
    assert not inbox.kept_card.keep_button.isEnabled()
    assert inbox.kept_card.keep_button.toolTip() == tr(
        "Only a signed-in person can decide; nobody is signed in."
    )
