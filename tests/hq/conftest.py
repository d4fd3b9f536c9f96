"""HQ test databases: a temporary SQLite file, and a PostgreSQL database per module.

``db_url`` runs each test on both back ends; the PostgreSQL variant is marked
``postgres`` and starts every test from empty tables (TRUNCATE as the owner).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kamdesk.hq.app import create_app
from kamdesk.hq.database import admin_engine, migrate
from tests.hq.sync_support import serve_hq
from tests.hq.sync_world import World, make_template


def _pg_database_url(admin_url: str, name: str) -> str:
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def pg_hq_url(pg_admin_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database of this test module, dropped afterwards."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    name = f"kamdesk_hq_{module}_{os.getpid()}"[:63].lower()
    server = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = _pg_database_url(pg_admin_url, name)
    try:
        migrate(url)
        yield url
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty HQ database on each back end."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hq.sqlite'}"
        migrate(url)
        return url
    url: str = request.getfixturevalue("pg_hq_url")
    engine = admin_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE registration_codes, devices, branches CASCADE"))
    engine.dispose()
    return url


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'hq.sqlite'}"
    migrate(url)
    return url


@pytest.fixture()
def admin_db(db_url: str) -> Iterator[sa.Engine]:
    engine = admin_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty desktop database that sync tests copy."""
    return make_template(tmp_path_factory.mktemp("desk-template"))


@pytest.fixture(scope="module", params=["sqlite"])
def hq_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, desk_template: Path
) -> Iterator[World]:
    """HQ of this module on loopback (SQLite unless parametrized with ``BOTH_BACKENDS``);
    each test takes its own branch from it with ``hq_world.branch()``."""
    folder = tmp_path_factory.mktemp("sync-world")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'hq.sqlite'}"
        migrate(url)
    else:
        url = request.getfixturevalue("pg_hq_url")
    engine = admin_engine(url)
    with serve_hq(url) as served:
        world = World(served, url, engine, desk_template, folder)
        try:
            yield world
        finally:
            world.close()
            engine.dispose()
