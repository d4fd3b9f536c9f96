"""Demo data added to a freshly set-up database: in the admin's branch, all or nothing,
and only where it cannot mix with real data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from kamdesk.db.models import Branch, Customer, Product, Staff, WorkOrder
from kamdesk.db.startup import open_database
from kamdesk.domain.progress import Cancelled
from kamdesk.errors import KamdeskError
from kamdesk.services.actor import Actor
from kamdesk.services.auth import AuthService, FirstAdmin
from kamdesk.services.demo import DemoSpec, generate_demo
from kamdesk.services.demo.catalog import PRODUCTS
from kamdesk.services.demo.first_run import add_demo_data
from kamdesk.services.uow import read_session, write_session
from kamdesk.sync import state

SPEC = DemoSpec(accounts=8, orders=40, seed=4, workers=0)
PASSWORD = "Nj-2026-kam!"


def a_demo_login(tmp_path: Path) -> str:
    """A login the demo of SPEC gives one of its staff."""
    other = open_database(tmp_path / "peek.sqlite")
    try:
        generate_demo(other, SPEC)
        with read_session(other) as s:
            return str(s.scalars(sa.select(Staff.login).order_by(Staff.login)).first())
    finally:
        other.dispose()


def set_up(engine: sa.Engine, login: str = "wangli") -> Actor:
    return AuthService(engine).create_first_admin(
        FirstAdmin("NJ", "南京分公司", login, "王丽", PASSWORD)
    )


def counts(engine: sa.Engine) -> tuple[int, int, int, int]:
    with read_session(engine) as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)
            for model in (Branch, Staff, Customer, WorkOrder)
        )


def test_the_demo_joins_the_admins_branch_and_a_taken_login_is_renamed(
    engine: sa.Engine, tmp_path: Path
) -> None:
    taken = a_demo_login(tmp_path)
    admin = set_up(engine, login=taken)
    progress: list[str] = []
    summary = add_demo_data(engine, admin, SPEC, progress=lambda d, t, text: progress.append(text))

    branches, staff, customers, orders = counts(engine)
    assert (branches, customers, orders) == (1, SPEC.accounts, SPEC.orders)
    assert staff == summary.count("staff") + 1  # the demo's people and the admin
    with read_session(engine, actor=admin) as s:  # what the admin may read
        assert s.scalar(sa.select(sa.func.count()).select_from(Customer)) == SPEC.accounts
        assert s.scalar(sa.select(sa.func.count()).select_from(WorkOrder)) == SPEC.orders
    with read_session(engine) as s:
        logins = list(s.scalars(sa.select(Staff.login)))
        assert set(s.scalars(sa.select(Staff.branch_id))) == {admin.branch_id}
    assert len(logins) == len(set(logins)) and f"{taken}.demo" in logins
    assert AuthService(engine).login(taken, PASSWORD) == admin  # the admin keeps the login
    db = sqlite3.connect(engine.url.database or "")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM kpi_month_sums").fetchone()[0] > 0  # recounted
    assert progress and progress[-1] != ""


def test_a_cancel_leaves_the_database_as_it_was(engine: sa.Engine) -> None:
    admin = set_up(engine)
    before = counts(engine)
    checks = iter(range(1000))
    with pytest.raises(Cancelled):
        add_demo_data(engine, admin, SPEC, cancel=lambda: next(checks) >= 3)
    assert counts(engine) == before


def test_a_clash_with_rows_already_there_changes_nothing(engine: sa.Engine) -> None:
    admin = set_up(engine)
    with write_session(engine) as s:  # reference data of the same code, say from an import
        s.add(Product(code=PRODUCTS[0].code, name="已有产品", family="circuit", promised_days=5))
    before = counts(engine)
    with pytest.raises(KamdeskError) as caught:
        add_demo_data(engine, admin, SPEC)
    assert caught.value.code == "demo.not_empty"
    assert counts(engine) == before


def test_it_is_refused_where_it_would_mix_with_real_data(engine: sa.Engine) -> None:
    admin = set_up(engine)
    clerk = Actor(admin.staff_id, admin.name, "clerk", admin.branch_id)
    with pytest.raises(KamdeskError) as caught:
        add_demo_data(engine, clerk, SPEC)
    assert caught.value.code == "demo.admin_only"

    with write_session(engine) as s:
        state.write(s, state.HQ_DEVICE_ID, "device-1")
    with pytest.raises(KamdeskError) as caught:
        add_demo_data(engine, admin, SPEC)
    assert caught.value.code == "demo.registered"
    with write_session(engine) as s:
        state.write(s, state.HQ_DEVICE_ID, None)

    add_demo_data(engine, admin, SPEC)
    with pytest.raises(KamdeskError) as caught:  # a second demo: not into data
        add_demo_data(engine, admin, SPEC)
    assert caught.value.code == "demo.not_empty"
    assert counts(engine)[2:] == (SPEC.accounts, SPEC.orders)
