"""The idle timer behind the window lock: no keyboard or mouse input for a while → idle.

The minutes come from :meth:`kamdesk.services.auth.AuthService.idle_lock_minutes`; the
window connects :attr:`IdleWatcher.idle` to locking itself (hide the data, ask for the
password through :class:`kamdesk.ui.login_dialog.LoginDialog` in unlock mode).
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """Watches every input event of the application; restarts on each one."""

    idle = Signal()
    """Fires once when no input arrived for the idle time; :meth:`restart` re-arms it."""

    def __init__(self, timeout: timedelta, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._interval_ms = 0
        self.set_timeout(timeout)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_timeout(self, timeout: timedelta) -> None:
        self._interval_ms = max(1, int(timeout.total_seconds() * 1000))
        self.restart()

    def restart(self) -> None:
        self._timer.start(self._interval_ms)

    def stop(self) -> None:
        self._timer.stop()

    def remaining(self) -> timedelta:
        """Time left before :attr:`idle` fires (zero when stopped)."""
        return timedelta(milliseconds=max(0, self._timer.remainingTime()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and self._timer.isActive():
            self.restart()
        return False
