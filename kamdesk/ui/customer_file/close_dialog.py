"""离网: close the account with its reason. The file stays readable; nothing can be
changed in it afterwards, so the dialog says so before saving."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.validation import Problems, required
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.formatting import NOTE_STYLE


class CloseAccountDialog(EditDialog):
    def __init__(self, context: FileContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("Close the account (leave the network)"), context, parent)
        warning = QLabel(
            tr(
                "{name} will be marked as having left the network (离网) now. The file stays "
                "readable but can no longer be changed.",
                name=name,
            )
        )
        warning.setWordWrap(True)
        warning.setStyleSheet(NOTE_STYLE)
        self.form.addRow(warning)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(90)
        self.fields.add("reason", tr("Reason"), self.reason_edit, required=True)
        self.save_button.setText(tr("Close the account"))
        self.finish_form()

    def problems(self) -> Problems:
        problems: Problems = {}
        required(problems, "reason", self.reason_edit.toPlainText(), 2000)
        return problems

    def work(self) -> Callable[[], object]:
        context, reason = self.context, self.reason_edit.toPlainText()
        customer_id = context.require_id()
        return lambda: context.service.close_customer(customer_id, reason, context.actor)
