"""协议: the account's agreements and, below, their monthly split summed into the
expected revenue of each month."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

from kamdesk.i18n import tr
from kamdesk.services.customer_file.views import AgreementView, RevenuePoint
from kamdesk.ui.customer_file.agreement_dialog import AgreementDialog
from kamdesk.ui.customer_file.context import FileContext
from kamdesk.ui.customer_file.formatting import day, money
from kamdesk.ui.customer_file.record_table import RecordTable, RecordTableModel, Row
from kamdesk.ui.customer_file.records_tab import RecordsTab


class AgreementsTab(RecordsTab[AgreementView]):
    def __init__(self, context: FileContext, parent: QWidget | None = None) -> None:
        headers = [
            tr("Agreement number"),
            tr("Title"),
            tr("Signed on"),
            tr("Starts on"),
            tr("Ends on"),
            tr("Total value"),
            tr("Expected revenue"),
        ]
        super().__init__(
            context,
            headers=headers,
            name=tr("Agreements"),
            add_text=tr("New agreement…"),
            right_aligned=frozenset({5, 6}),
            parent=parent,
        )
        self.months = RecordTable(
            RecordTableModel([tr("Month"), tr("Expected revenue")], frozenset({1}))
        )
        self.months.setAccessibleName(tr("Expected revenue by month"))
        self.add_button.clicked.connect(self.add_agreement)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.months)
        self._lay_out(body=splitter)

    def show_agreements(
        self, agreements: Sequence[AgreementView], by_month: Sequence[RevenuePoint]
    ) -> None:
        self._show(agreements, _cells)
        self.months.records.set_rows(
            [
                Row(p.month.isoformat(), (f"{p.month.year}-{p.month.month:02d}", money(p.amount)))
                for p in by_month
            ]
        )

    def add_agreement(self) -> None:
        self._open(AgreementDialog(self.context, parent=self))


def _cells(a: AgreementView) -> tuple[str, ...]:
    return (
        a.number,
        a.title,
        day(a.signed_on),
        day(a.starts_on),
        day(a.ends_on),
        money(a.total_value),
        money(a.expected_revenue),
    )
