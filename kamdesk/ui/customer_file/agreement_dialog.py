"""Add an agreement (协议) with its monthly revenue split. The split starts even over
the term (拆分到月) and each month may be changed; it must add up to the value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from kamdesk.domain.clock import local, utcnow
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.customer_file.drafts import AgreementDraft, MonthShare
from kamdesk.services.customer_file.months import even_split
from kamdesk.services.customer_file.validation import Problems, agreement_problems
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.edit_dialog import EditDialog
from kamdesk.ui.customer_file.inputs import date_edit, date_of, money_of, money_spin

define({"customer_file.amount_text": N_("'{text}' in the monthly split is not an amount")})


class AgreementDialog(EditDialog):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(tr("New agreement"), context, parent)
        today = local(utcnow()).date()
        self.number_edit = QLineEdit()
        self.title_edit = QLineEdit()
        self.signed_edit = date_edit(today)
        self.starts_edit = date_edit(today.replace(day=1))
        self.ends_edit = date_edit(date(today.year + 1, today.month, 1) - timedelta(days=1))
        self.total_spin = money_spin()
        self.split_table = QTableWidget(0, 2)
        self.split_table.setHorizontalHeaderLabels([tr("Month"), tr("Expected revenue")])
        self.split_table.verticalHeader().hide()
        self.split_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.split_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.split_table.setMinimumHeight(160)
        self.even_button = QPushButton(tr("Split evenly"))
        self.even_button.clicked.connect(self.split_evenly)
        f = self.fields
        f.add("number", tr("Agreement number"), self.number_edit, required=True)
        f.add("title", tr("Title"), self.title_edit, required=True)
        f.add("signed_on", tr("Signed on"), self.signed_edit, required=True)
        f.add("starts_on", tr("Starts on"), self.starts_edit, required=True)
        f.add("ends_on", tr("Ends on"), self.ends_edit, required=True)
        f.add("total_value", tr("Total value"), self.total_spin, required=True)
        f.add("months", tr("Monthly split"), self.split_table)
        self.form.addRow("", self.even_button)
        for edit in (self.starts_edit, self.ends_edit):
            edit.dateChanged.connect(self.split_evenly)
        self.total_spin.valueChanged.connect(self.split_evenly)
        self.split_table.itemChanged.connect(lambda _item: self._mark_dirty())
        self.split_evenly()
        self.finish_form()

    def split_evenly(self) -> None:
        """Refill the split evenly over the term's months."""
        shares = even_split(
            date_of(self.starts_edit), date_of(self.ends_edit), money_of(self.total_spin)
        )
        self.split_table.blockSignals(True)
        self.split_table.setRowCount(len(shares))
        for row, share in enumerate(shares):
            month = QTableWidgetItem(f"{share.month.year}-{share.month.month:02d}")
            month.setData(Qt.ItemDataRole.UserRole, share.month.isoformat())
            month.setFlags(month.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.split_table.setItem(row, 0, month)
            self.split_table.setItem(row, 1, QTableWidgetItem(f"{share.amount:.2f}"))
        self.split_table.blockSignals(False)

    def _shares(self) -> tuple[tuple[MonthShare, ...], KamdeskError | None]:
        shares = []
        for row in range(self.split_table.rowCount()):
            month_item, amount_item = self.split_table.item(row, 0), self.split_table.item(row, 1)
            text = amount_item.text().strip().replace(",", "") if amount_item else ""
            try:
                amount = Decimal(text or "0").quantize(Decimal("0.01"))
            except InvalidOperation:
                return (), KamdeskError("customer_file.amount_text", text=text)
            if month_item is None:
                continue
            month = date.fromisoformat(str(month_item.data(Qt.ItemDataRole.UserRole)))
            shares.append(MonthShare(month, amount))
        return tuple(shares), None

    def draft(self) -> AgreementDraft:
        shares, _ = self._shares()
        return AgreementDraft(
            number=self.number_edit.text(),
            title=self.title_edit.text(),
            signed_on=date_of(self.signed_edit),
            starts_on=date_of(self.starts_edit),
            ends_on=date_of(self.ends_edit),
            total_value=money_of(self.total_spin),
            months=shares,
        )

    def problems(self) -> Problems:
        problems = agreement_problems(self.draft())
        _, bad_amount = self._shares()
        if bad_amount is not None:
            problems["months"] = bad_amount
        return problems

    def work(self) -> Callable[[], object]:
        context, draft = self.context, self.draft()
        customer_id = context.require_id()
        return lambda: context.service.add_agreement(customer_id, draft, context.actor)
