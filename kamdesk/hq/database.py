"""Engines, migrations and branch scoping for HQ's database (SQLite or PostgreSQL).

Two kinds of engine:
- :func:`admin_engine` (migrations, the admin command line) connects as given; on
  PostgreSQL that is the role that owns the tables.
- :func:`serving_engine` (the HTTP service) on PostgreSQL acts as the serving role
  :data:`SERVING_ROLE`, which owns no table and is subject to forced row-level security.
  Give it a URL that logs in as that role for the strongest wall; with an owner's URL
  it switches with ``SET ROLE`` on every new connection (hazard: SQL that could run
  ``RESET ROLE`` would lift the wall — the service only runs bound parameters).

Scoping: inside a transaction, :func:`scope_to_branch` sets ``kamdesk.branch_id`` and
:func:`reveal_by_secret` sets ``kamdesk.token_hash``/``kamdesk.code_hash`` with
``set_config(..., is_local => true)``, so the setting ends with the transaction and a
pooled connection never carries one request's scope into the next. On SQLite these
are no-ops and the service's own ``WHERE branch_id = …`` filters are the only wall.

SQLite: WAL, foreign keys on, and every transaction starts with ``BEGIN IMMEDIATE``,
so writers queue (busy timeout) instead of failing when a read turns into a write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.orm import Session

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

SERVING_ROLE = "kamdesk_hq"
VERSION_TABLE = "hq_alembic_version"
DEFAULT_DB_URL = "sqlite:///kamdesk-hq.sqlite"
BRANCH_SETTING = "kamdesk.branch_id"
TOKEN_SETTING = "kamdesk.token_hash"
CODE_SETTING = "kamdesk.code_hash"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30

define(
    {
        "hq.db_newer": N_(
            "The HQ database is at schema {revision}, newer than this kamdesk-hq knows. "
            "Update kamdesk-hq instead of running an older one."
        ),
        "hq.db_unreachable": N_("Cannot open the HQ database {url}: {detail}"),
    }
)


def database_url(text: str) -> str:
    """A SQLAlchemy URL from ``text``; a plain file path means a SQLite file."""
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def display_url(url: str) -> str:
    """``url`` with any password masked, fit for messages and logs."""
    return sa.make_url(url).render_as_string(hide_password=True)


def _tune_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _act_as_serving_role(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] != SERVING_ROLE:
            cursor.execute(f"SET ROLE {SERVING_ROLE}")
        cursor.close()
        dbapi_conn.commit()


def admin_engine(url: str) -> sa.Engine:
    """An engine acting as the URL's own role (table owner on PostgreSQL)."""
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _tune_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def serving_engine(url: str) -> sa.Engine:
    """An engine for the HTTP service; on PostgreSQL it acts as :data:`SERVING_ROLE`."""
    engine = admin_engine(url)
    if engine.dialect.name == "postgresql":
        _act_as_serving_role(engine)
    return engine


def _alembic_config(connection: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        ).get_current_revision()


def migrate(url: str) -> None:
    """Bring the database to the newest schema; refuses one newer than this code."""
    engine = admin_engine(url)
    try:
        with engine.connect() as conn:
            cfg = _alembic_config(conn)
            script = ScriptDirectory.from_config(cfg)
            revision = MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
            if revision is not None and revision not in {
                s.revision for s in script.walk_revisions()
            }:
                raise KamdeskError("hq.db_newer", revision=revision)
            conn.commit()
            command.upgrade(cfg, "head")
            conn.commit()
    except sa.exc.OperationalError as exc:
        raise KamdeskError(
            "hq.db_unreachable",
            url=engine.url.render_as_string(hide_password=True),
            detail=str(exc.orig),
        ) from exc
    finally:
        engine.dispose()


def _set_local(session: Session, setting: str, value: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT set_config(:setting, :value, true)"),
            {"setting": setting, "value": value},
        )


def scope_to_branch(session: Session, branch_id: str) -> None:
    """Limit the rest of this transaction to ``branch_id``'s rows (PostgreSQL RLS)."""
    _set_local(session, BRANCH_SETTING, branch_id)


def reveal_by_secret(session: Session, setting: str, secret_hash: str) -> None:
    """Let this transaction see the one row whose secret hashes to ``secret_hash``."""
    if setting not in (TOKEN_SETTING, CODE_SETTING):
        raise ValueError(f"not a secret setting: {setting}")
    _set_local(session, setting, secret_hash)
