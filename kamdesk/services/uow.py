"""Units of work: one session per service call, never shared, never returned.

``write_session`` takes SQLite's write lock up front (``BEGIN IMMEDIATE``) so a
second writer waits on the busy timeout instead of failing half-way; it commits
when the block ends normally and rolls back on any exception. Every ORM change to
a synced table inside it is captured into the sync outbox by the session hook of
:mod:`kamdesk.sync.capture`, in the same transaction.

Hazard: objects loaded in the block must not leave it; services copy what they
return into frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.db.engine import BEGIN_OPTION
from kamdesk.sync import capture

assert capture.APPLYING  # importing capture installs the outbox hooks on every Session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction, committed at the end of the block."""
    immediate = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
    with Session(immediate) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; nothing it holds outlives the block."""
    with Session(engine) as session:
        yield session
