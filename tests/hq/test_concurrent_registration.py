"""One code, many devices racing for it: exactly one wins, the rest leave no trace."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from kamdesk.errors import KamdeskError
from kamdesk.hq import admin
from kamdesk.hq.database import admin_engine, serving_engine
from kamdesk.hq.devices import ClientVersions, Registration, register_device
from kamdesk.hq.models import RegistrationCode

RACERS = 6
ROUNDS = 3


def _race(engine: sa.Engine, code: str) -> list[Registration | str]:
    start = threading.Barrier(RACERS)

    def attempt(i: int) -> Registration | str:
        start.wait()
        try:
            return register_device(engine, code, f"desk-{i}", ClientVersions(protocol=1))
        except KamdeskError as exc:
            return exc.code

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(attempt, range(RACERS)))


def test_concurrent_uses_of_one_code_register_exactly_one_device(db_url: str, admin_db: sa.Engine):
    admin.add_branch(admin_db, "HZ", "杭州分公司")
    codes = [admin.issue_code(admin_db, "HZ").code for _ in range(ROUNDS)]
    engine = serving_engine(db_url)
    try:
        outcomes = [_race(engine, code) for code in codes]
    finally:
        engine.dispose()

    for results in outcomes:
        winners = [r for r in results if isinstance(r, Registration)]
        losers = [r for r in results if not isinstance(r, Registration)]
        assert len(winners) == 1, results
        assert losers == ["register.code_used"] * (RACERS - 1)
    devices = admin.list_devices(admin_db)
    assert len(devices) == ROUNDS, "a losing attempt left a device behind"
    with admin_db.connect() as conn:
        spent = conn.execute(sa.select(RegistrationCode.used_by_device_id)).scalars().all()
    assert sorted(spent) == sorted(d.id for d in devices)


@pytest.mark.postgres
def test_a_registration_that_read_the_code_before_it_was_spent_still_loses(pg_hq_url: str):
    """Deterministic form of the race on PostgreSQL: our read saw the code unused, but
    another transaction spends it before our conditional UPDATE; we must roll back."""
    owner = admin_engine(pg_hq_url)
    serving = serving_engine(pg_hq_url)
    try:
        with owner.begin() as conn:
            conn.execute(sa.text("TRUNCATE registration_codes, devices, branches CASCADE"))
        admin.add_branch(owner, "HZ", "杭州分公司")
        code = admin.issue_code(owner, "HZ").code
        with ThreadPoolExecutor(1) as pool, owner.connect() as rival:
            rival.execute(sa.update(RegistrationCode).values(used_at=sa.func.now()))
            late = pool.submit(register_device, serving, code, "late", ClientVersions(protocol=1))
            _wait_until_blocked_on_a_lock(owner)
            rival.commit()
            with pytest.raises(KamdeskError) as caught:
                late.result(timeout=30)
        assert caught.value.code == "register.code_used"
        assert admin.list_devices(owner) == []
    finally:
        serving.dispose()
        owner.dispose()


def _wait_until_blocked_on_a_lock(engine: sa.Engine, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(query).scalar():
                return
        time.sleep(0.02)
    pytest.fail("the registration never waited for the rival's lock")
