"""The services of one open database, built on first use.

The composition root (``app.py``) makes one :class:`Services` per open database and
hands it to the window; pages take the service they need from it. Each service
opens its own session per call, so the container holds no session and no ORM
object and may be shared across threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from kamdesk.services.shell import ShellService
from kamdesk.services.workorders import WorkOrderService


@dataclass
class Services:
    """One attribute per use-case area; add a ``cached_property`` for a new area."""

    engine: Engine

    @cached_property
    def shell(self) -> ShellService:
        return ShellService(self.engine)

    @cached_property
    def work_orders(self) -> WorkOrderService:
        return WorkOrderService(self.engine)
