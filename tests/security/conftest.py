"""A fresh database with a branch, an admin and an account manager, for the security tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kamdesk.db.models import Branch, Customer, Staff
from kamdesk.db.startup import open_database
from kamdesk.services.actor import Actor
from kamdesk.services.uow import write_session

OPENED = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Branchdesk:
    engine: Engine
    path: Path
    branch_id: str
    admin: Actor
    am: Actor


@pytest.fixture()
def desk(tmp_path: Path) -> Iterator[Branchdesk]:
    path = tmp_path / "data" / "kamdesk.sqlite"
    engine = open_database(path)
    with write_session(engine) as s:
        branch = Branch(code="HZ", name="杭州分公司")
        s.add(branch)
        s.flush()
        admin = Staff(branch_id=branch.id, login="admin", name="管理员", role="admin")
        am = Staff(branch_id=branch.id, login="wangfang", name="王芳", role="am")
        s.add_all([admin, am])
        s.flush()
        branch_id = branch.id
        actors = [Actor(p.id, p.name, p.role, branch_id) for p in (admin, am)]
    yield Branchdesk(engine, path, branch_id, *actors)
    engine.dispose()


def new_customer(branch_id: str, owner_id: str, name: str = "杭州银行") -> Customer:
    return Customer(
        branch_id=branch_id,
        name=name,
        credit_code="11330100MB1234567E",
        category="government",
        level="provincial",
        grade="A",
        owner_id=owner_id,
        opened_at=OPENED,
    )
