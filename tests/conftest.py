"""Suite-wide set-up: headless Qt, an in-memory credential store, PostgreSQL gating,
and the fixtures every folder uses: a fresh desktop database and English on request."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import pytest

from tests import pg
from tests.memory_keyring import MemoryKeyring

if TYPE_CHECKING:
    import sqlalchemy as sa

_pg_skipped: list[str] = []


keyring.set_keyring(MemoryKeyring())


@pytest.fixture()
def english() -> Iterator[None]:
    """The app speaks English during the test, its default language again after it
    (modules that want it for every test: ``pytestmark = usefixtures("english")``)."""
    from kamdesk import i18n

    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    """Where the test's desktop database lives (not created until ``engine`` asks)."""
    return tmp_path / "data" / "kamdesk.sqlite"


@pytest.fixture()
def engine(db_path: Path) -> Iterator[sa.Engine]:
    """A fresh, migrated desktop database at ``db_path``, disposed after the test."""
    from kamdesk.db.startup import open_database

    engine = open_database(db_path)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """URL of a reachable PostgreSQL server; fails (never skips) where one must run."""
    import sqlalchemy as sa

    if not pg.must_run():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    engine = sa.create_engine(pg.pg_url())
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:
        pytest.fail(f"PostgreSQL must be reachable at {pg.pg_url()}: {exc}")
    finally:
        engine.dispose()
    yield pg.pg_url()


_tool_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "postgres" in report.keywords:
        _pg_skipped.append(report.nodeid)
    elif report.skipped and "not installed" in str(report.longrepr):
        _tool_skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _pg_skipped and pg.must_run():
        print(f"\nPostgreSQL is available but {len(_pg_skipped)} postgres tests were skipped:")
        for nodeid in _pg_skipped:
            print("  ", nodeid)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if _tool_skipped and os.environ.get("CI"):
        print(f"\nUnder CI, {len(_tool_skipped)} tests skipped for a missing tool (.ci/run")
        print("installs what real-artefact tests need; a skip there hides a broken set-up):")
        for nodeid in _tool_skipped:
            print("  ", nodeid)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
