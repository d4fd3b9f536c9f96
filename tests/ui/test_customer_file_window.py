"""The customer file window driven through its real widgets: open an account, add a key
person (a bad phone is refused with the clear message, the fixed one is saved),
record a visit, create an account, and never lose unsaved edits on close."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy.orm import Session

from kamdesk.db.models import Branch, Customer, IndustryGroup, Staff
from kamdesk.domain.clock import utcnow
from kamdesk.domain.customers.funnel import next_stages
from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.customer_file.drafts import ComplaintDraft, CustomerDraft, OpportunityDraft
from kamdesk.services.customer_file.vocabulary import (
    COMPLAINT_STATE_LABELS,
    FUNNEL_STAGE_LABELS,
    ComplaintState,
    FunnelStage,
)
from kamdesk.ui.customer_file.complaint_step_dialog import STEP_TITLES
from kamdesk.ui.customer_file.window import CustomerFileWindow
from kamdesk.ui.tasks import TaskRunner
from tests.ui.conftest import Boxes, seed

CODE = "91110105MAH4BXKF1P"


@pytest.fixture()
def actor(engine: sa.Engine) -> Actor:
    with Session(engine) as s, s.begin():
        branch = Branch(code="BJ", name="北京分公司")
        s.add_all([branch, IndustryGroup(code="it", name="IT行业组")])
        s.flush()
        am = Staff(branch_id=branch.id, login="am1", name="王芳", role="am")
        s.add(am)
        s.flush()
        return Actor(am.id, am.name, am.role, branch.id)


@pytest.fixture()
def customer_id(engine: sa.Engine, actor: Actor) -> str:
    outcome = Services(engine).customer_file.create_customer(
        CustomerDraft(name="北京某某科技有限公司", credit_code=CODE), actor
    )
    assert outcome.customer_id is not None
    return outcome.customer_id


@pytest.fixture()
def open_file(qtbot: Any, engine: sa.Engine, runner: TaskRunner, actor: Actor) -> Any:
    def open_(customer_id: str | None) -> CustomerFileWindow:
        window = CustomerFileWindow(Services(engine), runner, actor, customer_id)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.loaded, timeout=5000):
            window.show()
        return window

    return open_


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` the way a Chinese input method commits it (QTest types ASCII only)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def settle(qtbot: Any, runner: TaskRunner) -> None:
    qtbot.waitUntil(lambda: not runner.active_tasks(), timeout=5000)


def test_opening_shows_the_account(open_file: Any, customer_id: str) -> None:
    window = open_file(customer_id)
    assert window.file is not None
    assert "北京某某科技有限公司" in window.windowTitle()
    assert window.overview_tab.form.code_edit.text() == CODE
    assert window.tabs.count() == 8 and all(
        window.tabs.isTabEnabled(i) for i in range(window.tabs.count())
    )
    assert len(window.overview_tab.chart.points) == 12
    history = window.overview_tab.grade_history.records  # graded when created
    assert history.rowCount() == 1
    assert history.index(0, 1).data() == window.file.overview.grade
    assert not window.dirty


def test_key_person_with_a_bad_phone_is_refused_then_saved(
    qtbot: Any, open_file: Any, customer_id: str, runner: TaskRunner, engine: sa.Engine
) -> None:
    window = open_file(customer_id)
    tab = window.key_persons_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.name_edit, "李总")
    qtbot.keyClicks(dialog.mobile_edit, "1380013800")
    qtbot.keyClick(dialog.mobile_edit, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert dialog.isVisible()
    assert dialog.fields.error_text("mobile") == "手机号码应为11位，“1380013800”有10位"
    assert dialog.name_edit.text() == "李总"  # nothing typed is lost
    assert tab.table.model().rowCount() == 0

    dialog.mobile_edit.clear()
    qtbot.keyClicks(dialog.mobile_edit, "138 0013 8000")
    with qtbot.waitSignal(window.loaded, timeout=5000):
        qtbot.keyClick(dialog.mobile_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    model = tab.table.model()
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "李总"
    assert model.index(0, 5).data() == "13800138000"
    assert [p.person.name for p in tab.map.placed] == ["李总"]


def test_recording_a_visit_shows_it_and_moves_the_last_visit(
    qtbot: Any, open_file: Any, customer_id: str
) -> None:
    window = open_file(customer_id)
    assert window.file.overview.last_visit_at is None
    tab = window.visits_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None
    type_text(dialog.purpose_edit, "季度走访")
    type_text(dialog.participants_edit, "王芳、李总")
    dialog.hidden_edit.setPlainText("担心割接影响业务")
    with qtbot.waitSignal(window.loaded, timeout=5000):
        qtbot.keyClick(dialog.purpose_edit, Qt.Key.Key_Return)
    assert tab.table.model().rowCount() == 1
    assert tab.table.model().index(0, 3).data() == "季度走访"
    assert tab.table.model().index(0, 6).data() == "担心割接影响业务"
    last = window.file.overview.last_visit_at
    assert last is not None
    shown = tab.table.model().index(0, 1).data()
    assert shown and shown in tab.last_visit_label.text()
    assert shown in window.overview_tab.facts_label.text()


def select_row(table: Any, row: int) -> None:
    table.selectRow(row)
    assert table.current_id() is not None


def test_a_complaint_moves_one_step_from_its_selected_row(
    qtbot: Any, open_file: Any, customer_id: str, engine: sa.Engine, actor: Actor
) -> None:
    now = utcnow()
    Services(engine).customer_file.add_complaint(
        customer_id,
        ComplaintDraft(now, now + timedelta(days=2), "网络故障", "专线中断两小时"),
        actor,
    )
    window = open_file(customer_id)
    tab = window.complaints_tab
    window.tabs.setCurrentWidget(tab)
    assert not tab.step_button.isEnabled() and tab.step_button.text() == "下一步…"
    select_row(tab.table, 0)
    assert tab.step_button.isEnabled()
    assert tab.step_button.text() == tr(STEP_TITLES[ComplaintState.HANDLED]) + "…"
    tab.set_editable(False)  # what a closed account does
    assert not tab.step_button.isEnabled() and not tab.add_button.isEnabled()
    tab.set_editable(True)

    qtbot.mouseClick(tab.step_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.notes_edit.setPlainText("更换光模块后恢复")
    with qtbot.waitSignal(window.loaded, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    model = tab.table.model()
    assert model.index(0, 3).data() == tr(COMPLAINT_STATE_LABELS[ComplaintState.HANDLED])
    assert model.index(0, 8).data() == "更换光模块后恢复"
    select_row(tab.table, 0)
    assert tab.step_button.text() == tr(STEP_TITLES[ComplaintState.CLOSED]) + "…"


def test_an_opportunity_moves_to_a_stage_offered_for_its_row(
    qtbot: Any, open_file: Any, customer_id: str, engine: sa.Engine, actor: Actor
) -> None:
    Services(engine).customer_file.save_opportunity(
        customer_id, OpportunityDraft("云专线扩容"), actor
    )
    window = open_file(customer_id)
    tab = window.opportunities_tab
    window.tabs.setCurrentWidget(tab)
    assert not tab.move_button.isEnabled() and tab.stage_combo.count() == 0
    select_row(tab.table, 0)
    offered = [tab.stage_combo.itemData(i) for i in range(tab.stage_combo.count())]
    assert offered == [s.value for s in next_stages(FunnelStage.LEAD)]
    assert tab.move_button.isEnabled() and tab.edit_button.isEnabled()
    with qtbot.waitSignal(window.loaded, timeout=5000):
        qtbot.mouseClick(tab.move_button, Qt.MouseButton.LeftButton)
    moved = next_stages(FunnelStage.LEAD)[0]
    assert tab.table.model().index(0, 2).data() == tr(FUNNEL_STAGE_LABELS[moved])


def test_closing_with_unsaved_edits_asks_and_keeps_them(
    qtbot: Any, open_file: Any, customer_id: str, boxes: Boxes, engine: sa.Engine
) -> None:
    window = open_file(customer_id)
    form = window.overview_tab.form
    type_text(form.address_edit, "北京市朝阳区建国路1号")
    assert window.dirty and window.windowTitle().startswith("• ")

    boxes.answer = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert boxes.kinds() == ["question"] and window.isVisible()
    assert form.address_edit.text() == "北京市朝阳区建国路1号"

    boxes.answer = QMessageBox.StandardButton.Save
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    with Session(engine) as s:
        stored = s.get(Customer, customer_id)
        assert stored is not None and stored.address == "北京市朝阳区建国路1号"


def test_discarding_closes_without_saving(
    qtbot: Any, open_file: Any, customer_id: str, boxes: Boxes, engine: sa.Engine
) -> None:
    window = open_file(customer_id)
    type_text(window.overview_tab.form.address_edit, "不要保存")
    boxes.answer = QMessageBox.StandardButton.Discard
    assert window.close()
    with Session(engine) as s:
        stored = s.get(Customer, customer_id)
        assert stored is not None and stored.address == ""


def test_a_dialog_with_unsaved_edits_asks_on_escape(
    qtbot: Any, open_file: Any, customer_id: str, boxes: Boxes
) -> None:
    window = open_file(customer_id)
    qtbot.mouseClick(window.care_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = window.care_tab.dialog
    assert dialog is not None
    type_text(dialog.title_edit, "春节慰问")
    boxes.answer = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert boxes.kinds() == ["question"] and dialog.isVisible()
    boxes.answer = QMessageBox.StandardButton.Discard
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_creating_an_account_warns_about_a_duplicate_first(
    qtbot: Any, open_file: Any, customer_id: str, boxes: Boxes, runner: TaskRunner
) -> None:
    window = open_file(None)
    assert not window.tabs.isTabEnabled(1)
    form = window.overview_tab.form
    type_text(form.name_edit, "北京 某某科技（有限责任公司）")
    qtbot.keyClicks(form.code_edit, CODE[:-1] + "0")
    qtbot.keyClick(form.code_edit, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert form.fields.error_text("credit_code") == "统一社会信用代码第18位校验码不正确，请核对"
    form.code_edit.clear()
    qtbot.keyClicks(form.code_edit, "911101051907483345")
    boxes.answer = QMessageBox.StandardButton.No
    qtbot.keyClick(form.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: boxes.kinds() == ["question"], timeout=5000)
    settle(qtbot, runner)
    assert window.is_new and window.dirty
    boxes.answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(window.created, timeout=5000) as created:
        qtbot.keyClick(form.code_edit, Qt.Key.Key_Return)
    assert created.args[0] != customer_id
    qtbot.waitUntil(lambda: window.file is not None, timeout=5000)
    assert window.tabs.isTabEnabled(1) and not window.dirty


def test_main_window_opens_one_window_per_account_and_closes_them(
    qtbot: Any, make_window: Any, engine: sa.Engine, boxes: Boxes, runner: TaskRunner
) -> None:
    seed(engine)
    with Session(engine) as s:
        customer_id = (
            s.execute(
                sa.select(Customer.id).where(Customer.deleted_at.is_(None)).order_by(Customer.name)
            )
            .scalars()
            .first()
        )
    main = make_window()
    main.open_customer_file(customer_id)
    qtbot.waitUntil(lambda: len(main.customer_files.windows) == 1, timeout=5000)
    [window] = main.customer_files.windows
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.file is not None, timeout=5000)
    assert window.context.actor.name == "李强"  # the shell's user
    main.open_customer_file(customer_id)
    settle(qtbot, runner)
    assert main.customer_files.windows == [window]

    type_text(window.overview_tab.form.district_edit, "朝阳区")
    boxes.answer = QMessageBox.StandardButton.Cancel
    assert not main.close()
    assert window.isVisible() and main.isVisible()
    main.hide()  # its close was refused: no main window of this test stays on screen
