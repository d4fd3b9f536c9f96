"""The sync page says plainly when HQ found this computer's audit log cut back (real HQ on
loopback), and keeps saying it after a restart until HQ accepts it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy.orm import Session

from kamdesk.hq.audit_heads import accept_alarms
from kamdesk.sync import state
from kamdesk.ui.customer_file.formatting import ERROR_STYLE
from kamdesk.ui.main_window import PAGE_INDEX
from kamdesk.ui.sync.words import audit_alarm_words
from tests.ui.sync_world import add_customer, hq_world


def anchor(engine: Any) -> int:
    """The entry HQ recorded last for this computer (the desktop's stored hint)."""
    with Session(engine) as s:
        return int(state.read(s, state.AUDIT_ANCHOR, 0))


def cut_tail(path: Path, entries: int) -> int:
    """Delete the newest ``entries`` audit entries behind the app's back; the new head."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_log_no_delete")
        top = db.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        db.execute("DELETE FROM audit_log WHERE seq > ?", (top - entries,))
    return int(top - entries)


def test_a_cut_off_tail_is_told_on_the_sync_page(
    qtbot: Any, make_window: Any, engine: Any, db_path: Path, tmp_path: Path
) -> None:
    with hq_world(tmp_path) as hq:
        window = make_window()
        services = window._services
        services.sync.register(hq.url, hq.code(), "前台电脑")
        services.sync.sync_now()
        add_customer(engine, hq.branch, "杭州明远科技")
        assert services.sync.sync_now().audit.status == "ok"  # type: ignore[union-attr]
        seen = anchor(services.engine)

        cut_tail(db_path, 3)
        window.show_page(PAGE_INDEX["sync"])
        page = window.sync_page
        qtbot.waitUntil(lambda: page.data is not None and page.sync_button.isEnabled())
        assert not page.audit_label.isVisible()
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: page.data is not None and page.data.status.audit_alarm is not None,
            timeout=15_000,
        )
        alarm = page.data.status.audit_alarm
        assert alarm is not None and (alarm.status, alarm.known_seq) == ("rewound", seen)
        assert page.audit_label.isVisible()
        assert page.audit_label.text() == audit_alarm_words(alarm)
        assert str(seen) in page.audit_label.text()
        assert audit_alarm_words(alarm) in page.outcome_label.text()
        assert page.outcome_label.styleSheet() == ERROR_STYLE

        again = make_window()  # a restart: the warning is read back from the database
        again.show_page(PAGE_INDEX["sync"])
        qtbot.waitUntil(lambda: again.sync_page.data is not None)
        assert again.sync_page.audit_label.text() == audit_alarm_words(alarm)

        assert accept_alarms(hq.admin_db, services.sync.status().hq_device_id or "") == 1
        rounds = page.history.records.rowCount()
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: page.history.records.rowCount() == rounds + 1
            and not window.sync_scheduler.running,
            timeout=15_000,
        )
        qtbot.waitUntil(lambda: not page.audit_label.isVisible())
