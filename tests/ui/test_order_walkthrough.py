"""Issue 4's acceptance walk: one order from draft to archive through the real forms.

Each person opens the order in their own window and sees only the buttons the rules
give them; the forms are filled with the keyboard and mouse as a user would, including
one return order and the three signatures — workstation lead on the completion form,
customer on acceptance, account manager on sign-off — drawn with simulated mouse
strokes; the signed PDF then shows all three signature blocks.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt

from kamdesk.domain.workorders.vocabulary import (
    Action,
    DispatchMode,
    ResourceOutcome,
    ReturnReason,
    Role,
    State,
    StepState,
)
from kamdesk.errors import KamdeskError
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.uow import read_session
from kamdesk.services.workorders import OrderScope, store
from kamdesk.services.workorders.printing import build_context
from kamdesk.ui.workorders.acceptance_dialog import AcceptanceDialog
from kamdesk.ui.workorders.choices import OrderChoices
from kamdesk.ui.workorders.completion_form import CompletionFormDialog
from kamdesk.ui.workorders.demand_form import DemandFormDialog
from kamdesk.ui.workorders.dispatch_form import DispatchFormDialog
from kamdesk.ui.workorders.form_dialog import FormDialog
from kamdesk.ui.workorders.order_window import OrderWindow
from kamdesk.ui.workorders.orders_page import OrdersPage
from kamdesk.ui.workorders.resource_form import ResourceConfirmationDialog
from kamdesk.ui.workorders.return_dialog import ReturnOrderDialog
from kamdesk.ui.workorders.sign_off_dialog import SignOffDialog
from kamdesk.ui.workorders.step_dialog import StepActionDialog
from tests.ui.keyboard import type_text
from tests.ui.signing import sign_name


@dataclass(frozen=True)
class Branch:
    services: Services
    customer_id: str
    customer_name: str

    def actor(self, role: Role, **where: str) -> Actor:
        """The first staff member of ``role`` matching ``where`` (column = value)."""
        sql = (
            "SELECT id, name, role, branch_id, industry_group_id, workstation_id FROM staff "
            "WHERE role = :role"
        )
        for column in where:
            sql += f" AND {column} = :{column}"
        with self.services.engine.connect() as c:
            row = c.execute(sa.text(sql + " ORDER BY id LIMIT 1"), {"role": role.value, **where})
            return Actor(*row.one())

    def scalar(self, sql: str, **params: str) -> Any:
        with self.services.engine.connect() as c:
            return c.execute(sa.text(sql), params).scalar_one()


@pytest.fixture()
def branch(engine: sa.Engine) -> Branch:
    """A demo branch (staff of every role, workstations, products) with no orders."""
    generate_demo(engine, DemoSpec(accounts=6, orders=0, seed=3, workers=0))
    services = Services(engine)
    with engine.connect() as c:
        customer_id, name = c.execute(
            sa.text("SELECT id, name FROM customers WHERE grade = 'A' ORDER BY id LIMIT 1")
        ).one()
    return Branch(services, customer_id, name)


def open_as(qtbot: Any, branch: Branch, actor: Actor, order_id: str) -> OrderWindow:
    window = OrderWindow(
        branch.services.work_orders, OrderChoices(branch.services.engine), actor, order_id
    )
    qtbot.addWidget(window)
    window.show()
    return window


def act(
    qtbot: Any,
    window: OrderWindow,
    action: Action,
    fill: Callable[[Any], None] | None = None,
) -> None:
    """Click the action's button, fill its form, save with Enter, and see it close."""
    qtbot.mouseClick(window.action_buttons[action], Qt.MouseButton.LeftButton)
    form = window.open_form
    assert form is not None and form.isVisible()
    if fill is not None:
        fill(form)
    with qtbot.waitSignal(form.saved, timeout=3000):
        qtbot.keyClick(form.save_button, Qt.Key.Key_Return)
    assert not form.isVisible(), form.error_label.text()


def buttons(window: OrderWindow) -> set[Action]:
    return set(window.action_buttons)


def test_one_order_walks_from_draft_to_archive(qtbot, branch: Branch, boxes, tmp_path: Path):
    owner_id, group_id = (
        branch.scalar("SELECT owner_id FROM customers WHERE id = :i", i=branch.customer_id),
        branch.scalar(
            "SELECT industry_group_id FROM customers WHERE id = :i", i=branch.customer_id
        ),
    )
    am = branch.actor(Role.AM, id=owner_id)
    manager = branch.actor(Role.INDUSTRY_MANAGER, industry_group_id=group_id)
    leader = branch.actor(Role.LEADER)
    clerk = branch.actor(Role.CLERK)
    center = branch.actor(Role.RESPONSE_CENTER)
    station_ids = {
        code: branch.scalar("SELECT id FROM workstations WHERE code = :c", c=code)
        for code in ("W01", "W04")
    }
    transmission = branch.actor(Role.WORKSTATION, workstation_id=station_ids["W01"])
    lines = branch.actor(Role.WORKSTATION, workstation_id=station_ids["W04"])

    # -- the account manager drafts the demand form on the orders page ---------------
    page = OrdersPage(branch.services, actor=am)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 0 and page.empty_label.isVisible()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.new_form
    assert isinstance(form, DemandFormDialog)
    type_text(qtbot, form.customer_search, branch.customer_name[:6])
    assert form.customer.currentData() == branch.customer_id
    form.product.setCurrentIndex(form.product.findData(_product_id(branch, "DDN")))
    assert form.form.isRowVisible(form.a_end)  # a circuit product shows its ends
    type_text(qtbot, form.requirement, "新建 2M 数字电路至总部机房，用于视频会议")
    type_text(qtbot, form.a_end, "杭州市西湖区文三路 90 号")
    type_text(qtbot, form.z_end, "杭州市滨江区江南大道 3880 号")
    form.bandwidth.setCurrentText("2M")
    form.interface.setCurrentText("E1")
    type_text(qtbot, form.value, "36000")
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.save_button, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1
    [order_id] = list(page.windows)
    mine = page.windows[order_id]
    qtbot.addWidget(mine)
    assert mine.detail is not None and mine.detail.state is State.DRAFT
    assert buttons(mine) == {Action.EDIT, Action.SUBMIT, Action.CANCEL}
    act(qtbot, mine, Action.SUBMIT)
    assert mine.detail.state is State.SUBMITTED and buttons(mine) == {Action.CANCEL}

    # -- review: the industry manager of the group, then the leader (grade A) --------
    page_of_manager = OrdersPage(branch.services, actor=manager)
    qtbot.addWidget(page_of_manager)
    page_of_manager.show_list(OrderScope.WAITING_ON_ME)
    assert page_of_manager.model.rowCount() == 1
    review = page_of_manager.open_order(order_id)
    assert review is not None
    qtbot.addWidget(review)
    assert buttons(review) == {Action.REVIEW_APPROVE, Action.REVIEW_REJECT}
    act(qtbot, review, Action.REVIEW_APPROVE)
    assert review.detail.state is State.LEADER_REVIEW
    act(qtbot, open_as(qtbot, branch, leader, order_id), Action.LEADER_APPROVE)

    # -- the clerk issues: the promised-time clock starts ----------------------------
    desk = open_as(qtbot, branch, clerk, order_id)
    assert desk.detail.state is State.APPROVED
    act(qtbot, desk, Action.ISSUE, lambda f: type_text(qtbot, f.text, "请尽快安排"))
    assert desk.detail.deadline is not None and desk.detail.deadline.due_at is not None
    qtbot.mouseClick(desk.deadline.explain_button, Qt.MouseButton.LeftButton)
    assert desk.deadline.trace.isVisible()
    trace = desk.deadline.trace_lines()
    assert len(trace) >= 2 and trace == list(desk.detail.deadline.trace)

    # -- the response center confirms resources and dispatches two steps in order ----
    center_window = open_as(qtbot, branch, center, order_id)
    assert Action.CONFIRM_RESOURCES in buttons(center_window)

    def confirm(f: ResourceConfirmationDialog) -> None:
        f.choose(ResourceOutcome.NEEDS_CONSTRUCTION)
        type_text(qtbot, f.detail, "需新放一段尾纤")

    act(qtbot, center_window, Action.CONFIRM_RESOURCES, confirm)
    assert center_window.detail.state is State.CONFIRMED

    def dispatch(f: DispatchFormDialog) -> None:
        f.choose_mode(DispatchMode.SEQUENTIAL)
        f.set_step(0, "W01", 4.0, "局端传输配置")
        qtbot.mouseClick(f.add_button, Qt.MouseButton.LeftButton)
        f.set_step(1, "W04", 8.0, "外线布放尾纤", days=3)

    act(qtbot, center_window, Action.DISPATCH, dispatch)
    detail = center_window.detail
    assert detail.state is State.DISPATCHED
    assert [(s.step_id, s.workstation) for s in detail.steps] == [("1", "W01"), ("2", "W04")]
    assert center_window.steps.rowCount() == 2

    # -- the workstations: W01 does its step; W04 waits for it, then returns its step
    w04 = open_as(qtbot, branch, lines, order_id)
    assert not buttons(w04) & {Action.START_STEP, Action.RETURN_STEP}  # step 1 first
    w01 = open_as(qtbot, branch, transmission, order_id)
    act(qtbot, w01, Action.START_STEP)
    act(qtbot, w01, Action.FINISH_STEP, lambda f: type_text(qtbot, f.text, "配置完成"))
    w04.reload()
    act(qtbot, w04, Action.START_STEP)

    def return_order(f: ReturnOrderDialog) -> None:
        assert [f.step.itemData(i) for i in range(f.step.count())] == ["2"]
        f.choose_reason(ReturnReason.CUSTOMER_NOT_READY)
        type_text(qtbot, f.detail, "客户机房未通电")
        type_text(qtbot, f.emergency, "与客户约定次日上午复装")

    act(qtbot, w04, Action.RETURN_STEP, return_order)
    assert w04.detail.steps[1].state is StepState.RETURNED
    assert w04.returns.rowCount() == 1

    center_window.reload()
    assert Action.RESOLVE_RETURN in buttons(center_window)

    def resolve(f: StepActionDialog) -> None:
        type_text(qtbot, f.text, "客户已通电，重新安排施工")

    act(qtbot, center_window, Action.RESOLVE_RETURN, resolve)
    w04.reload()
    act(qtbot, w04, Action.START_STEP)
    act(qtbot, w04, Action.FINISH_STEP, lambda f: type_text(qtbot, f.text, "尾纤布放完成"))

    # -- the completion form, signed by the workstation lead on the pad ---------------
    center_window.reload()
    qtbot.mouseClick(center_window.action_buttons[Action.COMPLETE], Qt.MouseButton.LeftButton)
    completion = center_window.open_form
    assert isinstance(completion, CompletionFormDialog)
    assert completion.signer.text() == center.name  # the signed-in person, editable
    type_text(qtbot, completion.results, "电路开通，业务运行正常")
    qtbot.keyClick(completion.save_button, Qt.Key.Key_Return)  # the pad is still empty
    assert completion.isVisible() and center_window.detail.state is State.DISPATCHED
    assert completion.error_label.text() == KamdeskError("signature.empty").message()
    completion.signer.selectAll()
    type_text(qtbot, completion.signer, "李工")
    sign_name(qtbot, completion.pad)
    with qtbot.waitSignal(completion.saved):
        qtbot.keyClick(completion.save_button, Qt.Key.Key_Return)
    assert center_window.detail.state is State.COMPLETED
    assert [(s.role, s.signer_name) for s in center_window.detail.signatures] == [
        ("workstation", "李工")
    ]
    [returned] = center_window.detail.returns
    assert returned.reason is ReturnReason.CUSTOMER_NOT_READY and returned.resolved_at

    # -- the customer signs on the account manager's screen --------------------------
    mine.reload()
    qtbot.mouseClick(mine.action_buttons[Action.ACCEPT], Qt.MouseButton.LeftButton)
    signing = mine.open_form
    assert isinstance(signing, AcceptanceDialog)
    type_text(qtbot, signing.signer, "张建国")
    signing.set_score(5)
    qtbot.keyClick(signing.save_button, Qt.Key.Key_Return)  # the pad is still empty
    assert signing.isVisible()
    assert signing.error_label.text() == KamdeskError("signature.empty").message()
    sign_name(qtbot, signing.pad)
    with qtbot.waitSignal(signing.saved):
        qtbot.keyClick(signing.save_button, Qt.Key.Key_Return)
    assert mine.detail.state is State.ACCEPTED
    assert mine.detail.satisfaction == 5 and mine.detail.signer_name == "张建国"
    signature = next(s for s in mine.detail.signatures if s.role == "customer")
    stored = branch.services.work_orders.attachment_data(signature.image_sha256)
    assert stored.startswith(b"\x89PNG")

    # -- the account manager signs off on the pad, the clerk archives ------------------
    qtbot.mouseClick(mine.action_buttons[Action.SIGN_OFF], Qt.MouseButton.LeftButton)
    sign_off = mine.open_form
    assert isinstance(sign_off, SignOffDialog)
    assert sign_off.signer.text() == am.name
    type_text(qtbot, sign_off.text, "客户已签收，资料齐全")
    qtbot.keyClick(sign_off.save_button, Qt.Key.Key_Return)  # the pad is still empty
    assert sign_off.isVisible() and mine.detail.state is State.ACCEPTED
    assert sign_off.error_label.text() == KamdeskError("signature.empty").message()
    sign_name(qtbot, sign_off.pad)
    with qtbot.waitSignal(sign_off.saved):
        qtbot.keyClick(sign_off.save_button, Qt.Key.Key_Return)
    assert mine.detail.state is State.SIGNED_OFF
    desk.reload()
    act(qtbot, desk, Action.ARCHIVE)
    assert desk.detail.state is State.ARCHIVED
    assert buttons(desk) == set()
    timeline = desk.detail.timeline
    assert desk.timeline.rowCount() == len(timeline) == 18
    assert [e.action for e in timeline][-3:] == [Action.ACCEPT, Action.SIGN_OFF, Action.ARCHIVE]
    signers = {s.role: s.signer_name for s in desk.detail.signatures}
    assert signers == {"workstation": "李工", "customer": "张建国", "am": am.name}
    assert boxes.shown == []

    # -- the signed PDF carries all three signature blocks, each with its image -------
    printing = branch.services.work_orders.printing
    with read_session(branch.services.engine) as s:
        ctx = build_context(s, store.order_row(s, order_id), 1, desk.detail.timeline[-1].at)
    printed = {sig.role: (sig.signer_name, sig.png[:8]) for sig in ctx.signatures}
    png = b"\x89PNG\r\n\x1a\n"
    assert printed == {
        "customer": ("张建国", png),
        "am": (am.name, png),
        "workstation": ("李工", png),
    }
    pdf = tmp_path / "signed.pdf"
    printing.print_pdf(order_id, pdf, actor=clerk)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    for caption, name in (
        ("客户签字", "张建国"),
        ("客户经理签字", am.name),
        ("工位负责人签字", "李工"),
    ):
        assert caption in flat and name in flat, (caption, name)


def test_cancelling_a_form_with_edits_asks_first(qtbot, branch: Branch, boxes):
    owner_id = branch.scalar("SELECT owner_id FROM customers WHERE id = :i", i=branch.customer_id)
    page = OrdersPage(branch.services, actor=branch.actor(Role.AM, id=owner_id))
    qtbot.addWidget(page)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form: FormDialog = page.new_form
    type_text(qtbot, form.requirement, "半句话")
    boxes.answer = boxes.answer.No
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible() and boxes.kinds() == ["question"]
    boxes.answer = boxes.answer.Yes
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert page.model.rowCount() == 0


def _product_id(branch: Branch, code: str) -> str:
    return str(branch.scalar("SELECT id FROM products WHERE code = :c", c=code))
