"""A real HQ on loopback for the sync page tests: one branch with an account manager
and a department leader (who may resolve conflicts), one-time codes, and a switch
that takes HQ away mid-test. Rows are written with :mod:`tests.hq.sync_world`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kamdesk.hq import admin
from kamdesk.hq.database import admin_engine, migrate
from kamdesk.hq.publish import publish_rows
from tests.hq.sync_support import publish_branch, serve_hq
from tests.hq.sync_world import staff_row, write_customer
from tests.hq.sync_world import update_customer as edit_customer

__all__ = ["HqWorld", "add_customer", "edit_customer", "hq_world"]


@dataclass
class HqWorld:
    url: str
    admin_db: sa.Engine
    branch: dict[str, str]
    _server: ExitStack = field(repr=False)

    def code(self) -> str:
        """A fresh one-time registration code for the branch."""
        return admin.issue_code(self.admin_db, self.branch["code"]).code

    def go_away(self) -> None:
        """Stop HQ: from now on every request is refused at the TCP level."""
        self._server.close()


@contextmanager
def hq_world(tmp_path: Path) -> Iterator[HqWorld]:
    url = f"sqlite:///{tmp_path / 'hq.sqlite'}"
    migrate(url)
    admin_db = admin_engine(url)
    branch = publish_branch(admin_db, "HZ", "杭州分公司")
    leader = staff_row(branch["branch_id"], "staff-hz-leader", "leader-hz", "周主任", "leader")
    publish_rows(admin_db, "HZ", "staff", [leader])
    with ExitStack() as server:
        http = server.enter_context(serve_hq(url))
        try:
            yield HqWorld(http, admin_db, branch, server)
        finally:
            server.close()
            admin_db.dispose()


def add_customer(engine: sa.Engine, branch: dict[str, str], name: str, **fields: Any) -> str:
    """A new account of the branch's account manager (see :func:`write_customer`)."""
    return write_customer(engine, branch["branch_id"], branch["staff_id"], name, **fields)
