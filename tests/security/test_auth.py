"""Signing in: argon2id hashes, no empty or default passwords, one message for every
failure, slowed-down guessing that survives a restart, the first admin, the idle lock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from sqlalchemy import Engine, select

from kamdesk.db.models import AuditEntry, Staff
from kamdesk.db.startup import open_database
from kamdesk.errors import KamdeskError
from kamdesk.i18n import set_language
from kamdesk.services.auth import AuthService, FirstAdmin, password_problem
from kamdesk.services.container import Services
from kamdesk.services.uow import read_session, write_session
from tests.security.conftest import Branchdesk

PASSWORD = "Hz-2026-kam!"
FIRST = FirstAdmin("HZ", "杭州分公司", "admin", "管理员", PASSWORD)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def actions(engine: Engine) -> list[tuple[str, str | None]]:
    with read_session(engine) as s:
        rows = s.execute(select(AuditEntry.action, AuditEntry.actor_id).order_by(AuditEntry.seq))
        return [(a, b) for a, b in rows if a.startswith(("login", "lock", "password"))]


@pytest.fixture()
def fresh(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(tmp_path / "kamdesk.sqlite")
    yield engine
    engine.dispose()


def error_code(call: Callable[[], object]) -> str:
    with pytest.raises(KamdeskError) as caught:
        call()
    return caught.value.code


def test_first_run_creates_the_branch_admin_once(fresh: Engine) -> None:
    auth = Services(fresh).auth
    assert auth.needs_first_admin()
    for bad, code in (
        ("", "auth.password_empty"),
        ("short", "auth.password_short"),
        ("Admin", "auth.password_short"),
        ("12345678", "auth.password_trivial"),
        ("aaaaaaaaaa", "auth.password_trivial"),
    ):
        request = FirstAdmin("HZ", "杭州分公司", "admin", "管理员", bad)
        assert error_code(lambda r=request: auth.create_first_admin(r)) == code
    assert error_code(
        lambda: auth.create_first_admin(FirstAdmin("HZ", "", "a", "b", PASSWORD))
    ) == ("auth.field_missing")
    assert auth.needs_first_admin()

    admin = auth.create_first_admin(FIRST)
    assert admin.role == "admin" and not auth.needs_first_admin()
    with read_session(fresh) as s:
        stored = s.scalars(select(Staff.password_hash)).one()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    params = extract_parameters(stored)
    assert (params.type, params.time_cost, params.memory_cost) == (Type.ID, 2, 19 * 1024)
    assert error_code(lambda: auth.create_first_admin(FIRST)) == "auth.already_set_up"
    assert auth.login("admin", PASSWORD) == admin


def test_unknown_user_and_wrong_password_read_the_same(fresh: Engine) -> None:
    auth = AuthService(fresh)
    admin = auth.create_first_admin(FIRST)
    set_language("en")
    try:
        messages = []
        for login, password in (("admin", "wrong-pass-1"), ("nobody", PASSWORD), ("", "")):
            with pytest.raises(KamdeskError) as caught:
                auth.login(login, password)
            messages.append(caught.value.message())
    finally:
        set_language("zh_CN")
    assert set(messages) == {"The user name or password is wrong."}
    assert actions(fresh)[-3:] == [
        ("login_failed", admin.staff_id),
        ("login_failed", None),
        ("login_failed", None),
    ]


def test_people_without_a_password_or_inactive_cannot_sign_in(desk: Branchdesk) -> None:
    auth = AuthService(desk.engine)
    assert error_code(lambda: auth.login("wangfang", "")) == "auth.failed"
    assert auth.needs_first_admin()  # staff from HQ without hashes cannot sign in
    with write_session(desk.engine) as s:
        s.get_one(Staff, desk.am.staff_id).password_hash = PasswordHasher().hash(PASSWORD)
    assert auth.login("wangfang", PASSWORD).staff_id == desk.am.staff_id
    with write_session(desk.engine) as s:
        s.get_one(Staff, desk.am.staff_id).active = False
    assert error_code(lambda: auth.login("wangfang", PASSWORD)) == "auth.failed"


def test_five_wrong_passwords_slow_down_and_the_delay_survives_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kamdesk.sqlite"
    clock = Clock()
    engine = open_database(path)
    AuthService(engine, clock=clock).create_first_admin(FIRST)
    auth = AuthService(engine, clock=clock)
    for _ in range(5):
        assert error_code(lambda: auth.login("admin", "wrong-pass-1")) == "auth.failed"
    with pytest.raises(KamdeskError) as caught:
        auth.login("admin", PASSWORD)  # even the right password waits
    assert caught.value.code == "auth.wait" and caught.value.params["seconds"] == 15
    engine.dispose()

    engine = open_database(path)  # the app was restarted
    auth = AuthService(engine, clock=clock)
    clock.now += timedelta(seconds=10)
    with pytest.raises(KamdeskError) as caught:
        auth.login("admin", PASSWORD)
    assert caught.value.params["seconds"] == 5
    clock.now += timedelta(seconds=5)
    assert error_code(lambda: auth.login("admin", "wrong-pass-2")) == "auth.failed"
    with pytest.raises(KamdeskError) as caught:
        auth.login("admin", PASSWORD)
    assert caught.value.params["seconds"] == 30  # doubled after the sixth failure
    clock.now += timedelta(seconds=30)
    assert auth.login("admin", PASSWORD).role == "admin"
    for _ in range(5):  # a good sign-in starts the count again
        assert error_code(lambda: auth.login("admin", "wrong-pass-1")) == "auth.failed"
    assert error_code(lambda: auth.login("admin", PASSWORD)) == "auth.wait"
    engine.dispose()


def test_unknown_logins_are_slowed_down_alike(fresh: Engine) -> None:
    clock = Clock()
    auth = AuthService(fresh, clock=clock)
    for _ in range(5):
        assert error_code(lambda: auth.login("ghost", "anything-1")) == "auth.failed"
    assert error_code(lambda: auth.login("ghost", "anything-1")) == "auth.wait"


def test_a_weaker_hash_is_upgraded_at_sign_in(desk: Branchdesk) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with write_session(desk.engine) as s:
        s.get_one(Staff, desk.admin.staff_id).password_hash = weak.hash(PASSWORD)
    AuthService(desk.engine).login("admin", PASSWORD)
    with read_session(desk.engine) as s:
        stored = s.get_one(Staff, desk.admin.staff_id).password_hash
    assert stored is not None
    params = extract_parameters(stored)
    assert (params.time_cost, params.memory_cost) == (2, 19 * 1024)
    assert AuthService(desk.engine).login("admin", PASSWORD).staff_id == desk.admin.staff_id


def test_change_password_lock_and_unlock(fresh: Engine) -> None:
    auth = AuthService(fresh)
    admin = auth.create_first_admin(FIRST)
    assert error_code(lambda: auth.change_password(admin, "wrong-pass", "New-pass-2026")) == (
        "auth.failed"
    )
    assert error_code(lambda: auth.change_password(admin, PASSWORD, "admin")) == (
        "auth.password_short"
    )
    auth.change_password(admin, PASSWORD, "New-pass-2026")
    auth.lock(admin)
    assert error_code(lambda: auth.unlock(admin, PASSWORD)) == "auth.failed"
    assert auth.unlock(admin, "New-pass-2026") == admin
    assert [a for a, _ in actions(fresh)] == [
        "login",
        "password_changed",
        "lock",
        "login_failed",
        "login",
    ]


def test_idle_lock_time_is_an_admin_setting(desk: Branchdesk) -> None:
    auth = AuthService(desk.engine)
    assert auth.idle_lock_minutes() == 10
    assert error_code(lambda: auth.set_idle_lock_minutes(desk.am, 5)) == "auth.not_admin"
    assert error_code(lambda: auth.set_idle_lock_minutes(desk.admin, 0)) == (
        "auth.bad_idle_minutes"
    )
    auth.set_idle_lock_minutes(desk.admin, 5)
    assert AuthService(desk.engine).idle_lock_minutes() == 5


def test_password_rules() -> None:
    assert password_problem("Zhejiang-2026", "admin") is None
    assert password_problem("WangFang", "wangfang") is not None
    assert password_problem("Password") is not None
