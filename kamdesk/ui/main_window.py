"""The main window: navigation column, one page per entry, status bar.

The window owns no data: it asks :class:`ShellService` on the task runner's read
lane and shows the answers; it never holds an ORM object. Switching language
rebuilds every widget (nothing keeps an old string), keeping the page and geometry.
Geometry, toolbar/dock state and the last page are remembered between runs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from kamdesk.domain.progress import Cancelled
from kamdesk.errors import KamdeskError
from kamdesk.i18n import N_, tr
from kamdesk.services.container import Services
from kamdesk.services.my_day import MyDay
from kamdesk.services.scheduled_reports import ScheduledRun
from kamdesk.services.shell import ShellCounts, ShellStatus
from kamdesk.ui.customer_file.opener import CustomerFileOpener
from kamdesk.ui.customers.list_page import CustomersPage
from kamdesk.ui.demo_dialog import DemoDataDialog, DemoRequest
from kamdesk.ui.help_menu import install_help_menu
from kamdesk.ui.icons import nav_icon
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.messages import failure_text
from kamdesk.ui.navigation import NavigationColumn
from kamdesk.ui.pages.backups_panel import BackupsPanel
from kamdesk.ui.pages.funnel import FunnelPage
from kamdesk.ui.pages.home import HomePage
from kamdesk.ui.pages.scheduled_reports_panel import ScheduledReportsPanel
from kamdesk.ui.pages.settings import SettingsPage
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.reports import ReportsPage
from kamdesk.ui.reports.report_scheduler import ReportScheduler
from kamdesk.ui.status_bar import ShellStatusBar
from kamdesk.ui.sync.sync_page import SyncPage
from kamdesk.ui.sync.sync_scheduler import SyncScheduler, interval_minutes
from kamdesk.ui.tasks import Lane, TaskHandle, TaskRunner
from kamdesk.ui.workorders.orders_page import OrdersPage

log = logging.getLogger(__name__)

DemoBuilder = Callable[..., str]
"""Called as ``builder(request, progress=..., cancel=...)``; returns a summary sentence."""

STATUS_REFRESH_MS = 30_000
RESTORE_LEFT_DATABASE = frozenset(
    {"backups.no_file", "backups.not_allowed", "db.backup_unusable", "db.restore_not_done"}
)
"""Restore failures that leave the database in use as it was (the window goes on)."""


@dataclass(frozen=True)
class PageEntry:
    key: str
    label: str  # N_-marked, translated when the window is built
    icon: str


PAGES: tuple[PageEntry, ...] = (
    PageEntry("home", N_("My desk"), "home"),
    PageEntry("customers", N_("Customers"), "customers"),
    PageEntry("workorders", N_("Work orders"), "workorders"),
    PageEntry("funnel", N_("Funnel and forecasts"), "funnel"),
    PageEntry("reports", N_("Reports"), "reports"),
    PageEntry("sync", N_("Sync"), "sync"),
    PageEntry("settings", N_("Settings"), "settings"),
)
PAGE_INDEX = {entry.key: i for i, entry in enumerate(PAGES)}


class MainWindow(QMainWindow):
    """Navigation on the left, pages in the middle, status at the bottom."""

    page_changed = Signal(int)
    """Fires when another page became visible; carries its index in PAGES."""
    rebuilt = Signal()
    """Fires after the widgets were rebuilt (e.g. in a new language)."""
    customer_requested = Signal(str)
    """Fires when a page asks to open an account's file; carries the account id."""
    reopen_requested = Signal()
    """Fires when a restore replaced the database: the app must close this window and
    open the database again (the window closes itself right after)."""

    def __init__(
        self,
        *,
        services: Services,
        runner: TaskRunner,
        prefs: Preferences,
        language: LanguageSwitcher,
        default_database: Path,
        log_file: Path | None = None,
        demo_builder: DemoBuilder | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self._services = services
        self._shell = services.shell
        self._runner = runner
        self._prefs = prefs
        self._language = language
        self._default_database = default_database
        self._log_file = log_file
        self._demo_builder = demo_builder
        self._page_actions: list[QAction] = []
        self._last_counts: ShellCounts | None = None
        self._reopening = False
        runner.set_parent_widget(self)
        runner.task_finished.connect(self._on_task_finished)
        self.customer_files = CustomerFileOpener(services, runner, self)
        self.sync_scheduler = SyncScheduler(
            services.sync, runner, interval_ms=interval_minutes(prefs) * 60_000, parent=self
        )
        self.customer_requested.connect(self.open_customer_file)
        self.report_scheduler = ReportScheduler(services.scheduled_reports, runner, parent=self)
        self.report_scheduler.succeeded.connect(self._reports_written)
        self.report_scheduler.failed.connect(self._reports_failed)
        self._report_outcome: ScheduledRun | BaseException | None = None
        """The last check that wrote files or failed, shown in the status bar."""

        geometry, state, page = prefs.window_layout()
        self._build(page if 0 <= page < len(PAGES) else 0)
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
        if state is not None:
            self.restoreState(state)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(STATUS_REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh_status)
        self._refresh_timer.start()
        self.sync_scheduler.start()
        self.report_scheduler.start()
        self.refresh()

    # --- building -------------------------------------------------------------------

    def _build(self, page: int) -> None:
        db_name = Path(self._shell.database_path).name if self._shell.database_path else ""
        title = tr("KAMDesk key-account desk")
        self.setWindowTitle(f"{title} — {db_name}" if db_name else title)

        self.navigation = NavigationColumn()
        self.stack = QStackedWidget()
        for i, entry in enumerate(PAGES):
            label = tr(entry.label)
            self.navigation.add_entry(nav_icon(entry.icon), label, f"{label} (Ctrl+{i + 1})")
            self.stack.addWidget(self._make_page(entry))
        self.navigation.fit_width()
        self.navigation.page_requested.connect(self._on_page_requested)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)  # deletes the previous one on a rebuild

        self.status_bar = ShellStatusBar()
        self.status_bar.show_database(self._shell.database_path)
        self.status_bar.conflicts_clicked.connect(self._show_conflicts)
        self.status_bar.report_notice_clicked.connect(self._open_report_notice)
        self._show_report_outcome()
        self.sync_scheduler.progressed.connect(self.status_bar.show_sync_progress)
        self.setStatusBar(self.status_bar)

        for action in self._page_actions:
            self.removeAction(action)
            action.deleteLater()
        self._page_actions = []
        for i, entry in enumerate(PAGES):
            action = QAction(tr(entry.label), self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(functools.partial(self.show_page, i))
            self.addAction(action)
            self._page_actions.append(action)
        search = QAction(tr("Search"), self)
        search.setShortcut(QKeySequence.StandardKey.Find)
        search.triggered.connect(self._focus_search)
        self.addAction(search)
        self._page_actions.append(search)
        self.help_action = install_help_menu(self)
        self.navigation.setAccessibleName(tr("Navigation"))
        self.stack.setAccessibleName(tr("Page"))
        self.status_bar.setAccessibleName(tr("Status"))

        # The last status is not shown again: its role label is in the old language.
        # rebuild() asks for a fresh one; the counts are plain numbers.
        if self._last_counts is not None:
            self.home_page.show_counts(self._last_counts)
        self.show_page(page)

    def _make_page(self, entry: PageEntry) -> QWidget:
        if entry.key == "home":
            self.home_page = HomePage()
            self.home_page.demo_requested.connect(self.ask_for_demo)
            self.home_page.customer_opened.connect(self.customer_requested)
            self.home_page.demo_button.setEnabled(self._demo_builder is not None)
            return self.home_page
        if entry.key == "settings":
            self.settings_page = SettingsPage(
                self._prefs,
                database_in_use=self._shell.database_path,
                default_database=self._default_database,
                log_file=self._log_file,
            )
            self.settings_page.language_chosen.connect(self.switch_language)
            self.settings_page.demo_requested.connect(self.ask_for_demo)
            self.settings_page.registration_requested.connect(self.show_registration)
            self.settings_page.import_requested.connect(self.import_customers)
            self.settings_page.demo_button.setEnabled(self._demo_builder is not None)
            self.backups_panel = BackupsPanel(self._services, self._runner)
            self.backups_panel.restore_starting.connect(self._pause_for_restore)
            self.backups_panel.restored.connect(self._database_restored)
            self.backups_panel.restore_failed.connect(self._restore_failed)
            self.settings_page.add_section(self.backups_panel)
            self.scheduled_reports_panel = ScheduledReportsPanel(self._services, self._runner)
            self.scheduled_reports_panel.saved.connect(lambda _: self.report_scheduler.check())
            self.settings_page.add_section(self.scheduled_reports_panel)
            return self.settings_page
        if entry.key == "customers":
            self.customers_page = CustomersPage(self._services, self._runner)
            self.customers_page.customer_opened.connect(self.customer_requested)
            self.customers_page.new_customer_requested.connect(
                lambda: self.open_customer_file(None)
            )
            return self.customers_page
        if entry.key == "workorders":
            self.orders_page = OrdersPage(self._services)
            self.orders_page.order_changed.connect(self.sync_scheduler.nudge)
            return self.orders_page
        if entry.key == "funnel":
            self.funnel_page = FunnelPage(self._services)
            return self.funnel_page
        if entry.key == "sync":
            self.sync_page = SyncPage(
                self._services, self._runner, self._prefs, self.sync_scheduler
            )
            return self.sync_page
        if entry.key == "reports":
            self.reports_page = ReportsPage(self._services, self._runner)
            return self.reports_page
        raise ValueError(f"no page is built for {entry.key!r}")

    def _default_geometry(self) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 760)
            return
        area = screen.availableGeometry()
        self.resize(min(1280, int(area.width() * 0.92)), min(800, int(area.height() * 0.92)))
        frame = self.frameGeometry()
        frame.moveCenter(area.center())
        self.move(frame.topLeft())

    # --- navigation -----------------------------------------------------------------

    def current_page(self) -> int:
        return self.stack.currentIndex()

    def show_page(self, index: int) -> None:
        """Show page ``index`` of PAGES and highlight its navigation row."""
        if self.navigation.currentRow() != index:
            self.navigation.setCurrentRow(index)  # comes back through page_requested
        else:
            self._on_page_requested(index)

    def _on_page_requested(self, index: int) -> None:
        if self.stack.currentIndex() != index:
            self.stack.setCurrentIndex(index)
            self.page_changed.emit(index)

    def _show_conflicts(self) -> None:
        self.show_page(PAGE_INDEX["sync"])
        self.sync_page.show_conflicts()

    def _focus_search(self) -> None:
        header = getattr(self.stack.currentWidget(), "header", None)
        if header is not None:
            header.focus_search()

    # --- data -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the status bar facts and the home page counts in the background."""
        self.refresh_status()
        self._runner.run(
            lambda progress, cancel: self._shell.counts(),
            title=tr("Counting records"),
            show_progress=False,
            on_success=self._show_counts,
            on_failure=self._show_background_failure,
        )
        self.refresh_my_day()

    def refresh_my_day(self) -> TaskHandle:
        """Re-read the signed-in person's day for the home page in the background."""
        return self._runner.run(
            lambda progress, cancel: self._read_my_day(),
            title=tr("Reading your day"),
            show_progress=False,
            on_success=self._show_day,
            on_failure=self._show_background_failure,
        )

    def _read_my_day(self) -> MyDay | None:
        actor = self._shell.current_actor()
        return None if actor is None else self._services.my_day.for_actor(actor)

    def refresh_status(self) -> TaskHandle:
        return self._runner.run(
            lambda progress, cancel: self._shell.status(),
            title=tr("Reading the sync state"),
            show_progress=False,
            on_success=self._show_status,
            on_failure=self._show_background_failure,
        )

    # A background read can finish after the window (or a page, on a language switch)
    # was deleted; its answer then has nowhere to go and is dropped.

    def _show_day(self, day: MyDay | None) -> None:
        if shiboken6.isValid(self) and shiboken6.isValid(self.home_page):
            self.home_page.show_day(day)

    def _show_status(self, status: ShellStatus) -> None:
        if shiboken6.isValid(self) and shiboken6.isValid(self.status_bar):
            self.status_bar.show_status(status)

    def _show_counts(self, counts: ShellCounts) -> None:
        self._last_counts = counts
        if shiboken6.isValid(self) and shiboken6.isValid(self.home_page):
            self.home_page.show_counts(counts)

    def _show_background_failure(self, exc: BaseException) -> None:
        self.status_bar.showMessage(failure_text(tr("Reading the database"), exc), 15_000)

    def _on_task_finished(self, handle: TaskHandle) -> None:
        if handle.lane is Lane.WRITE and not self._reopening:
            self.refresh()

    # --- monthly reports ------------------------------------------------------------

    def _reports_written(self, run: ScheduledRun) -> None:
        if run.written and run.folder is not None:
            self._report_outcome = run
        elif not isinstance(self._report_outcome, BaseException):
            return
        else:
            self._report_outcome = None  # the failure shown before is over
        self._show_report_outcome()

    def _reports_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):  # stopped for a restore or on closing
            return
        self._report_outcome = exc
        self._show_report_outcome()
        reason = failure_text(tr("Monthly reports"), exc)
        self.status_bar.showMessage(reason, 15_000)
        if shiboken6.isValid(self.scheduled_reports_panel):
            self.scheduled_reports_panel.show_failure(reason)

    def _show_report_outcome(self) -> None:
        """The last check's outcome in the status bar, in the current language."""
        if not (shiboken6.isValid(self) and shiboken6.isValid(self.status_bar)):
            return
        outcome = self._report_outcome
        if isinstance(outcome, BaseException):
            reason = failure_text(tr("Monthly reports"), outcome)
            self.status_bar.show_report_notice(tr("Monthly reports not written"), None, reason)
        elif outcome is not None:
            months = ", ".join(outcome.months)
            text = tr("Monthly reports written: {months}", months=months)
            self.status_bar.show_report_notice(text, outcome.folder)
        else:
            self.status_bar.show_report_notice("", None)

    def _open_report_notice(self, folder: Path | None) -> None:
        """The folder of the reports just written; after a failure, their setting."""
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        else:
            self.show_page(PAGE_INDEX["settings"])
            self.scheduled_reports_panel.setFocus()

    # --- restore --------------------------------------------------------------------

    def _pause_for_restore(self) -> None:
        """Nothing of this window starts reading while the file is replaced."""
        self._reopening = True
        self._refresh_timer.stop()
        self.sync_scheduler.stop()
        self.report_scheduler.stop()

    def _database_restored(self, _result: object) -> None:
        self.reopen_requested.emit()
        QTimer.singleShot(0, self, self.close)  # after the task's own callbacks

    def _restore_failed(self, error: BaseException) -> None:
        if isinstance(error, KamdeskError) and error.code in RESTORE_LEFT_DATABASE:
            self._reopening = False
            self._refresh_timer.start()
            self.sync_scheduler.start()
            self.report_scheduler.start()
            self.refresh()
        else:  # the file may have been replaced: only a fresh start knows
            self._database_restored(None)

    # --- language -------------------------------------------------------------------

    def switch_language(self, language: str) -> None:
        """Use ``language`` from now on (remembered) and rebuild every widget in it."""
        self._prefs.language = language
        self._language.apply(language)
        # Rebuild after the signal that asked for it has returned: it came from a
        # widget the rebuild deletes.
        QTimer.singleShot(0, self, self.rebuild)

    def rebuild(self) -> None:
        self._build(self.current_page())
        self.refresh_status()
        self.refresh_my_day()
        self.rebuilt.emit()

    # --- first-run steps, later (Settings) -----------------------------------------

    def show_registration(self) -> None:
        """The sync page with its registration form open."""
        self.show_page(PAGE_INDEX["sync"])
        self.sync_page.registration.open_form()

    def import_customers(self) -> None:
        """The customer list's Excel import (file dialog, preview, import)."""
        self.show_page(PAGE_INDEX["customers"])
        self.customers_page.excel.choose_import()

    # --- demo data ------------------------------------------------------------------

    def ask_for_demo(self) -> None:
        """Ask for a new file and sizes, then generate demo data into it."""
        if self._demo_builder is None:
            return
        dialog = DemoDataDialog(
            suggested_path=self._suggested_demo_path(),
            database_in_use=self._shell.database_path,
            parent=self,
        )
        if dialog.exec() == DemoDataDialog.DialogCode.Accepted:
            self.start_demo(dialog.request())

    def start_demo(self, request: DemoRequest) -> TaskHandle:
        if self._demo_builder is None:
            raise RuntimeError("no demo builder")
        return self._runner.run(
            functools.partial(self._demo_builder, request),
            title=tr("Generating demo data"),
            lane=Lane.WRITE,
            on_success=lambda summary: self._demo_done(request, summary),
        )

    def _demo_done(self, request: DemoRequest, summary: Any) -> None:
        answer = QMessageBox.question(
            self,
            tr("Demo data ready"),
            tr(
                "{summary}\n\nUse {path} the next time KAMDesk starts?",
                summary=str(summary),
                path=str(request.path),
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._prefs.database_path = request.path
            self.settings_page.set_database_choice(request.path)

    def _suggested_demo_path(self) -> Path:
        in_use = self._shell.database_path
        folder = Path(in_use).parent if in_use else self._default_database.parent
        candidate = folder / "kamdesk-demo.sqlite"
        n = 2
        while candidate.exists():
            candidate = folder / f"kamdesk-demo-{n}.sqlite"
            n += 1
        return candidate

    # --- customer files -------------------------------------------------------------

    def open_customer_file(self, customer_id: str | None) -> None:
        """Open the file window of ``customer_id`` (None: create a new account)."""
        self.customer_files.open(customer_id)

    # --- closing --------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        funnel = getattr(self, "funnel_page", None)
        if not self.customer_files.close_all() or (
            funnel is not None and not self._reopening and not funnel.may_close()
        ):
            event.ignore()
            return
        visible = [h for h in self._runner.active_tasks() if h.dialog is not None]
        if visible and not self._reopening:
            answer = QMessageBox.question(
                self,
                tr("Work in progress"),
                tr(
                    "“{task}” is still running. Cancel it and close KAMDesk?",
                    task=visible[0].title,
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            for handle in visible:
                handle.cancel()
        self._refresh_timer.stop()
        self.sync_scheduler.stop()
        self.report_scheduler.stop()
        self._prefs.save_window_layout(self.saveGeometry(), self.saveState(), self.current_page())
        event.accept()
