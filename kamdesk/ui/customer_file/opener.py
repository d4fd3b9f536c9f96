"""Opens customer file windows for the main window: one per account (a second request
raises the open one), a fresh one per "new account", all closed with the app.

The acting user comes from :meth:`ShellService.current_actor`, read on the task
runner's read lane; without a user nothing opens and the reason is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from kamdesk.i18n import tr
from kamdesk.services.actor import Actor
from kamdesk.services.container import Services
from kamdesk.ui.customer_file.window import CustomerFileWindow
from kamdesk.ui.tasks import TaskRunner


class CustomerFileOpener(QObject):
    def __init__(self, services: Services, runner: TaskRunner, owner: QWidget) -> None:
        super().__init__(owner)
        self._services = services
        self._runner = runner
        self._owner = owner
        self.windows: list[CustomerFileWindow] = []

    def open(self, customer_id: str | None) -> None:
        """Show the file of ``customer_id`` (None: a new account)."""
        for window in self.windows:
            if customer_id is not None and window.context.customer_id == customer_id:
                window.showNormal()
                window.raise_()
                window.activateWindow()
                return
        shell = self._services.shell
        self._runner.run(
            lambda progress, cancel: shell.current_actor(),
            title=tr("Opening the customer file"),
            show_progress=False,
            on_success=lambda actor: self._show(customer_id, actor),
        )

    def _show(self, customer_id: str | None, actor: Actor | None) -> None:
        if self._runner.closed:  # the app closed while the user was being looked up
            return
        if actor is None:
            QMessageBox.information(
                self._owner,
                tr("Opening the customer file"),
                tr("No user is known in this database, so no file can be opened."),
            )
            return
        window = CustomerFileWindow(self._services, self._runner, actor, customer_id)
        window.closed.connect(lambda: self._forget(window))
        self.windows.append(window)
        window.show()

    def _forget(self, window: CustomerFileWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)
        window.deleteLater()

    def close_all(self) -> bool:
        """Close every file window; False when one kept its unsaved edits (cancelled)."""
        return all(window.close() for window in list(self.windows))
