"""G4's second wall on PostgreSQL: the serving role, with the service's own filters
bypassed (raw SQL), sees and writes only the rows of the branch its transaction names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from kamdesk.domain.clock import utcnow
from kamdesk.hq import admin
from kamdesk.hq.credentials import hash_token
from kamdesk.hq.database import SERVING_ROLE, admin_engine, serving_engine
from kamdesk.hq.devices import ClientVersions, register_device
from kamdesk.hq.models import BRANCH_SCOPED_TABLES

pytestmark = pytest.mark.postgres


@pytest.fixture()
def two_branches(pg_hq_url: str) -> Iterator[dict[str, object]]:
    """Branches HZ (two devices) and SH (one device), registered through the service."""
    owner = admin_engine(pg_hq_url)
    with owner.begin() as conn:
        conn.execute(sa.text("TRUNCATE registration_codes, devices, branches CASCADE"))
    hz = admin.add_branch(owner, "HZ", "杭州分公司")
    sh = admin.add_branch(owner, "SH", "上海分公司")
    serving = serving_engine(pg_hq_url)
    tokens = {}
    for branch, name in [("HZ", "hz-1"), ("HZ", "hz-2"), ("SH", "sh-1")]:
        code = admin.issue_code(owner, branch).code
        tokens[name] = register_device(serving, code, name, ClientVersions(protocol=1)).token
    serving.dispose()
    yield {"owner": owner, "hz": hz.id, "sh": sh.id, "tokens": tokens}
    owner.dispose()


@pytest.fixture()
def as_serving_role(pg_hq_url: str) -> Iterator[sa.Engine]:
    """A plain connection logging in as the serving role: no service code in between."""
    url = sa.make_url(pg_hq_url).set(username=SERVING_ROLE, password=None)
    engine = sa.create_engine(url)
    yield engine
    engine.dispose()


def _scope(conn: sa.Connection, setting: str, value: str) -> None:
    conn.execute(sa.text("SELECT set_config(:s, :v, true)"), {"s": setting, "v": value})


def test_the_serving_role_owns_no_table_and_rls_is_forced(pg_hq_url: str, two_branches):
    with two_branches["owner"].connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity,"
                " c.relforcerowsecurity FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
            )
        ).all()
        role = conn.execute(
            sa.text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"),
            {"r": SERVING_ROLE},
        ).one()
    assert rows
    assert all(owner != SERVING_ROLE for _, owner, _, _ in rows)
    guarded = {name: (on, forced) for name, _, on, forced in rows if name in BRANCH_SCOPED_TABLES}
    assert guarded == {name: (True, True) for name in BRANCH_SCOPED_TABLES}
    assert tuple(role) == (False, False)


def test_raw_selects_see_only_the_scoped_branch(as_serving_role: sa.Engine, two_branches):
    with as_serving_role.begin() as conn:
        assert conn.execute(sa.text("SELECT current_user")).scalar() == SERVING_ROLE
        unscoped = conn.execute(sa.text("SELECT * FROM devices")).all()
        _scope(conn, "kamdesk.branch_id", two_branches["hz"])
        hz_devices = conn.execute(sa.text("SELECT name, branch_id FROM devices")).all()
        hz_branches = conn.execute(sa.text("SELECT code FROM branches")).scalars().all()
        hz_codes = conn.execute(sa.text("SELECT branch_id FROM registration_codes")).all()
    with as_serving_role.begin() as conn:
        _scope(conn, "kamdesk.branch_id", two_branches["sh"])
        sh_devices = conn.execute(sa.text("SELECT name FROM devices")).scalars().all()
    with as_serving_role.begin() as conn:  # the setting ended with its transaction
        after = conn.execute(sa.text("SELECT count(*) FROM devices")).scalar()

    assert unscoped == []
    assert sorted(name for name, _ in hz_devices) == ["hz-1", "hz-2"]
    assert {branch for _, branch in hz_devices} == {two_branches["hz"]}
    assert hz_branches == ["HZ"]
    assert len(hz_codes) == 2
    assert sh_devices == ["sh-1"]
    assert after == 0


def test_a_token_hash_reveals_only_its_own_device(as_serving_role: sa.Engine, two_branches):
    with as_serving_role.begin() as conn:
        _scope(conn, "kamdesk.token_hash", hash_token(two_branches["tokens"]["sh-1"]))
        seen = conn.execute(sa.text("SELECT name FROM devices")).scalars().all()
    assert seen == ["sh-1"]


def test_writes_outside_the_scoped_branch_are_refused(as_serving_role: sa.Engine, two_branches):
    with as_serving_role.begin() as conn:
        _scope(conn, "kamdesk.branch_id", two_branches["hz"])
        moved = conn.execute(
            sa.text("UPDATE devices SET last_seen_at = now() WHERE branch_id = :sh"),
            {"sh": two_branches["sh"]},
        ).rowcount
    assert moved == 0

    refused = pytest.raises(sa.exc.ProgrammingError, match="row-level security")
    with refused, as_serving_role.begin() as conn:
        _scope(conn, "kamdesk.branch_id", two_branches["hz"])
        conn.execute(
            sa.text(
                "INSERT INTO devices (id, branch_id, name, token_hash, created_at)"
                " VALUES ('x', :sh, 'intruder', :h, :t)"
            ),
            {"sh": two_branches["sh"], "h": "0" * 64, "t": utcnow()},
        )
    for statement in (
        "UPDATE devices SET revoked_at = NULL",
        "UPDATE devices SET branch_id = branch_id",
        "DELETE FROM devices",
        "UPDATE branches SET name = 'x'",
    ):
        denied = pytest.raises(sa.exc.ProgrammingError, match="permission denied")
        with denied, as_serving_role.begin() as conn:
            _scope(conn, "kamdesk.branch_id", two_branches["hz"])
            conn.execute(sa.text(statement))


def test_the_admin_owner_still_sees_every_branch(two_branches):
    devices = admin.list_devices(two_branches["owner"])
    assert sorted(d.name for d in devices) == ["hz-1", "hz-2", "sh-1"]


@pytest.fixture()
def unprivileged_owner_db(pg_admin_url: str) -> Iterator[str]:
    """A database owned and migrated by an ordinary role (as on a managed PostgreSQL)."""
    import os

    owner, name = f"kamdesk_hq_owner_{os.getpid()}", f"kamdesk_hq_owned_{os.getpid()}"
    server = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"DROP ROLE IF EXISTS {owner}"))
        conn.execute(sa.text(f"CREATE ROLE {owner} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS"))
        conn.execute(sa.text(f"CREATE DATABASE {name} OWNER {owner}"))
    try:
        yield (
            sa.make_url(pg_admin_url)
            .set(username=owner, database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {owner}"))
        server.dispose()


def test_a_non_superuser_owner_migrates_administers_and_serves(unprivileged_owner_db: str):
    from kamdesk.hq.database import migrate

    migrate(unprivileged_owner_db)
    owner = admin_engine(unprivileged_owner_db)
    serving = serving_engine(unprivileged_owner_db)
    try:
        for branch in ("HZ", "SH"):
            admin.add_branch(owner, branch, branch)
            code = admin.issue_code(owner, branch).code
            register_device(serving, code, f"{branch}-desk", ClientVersions(protocol=1))
        with serving.begin() as conn:
            acting = conn.execute(sa.text("SELECT current_user")).scalar()
            hz = conn.execute(sa.text("SELECT id FROM branches")).all()  # unscoped: nothing
        with owner.connect() as conn:
            forced = conn.execute(
                sa.text(
                    "SELECT bool_and(relforcerowsecurity) FROM pg_class WHERE relname = ANY(:t)"
                ),
                {"t": list(BRANCH_SCOPED_TABLES)},
            ).scalar()
        assert acting == SERVING_ROLE
        assert hz == []
        assert forced is True
        assert sorted(d.name for d in admin.list_devices(owner)) == ["HZ-desk", "SH-desk"]
    finally:
        serving.dispose()
        owner.dispose()
