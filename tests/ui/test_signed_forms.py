"""The completion form and the AM sign-off carry a signature: the workstation lead's
and the account manager's, each with the signed-in person's name as the editable
default; an empty pad is refused before anything is sent; the keyboard still works."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kamdesk.errors import KamdeskError
from kamdesk.ui.workorders.completion_form import CompletionFormDialog
from kamdesk.ui.workorders.form_dialog import FormDialog
from kamdesk.ui.workorders.sign_off_dialog import SignOffDialog
from kamdesk.ui.workorders.signature_box import Signed
from tests.ui.keyboard import type_text
from tests.ui.signing import sign_name


def shown(qtbot: Any, form: FormDialog) -> FormDialog:
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def captions(form: FormDialog) -> list[str]:
    out = []
    for row in range(form.form.rowCount()):
        item = form.form.itemAt(row, form.form.ItemRole.LabelRole)
        if item is not None and isinstance(item.widget(), QLabel):
            out.append(item.widget().text())
    return out


def tab_to(qtbot: Any, form: FormDialog, widget: Any) -> None:
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert form.focusWidget() is widget


@pytest.mark.parametrize("dialog", [CompletionFormDialog, SignOffDialog])
def test_an_empty_pad_is_refused_and_nothing_is_sent(qtbot, dialog):
    sent: list[Signed] = []
    form = shown(qtbot, dialog(sent.append, "王芳"))
    if isinstance(form, CompletionFormDialog):
        type_text(qtbot, form.results, "电路开通")
    qtbot.keyClick(form.save_button, Qt.Key.Key_Return)
    assert form.isVisible() and sent == []
    assert form.error_label.text() == KamdeskError("signature.empty").message()


def test_the_completion_form_signs_as_workstation_lead(qtbot):
    sent: list[Signed] = []
    form = shown(qtbot, CompletionFormDialog(sent.append, "王芳"))
    assert captions(form) == ["竣工结果 *", "测试结果", "工位负责人 *", "工位负责人签字 *"]
    assert form.focusWidget() is form.results
    type_text(qtbot, form.results, "电路开通，业务正常")
    tab_to(qtbot, form, form.test_results)
    tab_to(qtbot, form, form.signer)
    tab_to(qtbot, form, form.pad)
    assert form.signer.text() == "王芳"
    sign_name(qtbot, form.pad)
    assert form.is_dirty()
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.save_button, Qt.Key.Key_Return)
    [signed] = sent
    assert signed.payload == {"results": "电路开通，业务正常", "test_results": ""}
    assert signed.signature.role == "workstation" and signed.signature.signer_name == "王芳"
    assert signed.signature.png.startswith(b"\x89PNG") and len(signed.signature.strokes) == 2


def test_the_sign_off_signs_as_account_manager_with_a_note(qtbot):
    sent: list[Signed] = []
    form = shown(qtbot, SignOffDialog(sent.append, "王芳"))
    assert form.windowTitle() == "客户经理签收"
    assert captions(form) == ["备注", "客户经理 *", "客户经理签字 *"]
    assert form.focusWidget() is form.text
    type_text(qtbot, form.text, "资料齐全")
    tab_to(qtbot, form, form.signer)
    form.signer.clear()
    qtbot.keyClick(form.save_button, Qt.Key.Key_Return)  # no name
    assert form.isVisible() and "客户经理" in form.error_label.text()
    type_text(qtbot, form.signer, "赵敏")
    sign_name(qtbot, form.pad)
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.save_button, Qt.Key.Key_Return)
    [signed] = sent
    assert signed.payload == {"note": "资料齐全"}
    assert signed.signature.role == "am" and signed.signature.signer_name == "赵敏"


def test_esc_on_a_signed_pad_asks_before_throwing_the_signature_away(qtbot, boxes):
    form = shown(qtbot, SignOffDialog(lambda _: None, "王芳"))
    sign_name(qtbot, form.pad)
    boxes.answer = boxes.answer.No
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible() and boxes.kinds() == ["question"]
