"""The SQLite engine every part of the desktop uses.

Guarantees, on every pooled connection (not only the first):
- ``journal_mode=WAL``: readers never block the writer and the writer never blocks
  readers. The pragma's answer is checked; a file system that cannot do WAL is refused.
- ``synchronous=FULL``: a committed transaction survives a power cut. Signatures and
  contracts are legal records, so the few milliseconds per commit are paid.
- ``foreign_keys=ON`` and ``busy_timeout=5000`` ms.
- Real transactions: pysqlite's own transaction handling is switched off and
  SQLAlchemy emits ``BEGIN`` itself, so a SELECT sees one snapshot for the whole
  transaction, DDL rolls back with the transaction, and SAVEPOINTs work.

``BEGIN`` is deferred by default. A connection that will write after reading should
begin IMMEDIATE (take the write lock up front) — otherwise SQLite answers a lock
upgrade that lost a race with SQLITE_BUSY at once, without waiting for
``busy_timeout``. Ask for it per engine or connection with
``execution_options(kamdesk_begin="IMMEDIATE")``, e.g.
``Session(engine.execution_options(kamdesk_begin="IMMEDIATE"))`` for the writer lane.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

BUSY_TIMEOUT_MS = 5000
BEGIN_OPTION = "kamdesk_begin"
_BEGIN_MODES = {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}

define(
    {
        "db.wal_unavailable": N_(
            "The database {path} cannot use SQLite's write-ahead log (WAL) on this drive "
            "(journal mode stayed {mode}). Move the database to a folder on this "
            "computer's local disk."
        ),
    }
)


def create_sqlite_engine(path: Path) -> Engine:
    """An engine on the SQLite file ``path`` with the pragmas and transactions above.

    The file is created on first connect if it does not exist. Nothing here checks
    where the file lives; :func:`kamdesk.db.startup.open_database` does that first.
    """
    url = URL.create("sqlite+pysqlite", database=str(path))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Turn pysqlite's implicit transactions off; "begin" below emits BEGIN.
        dbapi_connection.isolation_level = None
        mode = dbapi_connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            dbapi_connection.close()
            raise KamdeskError("db.wal_unavailable", path=str(path), mode=str(mode))
        dbapi_connection.execute("PRAGMA synchronous=FULL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = str(connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")).upper()
        if mode not in _BEGIN_MODES:
            raise ValueError(f"{BEGIN_OPTION} must be one of {sorted(_BEGIN_MODES)}, not {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for one user action each; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)
