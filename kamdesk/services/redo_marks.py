"""Work redone over the whole database when one of its inputs changed, and a mark in
``settings`` saying for which input it was last done completely.

Used for the regrade of every account (rules in force, month) and the deadlines of
running orders (HQ's calendar overrides), both checked after every sync round.

Guarantees: checking reads only (no write transaction on an idle round); the first
check on a database stores the current mark and reports nothing due, since its rows
were written with the input as it was; the caller stores the mark with
:func:`mark_done` only after the work completed, so interrupted work is due again.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kamdesk.services.uow import read_session, write_session
from kamdesk.sync import state


def due_mark(engine: Engine, key: str, current: Callable[[Session], str]) -> str | None:
    """The current mark (``current`` of the database now) when it differs from the one
    stored under ``key``; ``None`` when the work is not due."""
    with read_session(engine) as s:
        mark = current(s)
        stored = state.read(s, key)
    if stored is None:
        mark_done(engine, key, mark)
        return None
    return None if stored == mark else mark


def mark_done(engine: Engine, key: str, mark: str) -> None:
    """Store ``mark`` under ``key``: the work was done for it."""
    with write_session(engine) as s:
        state.write(s, key, mark)
