"""Step 4: the first key accounts: import an Excel sheet, load a small demo, or skip.

Import is the customer list's own flow (:class:`CustomerExcelActions`: dry run,
preview, commit). The demo goes into this database, for this admin's branch
(:func:`kamdesk.services.demo.first_run.add_demo_data`); it is not offered on a
computer registered with HQ. Both run in the background with progress.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.customer_list import CustomerFilter
from kamdesk.ui.customer_file.formatting import ERROR_STYLE, NOTE_STYLE
from kamdesk.ui.customers.excel_actions import CustomerExcelActions
from kamdesk.ui.first_run.step import StepPage, note_label
from kamdesk.ui.messages import failure_text
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner

if TYPE_CHECKING:
    from kamdesk.services.demo import DemoSummary

DEMO_ACCOUNTS = 60
DEMO_ORDERS = 400
"""A demo small enough to load in a few seconds on a branch PC."""


class DataPage(StepPage):
    """Two buttons and the outcome; Finish (or skip) whenever nothing runs."""

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.actor: Actor | None = None
        self.setTitle(tr("Key accounts"))
        self.setSubTitle(
            tr(
                "Start with your key accounts from an Excel sheet, or try KAMDesk with "
                "invented demo data. You can also skip this step."
            )
        )
        self.excel = CustomerExcelActions(services, runner, CustomerFilter, self)
        self.excel.imported.connect(self._imported)
        self.import_button = QPushButton(tr("Import key accounts from Excel…"))
        self.import_button.clicked.connect(lambda: self.excel.choose_import())
        import_note = note_label(
            tr("Later: Customers → Excel → Import…; the template is in the same menu.")
        )
        self.demo_button = QPushButton(tr("Load demo data"))
        self.demo_button.clicked.connect(self.load_demo)
        self.demo_note = note_label(
            tr(
                "{accounts} invented key accounts with {orders} work orders, for trying "
                "KAMDesk. Later: Settings → Demo data (into a new file).",
                accounts=DEMO_ACCOUNTS,
                orders=DEMO_ORDERS,
            )
        )
        self.outcome_label = note_label()
        self.outcome_label.setAccessibleName(tr("Outcome"))
        skip_note = note_label(tr("To skip, click Finish."))
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.import_button, 0, 0)
        grid.addWidget(import_note, 0, 1)
        grid.addWidget(self.demo_button, 1, 0)
        grid.addWidget(self.demo_note, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(self.outcome_label)
        layout.addStretch(1)
        layout.addWidget(skip_note)

    def set_registered(self) -> None:
        """This computer is registered with HQ now: no invented accounts."""
        self.demo_button.setEnabled(False)
        self.demo_note.setText(tr("Demo data is not offered on a computer registered with HQ."))

    def load_demo(self) -> TaskHandle | None:
        """Fill this database with a small demo for the admin's branch (in the background)."""
        if self.actor is None or self.busy:
            return None
        from kamdesk.services.demo import DemoSpec  # pypinyin and friends: only when asked
        from kamdesk.services.demo.first_run import add_demo_data

        work = functools.partial(
            add_demo_data,
            self._services.engine,
            self.actor,
            DemoSpec(accounts=DEMO_ACCOUNTS, orders=DEMO_ORDERS),
        )
        return self._runner.run(
            work,
            title=tr("Loading demo data"),
            lane=Lane.WRITE,
            parent=self,
            on_success=self._demo_loaded,
            on_failure=self._failed,
        )

    def _demo_loaded(self, summary: DemoSummary) -> None:
        self.demo_button.setEnabled(False)
        self._show(
            tr(
                "Demo data loaded: {accounts} key accounts, {orders} work orders.",
                accounts=summary.count("customers"),
                orders=summary.count("work_orders"),
            )
        )

    def _imported(self, count: int) -> None:
        self.demo_button.setEnabled(False)  # demo data goes only into an empty database
        self._show(tr("Imported {count} accounts.", count=count))

    def _failed(self, error: BaseException) -> None:
        self._show(failure_text(tr("Loading demo data"), error), error=True)

    def _show(self, text: str, *, error: bool = False) -> None:
        self.outcome_label.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
        self.outcome_label.setText(text)
