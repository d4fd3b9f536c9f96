"""Units of work: one session per service call, never shared, never returned.

``write_session`` takes SQLite's write lock up front (``BEGIN IMMEDIATE``) so a
second writer waits on the busy timeout instead of failing half-way; it commits
when the block ends normally and rolls back on any exception. Every ORM change to
a synced table inside it is captured into the sync outbox by the session hook of
:mod:`kamdesk.sync.capture` and into the audit log by :mod:`kamdesk.services.audit`,
in the same transaction; the audit entries name ``actor`` when one is given.

Given an ``actor``, either session reads only the rows that person may read (the
record rules of :mod:`kamdesk.services.scope`, applied to every ORM query of the
session); without one it is the system's and reads everything.

Hazard: objects loaded in the block must not leave it; services copy what they
return into frozen dataclasses. A service reading on behalf of a person that opens
its session without the actor bypasses the record rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.db.engine import BEGIN_OPTION
from kamdesk.services.actor import Actor
from kamdesk.services.audit import ACTOR_INFO, changes
from kamdesk.services.scope import session_actor
from kamdesk.sync import capture

assert capture.APPLYING  # importing capture installs the outbox hooks on every Session
assert changes.PERSONAL_FIELDS  # importing changes installs the audit hook on every Session
assert callable(session_actor)  # importing scope installs the record rules on every Session


@contextmanager
def write_session(engine: Engine, *, actor: Actor | None = None) -> Iterator[Session]:
    """A session in one write transaction, committed at the end of the block.

    ``actor`` is who acts: the audit entries of the block name them, and the
    session reads and changes only rows in their scope.
    """
    immediate = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
    with Session(immediate, info={ACTOR_INFO: actor}) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine, *, actor: Actor | None = None) -> Iterator[Session]:
    """A session for reading; nothing it holds outlives the block.

    ``actor`` is whom the read is for: the session then sees only their rows.
    """
    with Session(engine, info={ACTOR_INFO: actor}) as session:
        yield session


# Installs the KPI summary hooks on every Session. Imported last: the KPI package
# imports this module for its read sessions.
from kamdesk.services.kpi import summary_hooks  # noqa: E402

assert summary_hooks.TRACKED_TABLES
