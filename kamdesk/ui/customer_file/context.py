"""What every tab and dialog of one open file shares: the service, the task runner,
who is acting, which account, the pick lists, and how to reload after a change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kamdesk.services.actor import Actor
from kamdesk.services.customer_file.service import CustomerFileService
from kamdesk.services.customer_file.views import Choice, FileChoices
from kamdesk.ui.tasks import TaskRunner

EMPTY_CHOICES = FileChoices((), (), (), ())


@dataclass
class FileContext:
    """Mutable on purpose: ``customer_id`` is set once a new account was created and
    ``choices`` once they were read; everything else is fixed for the window's life."""

    service: CustomerFileService
    runner: TaskRunner
    actor: Actor
    customer_id: str | None
    reload: Callable[[], None]
    choices: FileChoices = field(default=EMPTY_CHOICES)
    key_persons: tuple[Choice, ...] = ()  # of this account, for pickers

    def require_id(self) -> str:
        if self.customer_id is None:
            raise RuntimeError("the account has not been created yet")
        return self.customer_id
