"""Who may see the window: sign-in before it opens, a lock after the idle time.

:func:`sign_in_interactively` shows the first-run wizard while nobody can sign in
(language, branch admin, HQ, first key accounts) and the sign-in dialog otherwise; it
returns the person, or None when the user gave up (the app then exits without showing
any data).

:class:`IdleLock` hides the window after the branch's idle time, records the lock,
and shows it again only after that person's password; closing the unlock dialog
closes the app. Hazard: background tasks keep running while the window is locked.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMainWindow

from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.ui.first_run import FirstRunWizard
from kamdesk.ui.idle_lock import IdleWatcher
from kamdesk.ui.language import LanguageSwitcher
from kamdesk.ui.login_dialog import LoginDialog
from kamdesk.ui.preferences import Preferences
from kamdesk.ui.tasks import TaskRunner


def sign_in_interactively(
    services: Services,
    *,
    runner: TaskRunner | None = None,
    prefs: Preferences | None = None,
    language: LanguageSwitcher | None = None,
) -> Actor | None:
    """The signed-in person, or None when the wizard or dialog was cancelled.

    The first-run wizard uses the app's ``runner``, ``prefs`` and ``language`` (one
    switcher per application); without them it makes its own and stops the runner
    before returning.
    """
    auth = services.auth
    if not auth.needs_first_admin():
        dialog = LoginDialog(auth)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None
    tasks = runner if runner is not None else TaskRunner()
    wizard = FirstRunWizard(services, tasks, prefs or Preferences(), language or LanguageSwitcher())
    try:
        wizard.exec()
        return wizard.actor
    finally:
        wizard.deleteLater()
        if runner is None:
            tasks.shutdown(wait=True)


class IdleLock(QObject):
    """Locks ``window`` for ``actor`` after the idle time set by the branch admin."""

    def __init__(self, window: QMainWindow, services: Services, actor: Actor) -> None:
        super().__init__(window)
        self._window = window
        self._auth = services.auth
        self._actor = actor
        minutes = self._auth.idle_lock_minutes()
        self.watcher = IdleWatcher(timedelta(minutes=minutes), self)
        self.watcher.idle.connect(self.lock)

    def lock(self) -> None:
        """Hide the window until ``actor`` types their password again."""
        self._auth.lock(self._actor)
        self._window.hide()
        dialog = LoginDialog(self._auth, locked_for=self._actor)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._window.show()
            self.watcher.restart()
        else:
            self._window.close()
