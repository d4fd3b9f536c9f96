"""UI tests: real widgets on a fresh database, settings in a temporary INI folder,
message boxes captured instead of shown, and the language put back afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from sqlalchemy.orm import Session

from kamdesk import i18n
from kamdesk.db.models import (
    Branch,
    Customer,
    OutboxEntry,
    Product,
    Staff,
    SyncBatch,
    SyncConflict,
    SyncLogEntry,
    WorkOrder,
)
from kamdesk.services.container import Services
from kamdesk.sync import capture
from kamdesk.ui import gui_collector
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.tasks import TaskRunner

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(scope="session", autouse=True)
def collection_on_the_gui_thread(qapp: Any) -> Iterator[None]:
    """As in the app (:func:`kamdesk.app.run_app`): cycles are collected only from the
    GUI thread's event loop, never inside a Qt call or on a worker thread."""
    gui_collector.install(qapp)
    yield
    gui_collector.uninstall()


@pytest.fixture(autouse=True)
def temporary_settings(tmp_path: Path) -> Iterator[Path]:
    """Every QSettings of the app lands in an INI file under tmp_path."""
    folder = tmp_path / "settings"
    folder.mkdir()
    before = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    QSettings.setDefaultFormat(before)


@pytest.fixture(autouse=True)
def nothing_left_on_screen(qapp: Any) -> Iterator[None]:
    """After each test, hide the top-level windows it left visible (ones it opened
    without ``qtbot.addWidget``, or whose close was refused): a later test that looks
    for "the visible main window" must find its own."""
    yield
    for widget in qapp.topLevelWidgets():
        with contextlib.suppress(RuntimeError):  # deleted meanwhile
            if widget.isVisible():
                widget.hide()


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


@dataclass
class Boxes:
    """Message boxes the code tried to show: (kind, title, text)."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.shown]


_CAPTURED = Boxes()


@pytest.fixture(scope="session", autouse=True)
def message_boxes_never_block() -> Iterator[None]:
    """Static QMessageBox calls are recorded, never shown: a modal box would hang a test
    (even a task outcome delivered while pytest-qt processes events at teardown)."""

    def recorder(kind: str) -> Any:
        def show(parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            _CAPTURED.shown.append((kind, title, text))
            return _CAPTURED.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return staticmethod(show)

    kinds = ("information", "warning", "critical", "question")
    saved = {kind: QMessageBox.__dict__[kind] for kind in kinds if kind in QMessageBox.__dict__}
    for kind in kinds:
        setattr(QMessageBox, kind, recorder(kind))
    yield
    for kind, original in saved.items():
        setattr(QMessageBox, kind, original)


@pytest.fixture()
def boxes() -> Boxes:
    """The message boxes shown during this test."""
    _CAPTURED.shown.clear()
    _CAPTURED.answer = QMessageBox.StandardButton.Yes
    return _CAPTURED


@dataclass(frozen=True)
class Seeded:
    pending: int
    conflicts: int
    customers: int
    work_orders: int
    last_sync_local: str


def seed(engine: sa.Engine) -> Seeded:
    """A branch with staff, 3 accounts (one deleted), 2 orders, and a sync history:
    5 outbox rows not yet acknowledged (3 unbatched, 2 in a sent batch) plus 4 in an
    acknowledged batch; 2 open conflicts and 1 resolved; a good sync at 10:00 and a
    failed one at 12:00 (Shanghai)."""
    with Session(engine) as s, s.begin():
        s.info[capture.APPLYING] = True  # rows already at HQ: only the hand-made outbox is pending
        branch = Branch(code="NJ", name="南京分公司")
        other = Branch(code="AA", name="另一分公司")
        s.add_all([branch, other])
        s.flush()
        s.add_all(
            [
                Staff(branch_id=branch.id, login="am1", name="王芳", role="am"),
                Staff(branch_id=branch.id, login="boss", name="李强", role="leader"),
                Staff(branch_id=other.id, login="old", name="赵旧", role="admin", active=False),
            ]
        )
        product = Product(code="DDN", name="DDN数字电路", family="circuit", promised_days=5)
        s.add(product)
        s.flush()
        customers = [
            Customer(
                branch_id=branch.id,
                name=f"南京客户{i}",
                credit_code="11330100MB1234567E",
                category="government",
                level="provincial",
                grade="A",
                opened_at=T0,
                deleted_at=T0 if i == 2 else None,
            )
            for i in range(3)
        ]
        s.add_all(customers)
        s.flush()
        for n in range(2):
            s.add(
                WorkOrder(
                    branch_id=branch.id,
                    order_no=f"GD{n}",
                    customer_id=customers[0].id,
                    product_id=product.id,
                    state="submitted",
                    promised_days=5,
                    value=Decimal("10.00"),
                )
            )
        sent = SyncBatch(batch_id="b-sent", batch_seq=1, created_at=T0, sent_at=T0)
        acked = SyncBatch(batch_id="b-acked", batch_seq=2, created_at=T0, acked_at=T0)
        s.add_all([sent, acked])
        s.flush()
        for i, batch in enumerate([None] * 3 + ["b-sent"] * 2 + ["b-acked"] * 4):
            s.add(
                OutboxEntry(
                    table_name="customers",
                    row_id=f"r{i}",
                    op="upsert",
                    payload={},
                    hlc=f"h{i}",
                    created_at=T0,
                    batch_id=batch,
                )
            )
        for i, resolved in enumerate([None, None, T0]):
            s.add(
                SyncConflict(
                    table_name="customers",
                    row_id=f"c{i}",
                    field="phone",
                    kept_value="1",
                    lost_value="2",
                    kept_hlc="a",
                    lost_hlc="b",
                    detected_at=T0,
                    resolved_at=resolved,
                )
            )
        s.add(SyncLogEntry(started_at=T0, finished_at=T0))
        later = T0.replace(hour=4)
        s.add(SyncLogEntry(started_at=later, finished_at=later, error_code="sync.offline"))
    return Seeded(
        pending=5, conflicts=2, customers=2, work_orders=2, last_sync_local="2026-11-20 10:00"
    )


@pytest.fixture()
def seeded(engine: sa.Engine) -> Seeded:
    return seed(engine)


@pytest.fixture()
def runner(qapp: Any) -> Iterator[TaskRunner]:
    runner = TaskRunner(dialog_delay_ms=0)
    yield runner
    runner.shutdown(wait=True)


@pytest.fixture()
def prefs() -> Preferences:
    return Preferences()


@pytest.fixture()
def make_window(
    qtbot: Any, engine: sa.Engine, runner: TaskRunner, prefs: Preferences, tmp_path: Path
) -> Any:
    """Build the main window the way the app does, and wait until it shows real data."""

    def make(**kwargs: Any) -> MainWindow:
        window = show_main_window(qtbot, Services(engine), runner, prefs, tmp_path, **kwargs)
        qtbot.waitUntil(lambda: not runner.active_tasks(), timeout=5000)
        return window

    return make


def show_main_window(
    qtbot: Any,
    services: Services,
    runner: TaskRunner,
    prefs: Preferences,
    tmp_path: Path,
    **kwargs: Any,
) -> MainWindow:
    """The main window built the way the app builds it, shown (its start-up tasks may
    still run); the default database and the log file are under ``tmp_path``."""
    window = MainWindow(
        services=services,
        runner=runner,
        prefs=prefs,
        language=LanguageSwitcher(),
        default_database=tmp_path / "default" / "kamdesk.sqlite",
        log_file=tmp_path / "kamdesk.log",
        **kwargs,
    )
    qtbot.addWidget(window)
    window.show()
    return window
