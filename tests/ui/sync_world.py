"""A real HQ on loopback for the sync page tests: one branch with an account manager
and a department leader (who may resolve conflicts), one-time codes, and a switch
that takes HQ away mid-test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kamdesk.db.models import Customer
from kamdesk.hq import admin
from kamdesk.hq.database import admin_engine, migrate
from kamdesk.hq.publish import publish_rows
from kamdesk.services.uow import write_session
from tests.hq.sync_support import publish_branch, serve_hq

OPENED = datetime(2026, 3, 1, tzinfo=UTC)
STAMP = "2026-12-01T00:00:00+00:00"


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
    publish_rows(admin_db, "HZ", "staff", [_leader(branch["branch_id"])])
    with ExitStack() as server:
        http = server.enter_context(serve_hq(url))
        try:
            yield HqWorld(http, admin_db, branch, server)
        finally:
            server.close()
            admin_db.dispose()


def _leader(branch_id: str) -> dict[str, Any]:
    return {
        "id": "staff-hz-leader",
        "branch_id": branch_id,
        "login": "leader-hz",
        "name": "周主任",
        "role": "leader",
        "title": "",
        "industry_group_id": None,
        "workstation_id": None,
        "mobile": "",
        "email": "",
        "active": True,
        "password_hash": None,
        "hired_on": None,
        "created_at": STAMP,
        "updated_at": STAMP,
        "deleted_at": None,
        "deleted_by": None,
    }


def add_customer(engine: sa.Engine, branch: dict[str, str], name: str, **fields: Any) -> str:
    """A new account written like the customer file writes it (captured for sync)."""
    with write_session(engine) as s:
        customer = Customer(
            branch_id=branch["branch_id"],
            name=name,
            credit_code="91330100MA2AAAAA0X",
            category="enterprise",
            level="A",
            grade="B",
            owner_id=branch["staff_id"],
            opened_at=OPENED,
            **fields,
        )
        s.add(customer)
        s.flush()
        return customer.id


def edit_customer(engine: sa.Engine, customer_id: str, **fields: Any) -> None:
    with write_session(engine) as s:
        customer = s.get_one(Customer, customer_id)
        for key, value in fields.items():
            setattr(customer, key, value)
