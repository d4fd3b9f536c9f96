"""One KAMDesk per user and database: a second start brings the first window to the front.

The running app listens on a local socket (a named pipe on Windows, a socket file on
Linux) whose name is derived from the user and the database path. A second start
connects, sends ``raise`` and exits 0 without opening the database.

Hazards: a name that cannot be connected to nor listened on is taken to be left over
by a crashed instance and removed; should two starts race through exactly that
window, the database's own locking is what stands between them. On Windows,
a process may only take the foreground if allowed: the second process therefore
allows any process to do so just before it asks.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

RAISE = b"raise\n"
CONNECT_TIMEOUT_MS = 500


def instance_name(db_path: Path, user: str | None = None) -> str:
    """Socket name for ``user`` (default: the logged-in user) working on ``db_path``."""
    who = user if user is not None else _user()
    where = os.path.normcase(str(Path(db_path).expanduser().absolute()))
    digest = hashlib.sha256(f"{who}\0{where}".encode()).hexdigest()[:24]
    return f"kamdesk-{digest}"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(Path.home())


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` un-minimised, on top and active."""
    state = window.windowState() & ~Qt.WindowState.WindowMinimized
    window.setWindowState(state | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()


class SingleInstance(QObject):
    """The listening side (:meth:`claim`) and the asking side (:meth:`ask_running`)."""

    raise_requested = Signal()
    """Fires when a second start asked this instance to come to the front."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None

    def ask_running(self) -> bool:
        """True if an instance listens under this name; it was asked to come forward."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        _allow_foreground()
        socket.write(RAISE)
        socket.flush()
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        return True

    def claim(self) -> bool:
        """Become the instance for this name: False if another one runs (it was asked
        to come forward), True otherwise, listening if the name could be taken."""
        if self.ask_running():
            return False
        if self._listen():
            return True
        if self.ask_running():  # it started listening in the meantime
            return False
        QLocalServer.removeServer(self.name)  # left behind by a crashed instance
        if not self._listen():
            log.warning("single-instance name %s could not be taken; running anyway", self.name)
        return True

    def _listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            server.deleteLater()
            return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def close(self) -> None:
        """Stop answering (at exit); a later start becomes the instance."""
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def _accept(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._read_ready)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read_ready(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(RAISE.strip()):
            self.raise_requested.emit()


def _allow_foreground() -> None:
    if sys.platform != "win32":
        return
    import ctypes

    asfw_any = -1
    try:
        ctypes.windll.user32.AllowSetForegroundWindow(asfw_any)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        log.debug("AllowSetForegroundWindow is not available")
