"""协议: the account's agreements and, below, their monthly split summed into the
expected revenue of each month."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import AgreementView, RevenuePoint
from kamdesk.ui.customer_file.agreement_dialog import AgreementDialog
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import day, money
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row


class AgreementsTab(QWidget):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.dialog: AgreementDialog | None = None
        headers = [
            tr("Agreement number"),
            tr("Title"),
            tr("Signed on"),
            tr("Starts on"),
            tr("Ends on"),
            tr("Total value"),
            tr("Expected revenue"),
        ]
        self.table = RecordTable(RecordTableModel(headers, frozenset({5, 6})))
        self.table.setAccessibleName(tr("Agreements"))
        self.months = RecordTable(
            RecordTableModel([tr("Month"), tr("Expected revenue")], frozenset({1}))
        )
        self.months.setAccessibleName(tr("Expected revenue by month"))
        self.add_button = QPushButton(tr("New agreement…"))
        self.add_button.clicked.connect(self.add_agreement)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.months)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)

    def set_editable(self, editable: bool) -> None:
        self.add_button.setEnabled(editable)

    def show_agreements(
        self, agreements: Sequence[AgreementView], by_month: Sequence[RevenuePoint]
    ) -> None:
        self.table.records.set_rows(
            [
                Row(
                    a.id,
                    (
                        a.number,
                        a.title,
                        day(a.signed_on),
                        day(a.starts_on),
                        day(a.ends_on),
                        money(a.total_value),
                        money(a.expected_revenue),
                    ),
                )
                for a in agreements
            ]
        )
        self.months.records.set_rows(
            [
                Row(p.month.isoformat(), (f"{p.month.year}-{p.month.month:02d}", money(p.amount)))
                for p in by_month
            ]
        )

    def add_agreement(self) -> None:
        self.dialog = AgreementDialog(self.context, parent=self)
        self.dialog.saved.connect(lambda _result: self.context.reload())
        self.dialog.open()
