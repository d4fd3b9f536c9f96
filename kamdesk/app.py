"""Composition root of the desktop app: settings → language → database → services → window.

After a restore from the window (Settings › Backups) the same process opens the
database again: a new engine, new services, a fresh sign-in and a new window.

:func:`run_app` never lets a traceback reach the user: a database that cannot be
opened is explained in a message box (in the user's language) and the app exits
with status 1; a damaged database offers its newest good backup first. Unexpected
exceptions in the running window are logged with their traceback and shown as a
plain sentence.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import Engine

from kamdesk.db.backup import restore_backup
from kamdesk.db.location import APP_AUTHOR, APP_NAME, default_database_path
from kamdesk.db.startup import open_database
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_, tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.ui import gui_collector
from kamdesk.ui.demo_dialog import DemoRequest
from kamdesk.ui.error_dialog import show_error_dialog
from kamdesk.ui.icons import app_icon
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.messages import describe_unexpected
from kamdesk.ui.preferences import APPLICATION, ORGANIZATION, Preferences
from kamdesk.ui.session_guard import IdleLock, sign_in_interactively
from kamdesk.ui.single_instance import SingleInstance, bring_to_front, instance_name
from kamdesk.ui.tasks import Lane, TaskRunner

log = logging.getLogger(__name__)

define(
    {
        "app.demo_file_exists": N_(
            "{path} already exists. Demo data only goes into a new file; choose another name."
        ),
    }
)

UI_FONTS = {
    "win32": ("Microsoft YaHei UI", "Microsoft YaHei"),
    "darwin": ("PingFang SC", "Hiragino Sans GB"),
    "linux": ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC"),
}
LOG_FILE_NAME = "kamdesk.log"
EXIT_WHEN_SHOWN = "KAMDESK_EXIT_WHEN_SHOWN"
"""Set to 1 to quit as soon as the main window is shown (start-up benchmark, smoke tests);
the daily backup is not started then (a benchmark's 12 GB copy, cancelled at exit)."""


def run_app(
    db_path: Path | None,
    reset_settings: bool = False,
    sign_in: Callable[[Services], Actor | None] | None = None,
) -> int:
    """Start the desktop app on ``db_path`` (else the saved choice, else the default).

    Nobody sees data before ``sign_in`` (default: the sign-in dialog, or on a first
    run the first-run wizard, which creates the branch admin) names a person; after a
    restore from the window the database is opened again and ``sign_in`` asked again.
    Returns the process exit status: 0 after a normal close or a cancelled sign-in, 1
    if the database could not be opened (the user was told why).
    """
    log_file = configure_logging()
    app = create_application()
    gui_collector.install(app)
    prefs = Preferences()
    if reset_settings:
        prefs.reset()
    language = LanguageSwitcher()
    language.apply(prefs.language)
    install_exception_hook(log_file)

    path = choose_database_path(db_path, prefs)
    instance = claim_single_instance(path)
    if instance is None:
        log.info("KAMDesk already runs on %s; asked it to come to the front", path)
        return 0
    try:
        while True:  # again after a restore from the window replaced the file
            status = _run_database(app, instance, path, prefs, language, log_file, sign_in)
            if status is not None:
                return status
            log.info("reopening %s after a restore", path)
    finally:
        instance.close()


def _run_database(
    app: QApplication,
    instance: SingleInstance,
    path: Path,
    prefs: Preferences,
    language: LanguageSwitcher,
    log_file: Path | None,
    sign_in: Callable[[Services], Actor | None] | None,
) -> int | None:
    """Open ``path``, sign in, run the window; the exit status, or None when the window
    asked to open the database again (a restore replaced it). Every engine and worker
    of the round is gone when this returns."""
    engine = open_database_interactively(path)
    if engine is None:
        return 1
    services = Services(engine)
    runner = TaskRunner()
    if sign_in is None:  # the first-run wizard works on the app's runner and language
        actor = sign_in_interactively(services, runner=runner, prefs=prefs, language=language)
    else:
        actor = sign_in(services)
    if actor is None:
        runner.shutdown(wait=True)
        engine.dispose()
        return 0
    services.shell.sign_in(actor)
    window: MainWindow | None = None
    reopen: list[bool] = []

    def to_front() -> None:
        if window is not None:
            bring_to_front(window)

    try:
        window = MainWindow(
            services=services,
            runner=runner,
            prefs=prefs,
            language=language,
            default_database=default_database_path(),
            log_file=log_file,
            demo_builder=build_demo_database,
        )
        window.reopen_requested.connect(lambda: reopen.append(True))
        window.show()
        IdleLock(window, services, actor)
        instance.raise_requested.connect(to_front)
        if os.environ.get(EXIT_WHEN_SHOWN) == "1":
            QTimer.singleShot(0, app.quit)  # and no daily backup to cancel at once
        else:
            take_daily_backup(runner, services, actor)
        status = app.exec()
    finally:
        runner.shutdown(wait=True)
        if window is not None:  # so that run_app can run again in the same process
            with contextlib.suppress(RuntimeError, TypeError):  # if it never got connected
                instance.raise_requested.disconnect(to_front)
            window.deleteLater()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        engine.dispose()
    return None if reopen else int(status)


# --- pieces of run_app, each usable alone ------------------------------------------------


def take_daily_backup(runner: TaskRunner, services: Services, actor: Actor) -> None:
    """Today's automatic backup, in the background, unless one exists already."""
    runner.run(
        lambda progress, cancel: services.backups.daily_if_due(actor),
        title=tr("Daily backup"),
        lane=Lane.WRITE,
        show_progress=False,
        on_failure=lambda exc: log.error("daily backup failed: %s", exc),
    )


def configure_logging() -> Path | None:
    """Log to a rotating file in the per-user log folder; returns its path (None if unwritable)."""
    root = logging.getLogger()
    for existing in root.handlers:
        if isinstance(existing, logging.FileHandler) and getattr(existing, "kamdesk", False):
            return Path(existing.baseFilename)
    root.setLevel(logging.INFO)
    try:
        folder = platformdirs.user_log_path(APP_NAME, APP_AUTHOR)
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE_NAME, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        return None
    handler.kamdesk = True  # type: ignore[attr-defined]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    return Path(handler.baseFilename)


def create_application() -> QApplication:
    """The QApplication: crisp at 125-150 % scaling, Fusion outside Windows, a CJK font."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(app_icon())
    if sys.platform != "win32":
        app.setStyle("Fusion")
    family = pick_ui_font(QFontDatabase.families())
    if family is not None:
        font = QFont(app.font())
        font.setFamily(family)
        app.setFont(font)
    return app


def pick_ui_font(available: list[str], platform: str = sys.platform) -> str | None:
    """The first interface font for ``platform`` that is installed, or None."""
    key = platform if platform in UI_FONTS else "linux"
    installed = set(available)
    return next((family for family in UI_FONTS[key] if family in installed), None)


def choose_database_path(db_path: Path | None, prefs: Preferences) -> Path:
    """``--db`` first, then the file chosen in Settings, then the per-user default."""
    chosen = db_path or prefs.database_path or default_database_path()
    return Path(chosen).expanduser().absolute()


ERROR_TITLE = N_("KAMDesk cannot open the database")


def open_database_interactively(
    path: Path,
    *,
    opener: Callable[[Path], Engine] = open_database,
    ask_restore: Callable[[KamdeskError], bool] | None = None,
) -> Engine | None:
    """Open ``path``, explaining any refusal in a message box; None if it stays closed.

    A damaged database with a good backup: the user may restore it (the damaged file
    is kept beside it) and the open is tried once more.
    """
    ask = ask_restore or _ask_to_restore
    restored = False
    while True:
        try:
            return opener(path)
        except KamdeskError as exc:
            if exc.code == "db.damaged" and not restored and exc.params.get("backup"):
                if not ask(exc):
                    return None
                try:
                    kept = restore_backup(Path(str(exc.params["backup"])), path)
                except KamdeskError as restore_exc:
                    QMessageBox.critical(None, tr(ERROR_TITLE), restore_exc.message())
                    return None
                log.warning(
                    "restored %s from %s; damaged file kept at %s", path, exc.params["backup"], kept
                )
                restored = True
                continue
            log.error("could not open %s: %s", path, exc.code)
            QMessageBox.critical(None, tr(ERROR_TITLE), exc.message())
            return None
        except Exception as exc:
            log.exception("could not open %s", path)
            QMessageBox.critical(
                None,
                tr(ERROR_TITLE),
                tr(
                    "Opening {path} failed because of an unexpected problem ({error}). The "
                    "file was not changed. The technical details were written to the log file.",
                    path=str(path),
                    error=describe_unexpected(exc),
                ),
            )
            return None


def _ask_to_restore(exc: KamdeskError) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, tr(ERROR_TITLE), exc.message())
    restore = box.addButton(tr("Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def claim_single_instance(path: Path) -> SingleInstance | None:
    """Become the one KAMDesk of this user on ``path``; None if another already is
    (it was asked to bring its window to the front)."""
    instance = SingleInstance(instance_name(path))
    return instance if instance.claim() else None


def install_exception_hook(log_file: Path | None) -> None:
    """Unexpected exceptions, never a silent exit: those in Qt slots are logged with their
    traceback and shown in :class:`ErrorDialog` (with 复制详情); those in background
    threads outside the task runner are logged."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unexpected error", exc_info=(kind, exc, tb))
        for handler in logging.getLogger().handlers:
            handler.flush()
        show_error_dialog(exc, tb, log_file, QApplication.activeWindow())

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.error(
            "unexpected error in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )

    sys.excepthook = hook
    threading.excepthook = thread_hook


def build_demo_database(request: DemoRequest, *, progress: Progress, cancel: CancelCheck) -> str:
    """Create ``request.path`` and fill it with demo data; returns the summary sentence.

    Runs on the writer lane. On failure or cancel the new file is removed again (it
    did not exist before), so no half-filled database is left behind.
    """
    from kamdesk.services.demo import DemoSpec, generate_demo

    path = request.path
    if path.exists():
        raise KamdeskError("app.demo_file_exists", path=str(path))
    spec = DemoSpec(accounts=request.accounts, orders=request.orders, seed=request.seed)
    progress(0, 0, tr("Creating the database file {name}…", name=path.name))
    engine: Engine | None = None
    try:
        engine = open_database(path)
        check_cancel(cancel)
        summary = generate_demo(engine, spec, progress=progress, cancel=cancel)
        return str(summary.describe())
    except BaseException:
        if engine is not None:
            engine.dispose()
            engine = None
        _remove_database_files(path)
        raise
    finally:
        if engine is not None:
            engine.dispose()


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(str(path) + suffix)
        try:
            candidate.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", candidate)
