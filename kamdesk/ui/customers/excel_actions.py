"""Import, export and template buttons of the customer list, and the import preview.

Import is two steps: a dry run in the background, then :class:`ImportPreview` shows
the counts and every row's problems; the user commits (only when nothing is wrong)
or saves the error workbook to fix. The same two steps import historical work orders
(:data:`ORDERS`, the order-import service) from the same menu. Export writes every
account of the list's current filter. All file work runs through the task runner;
nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.services.customer_columns import COLUMNS, Column
from kamdesk.services.customer_export import write_error_workbook, write_template
from kamdesk.services.customer_list import CustomerFilter
from kamdesk.services.order_import import ERROR_SHEET, ORDER_COLUMNS, ORDER_NOTES
from kamdesk.services.sheet_import import ImportReport, ImportService
from kamdesk.ui.file_dialogs import open_file, save_file
from kamdesk.ui.tasks import Lane, TaskRunner

SHEETS = "Excel (*.xlsx)"
PREVIEW_LINES = 2000
"""Problem lines listed in the preview; the error workbook holds them all."""


@dataclass(frozen=True)
class SheetKind:
    """One kind of sheet the Excel menu imports: its service, words and files."""

    purpose: str  # the file dialogs' remembered folder
    service: Callable[[Services], ImportService]
    choose_title: str  # English sources, shown through tr()
    running_title: str
    import_label: str  # "… {count} …"
    done_text: str  # "… {count} …"
    error_sheet: str
    template_name: str
    columns: Sequence[Column]
    notes: Sequence[str] = ()


CUSTOMERS = SheetKind(
    "customer_import",
    lambda services: services.customer_import,
    N_("Import key accounts"),
    N_("Importing key accounts"),
    N_("Import {count} accounts"),
    N_("Imported {count} accounts."),
    "客户",
    "客户导入模板.xlsx",
    COLUMNS,
)
ORDERS = SheetKind(
    "order_import",
    lambda services: services.order_import,
    N_("Import historical work orders"),
    N_("Importing historical work orders"),
    N_("Import {count} work orders"),
    N_("Imported {count} work orders."),
    ERROR_SHEET,
    "历史工单导入模板.xlsx",
    ORDER_COLUMNS,
    ORDER_NOTES,
)


def _summary(report: ImportReport) -> str:
    return tr(
        "accepted {accepted}, rejected {rejected}, duplicates {duplicates}",
        accepted=report.accepted,
        rejected=report.rejected,
        duplicates=report.duplicates,
    )


class ImportPreview(QDialog):
    """The dry run's counts and problems; Import is enabled only when nothing is wrong."""

    def __init__(
        self, report: ImportReport, parent: QWidget | None = None, kind: SheetKind = CUSTOMERS
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.kind = kind
        self.setWindowTitle(tr("Import preview"))
        self.summary = QLabel(_summary(report))
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName(tr("Problems of the rows"))
        lines = [
            tr("row {row}: {problem}", row=row.row, problem=line)
            for row in report.rows
            for line in (*row.problems, *row.warnings)
        ]
        shown = lines[:PREVIEW_LINES]
        if len(lines) > PREVIEW_LINES:
            shown.append("…")
        self.problems.setPlainText("\n".join(shown))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton(tr(kind.import_label, count=report.accepted))
        self.import_button.setEnabled(report.clean and report.accepted > 0)
        self.import_button.setDefault(True)
        self.errors_button = QPushButton(tr("Save rows to fix…"))
        self.errors_button.setEnabled(not report.clean)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.errors_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.errors_button.clicked.connect(self._save_errors)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def _save_errors(self) -> None:
        path = save_file(self, self.kind.purpose, tr("Save rows to fix"), "待修改.xlsx", SHEETS)
        if path is not None:
            count = write_error_workbook(self.report, path, self.kind.error_sheet)
            QMessageBox.information(
                self,
                tr("Import preview"),
                tr("{count} rows to fix are in {path}", count=count, path=str(path)),
            )


class CustomerExcelActions(QObject):
    """The page header's Excel menu: import, export, template."""

    imported = Signal(int)
    """Fires after an import committed; carries the number of new accounts."""
    orders_imported = Signal(int)
    """Fires after historical work orders were imported; carries their number."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        current_filter: Callable[[], CustomerFilter],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._filter = current_filter
        self._widget = parent
        # One menu button keeps the header narrow enough for 1366 px at 150 %.
        self.excel_button = QToolButton()
        self.excel_button.setText(tr("Excel"))
        self.excel_button.setAccessibleName(tr("Excel import and export"))
        self.excel_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.excel_button)
        self.import_action = menu.addAction(tr("Import…"))
        self.import_action.setToolTip(tr("Import key accounts from an Excel sheet"))
        self.export_action = menu.addAction(tr("Export…"))
        self.export_action.setToolTip(tr("Export every account of the list to Excel"))
        self.template_action = menu.addAction(tr("Template…"))
        self.template_action.setToolTip(tr("Save the empty import sheet"))
        menu.addSeparator()
        self.orders_action = menu.addAction(tr("Import historical work orders…"))
        self.orders_action.setToolTip(tr("Import past work orders from a branch's old sheet"))
        self.orders_template_action = menu.addAction(tr("Historical work-order template…"))
        self.orders_template_action.setToolTip(tr("Save the empty historical work-order sheet"))
        self.import_action.triggered.connect(lambda: self.choose_import(CUSTOMERS))
        self.export_action.triggered.connect(self.choose_export)
        self.template_action.triggered.connect(lambda: self.choose_template(CUSTOMERS))
        self.orders_action.triggered.connect(lambda: self.choose_import(ORDERS))
        self.orders_template_action.triggered.connect(lambda: self.choose_template(ORDERS))
        self.excel_button.setMenu(menu)
        self.buttons = (self.excel_button,)

    def _actor(self) -> Actor | None:
        actor = self._services.shell.current_actor()
        if actor is None:
            QMessageBox.warning(self._widget, tr("Import…"), tr("Nobody is signed in."))
        return actor

    def choose_import(self, kind: SheetKind = CUSTOMERS) -> None:
        path = open_file(self._widget, kind.purpose, tr(kind.choose_title), SHEETS)
        if path is not None:
            self.preview(path, kind)

    def preview(self, path: Path, kind: SheetKind = CUSTOMERS) -> None:
        """Dry-run ``path`` in the background, then show :class:`ImportPreview`."""
        actor = self._actor()
        if actor is None:
            return
        service = kind.service(self._services)
        self._runner.run(
            lambda progress, cancel: service.run(
                path, actor, dry_run=True, progress=progress, cancel=cancel
            ),
            title=tr("Checking the sheet"),
            on_success=lambda report: self._confirm(path, actor, report, kind),
        )

    def _confirm(self, path: Path, actor: Actor, report: ImportReport, kind: SheetKind) -> None:
        dialog = ImportPreview(report, self._widget, kind)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        service = kind.service(self._services)
        self._runner.run(
            lambda progress, cancel: service.run(
                path, actor, dry_run=False, progress=progress, cancel=cancel
            ),
            title=tr(kind.running_title),
            lane=Lane.WRITE,
            on_success=lambda committed: self._committed(committed, kind),
        )

    def _committed(self, report: ImportReport, kind: SheetKind) -> None:
        if report.committed:
            text = tr(kind.done_text, count=report.accepted)
            QMessageBox.information(self._widget, tr(kind.running_title), text)
            signal = self.orders_imported if kind is ORDERS else self.imported
            signal.emit(report.accepted)
        else:  # the database changed since the preview
            ImportPreview(report, self._widget, kind).exec()

    def choose_export(self) -> None:
        path = save_file(self._widget, "customer_export", tr("Export"), "客户列表.xlsx", SHEETS)
        if path is not None:
            self.export(path)

    def export(self, path: Path) -> None:
        """Write every account of the current filter to ``path`` in the background."""
        actor = self._actor()
        if actor is None:
            return
        service, query = self._services.customer_export, self._filter()
        self._runner.run(
            lambda progress, cancel: service.export(
                query, path, actor, progress=progress, cancel=cancel
            ),
            title=tr("Exporting"),
            lane=Lane.WRITE,
            on_success=lambda count: self._exported(count, path),
        )

    def _exported(self, count: int, path: Path) -> None:
        text = tr("{count} accounts written to {path}", count=count, path=str(path))
        QMessageBox.information(self._widget, tr("Exporting"), text)

    def choose_template(self, kind: SheetKind = CUSTOMERS) -> None:
        title = tr("Template…")
        path = save_file(self._widget, kind.purpose, title, kind.template_name, SHEETS)
        if path is not None:
            write_template(path, kind.columns, kind.notes)
