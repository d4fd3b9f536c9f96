"""Deadlines of running orders recomputed when HQ changes the working calendar.

An order's cached ``due_at`` is computed with the calendar in force when its last
event was recorded. When HQ publishes calendar overrides (an extra holiday, a make-up
working day), the order window — which derives the deadline afresh — and the lists
"due within 24 hours" / "past the deadline", which read the cache, would disagree.
:func:`refresh_deadlines` recomputes ``due_at`` of every order whose clock runs from
its cached issue time, promise and pauses, whenever the overrides differ from those
of the last refresh (a fingerprint kept in ``settings``).

Guarantees: only rows whose deadline moves are written, in chunks of :data:`CHUNK`
orders per transaction; the fingerprint is kept as :mod:`kamdesk.services.redo_marks`
keeps marks (an interrupted refresh runs again in full; the first call on a database
only stores it: every deadline was computed with the calendar it has).

Hazard: the new deadlines are written with Core statements, outside the sync capture:
they follow from rows HQ sent (the overrides), and HQ's own copy of the order is
brought up to date by the order's next event, like every cached column.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.orm import Session

from kamdesk.db.models import CalendarOverride, ClockPause, WorkOrder
from kamdesk.domain.progress import CancelCheck, Progress, check_cancel
from kamdesk.domain.sla import Pause, Promise, PromisedClock, SlaMode
from kamdesk.domain.workorders.vocabulary import CLOCK_STATES
from kamdesk.i18n import tr
from kamdesk.services.redo_marks import due_mark, mark_done
from kamdesk.services.uow import read_session, write_session
from kamdesk.services.workorders.store import working_calendar

CHUNK = 2_000
REFRESHED_FOR = "workorders.deadlines_calendar"
"""Setting: :func:`calendar_fingerprint` of the last complete refresh."""
_RUNNING = tuple(state.value for state in CLOCK_STATES)


def calendar_fingerprint(s: Session) -> str:
    """A digest of the live calendar overrides (day and whether it is worked)."""
    rows = s.execute(
        select(CalendarOverride.day, CalendarOverride.is_working)
        .where(CalendarOverride.deleted_at.is_(None))
        .order_by(CalendarOverride.day)
    ).all()
    text = ";".join(f"{day.isoformat()}={int(bool(working))}" for day, working in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def refresh_deadlines(
    engine: Engine, *, progress: Progress | None = None, cancel: CancelCheck | None = None
) -> int | None:
    """Recompute the running orders' deadlines if the overrides changed since the last
    refresh; returns how many deadlines moved, ``None`` when nothing was due."""
    fingerprint = due_mark(engine, REFRESHED_FOR, calendar_fingerprint)
    if fingerprint is None:
        return None
    with read_session(engine) as s:
        ids = list(
            s.scalars(
                select(WorkOrder.id)
                .where(WorkOrder.state.in_(_RUNNING), WorkOrder.issued_at.is_not(None))
                .order_by(WorkOrder.id)
            )
        )
    moved = 0
    for start in range(0, len(ids), CHUNK):
        check_cancel(cancel)
        with write_session(engine) as s:
            moved += _refresh_chunk(s, ids[start : start + CHUNK])
        if progress is not None:
            done_count = min(start + CHUNK, len(ids))
            progress(done_count, len(ids), tr("Recomputing deadlines of running orders"))
    mark_done(engine, REFRESHED_FOR, fingerprint)
    return moved


def _refresh_chunk(s: Session, ids: Sequence[str]) -> int:
    calendar = working_calendar(s)
    pauses: dict[str, list[Pause]] = defaultdict(list)
    for order_id, started, ended, reason in s.execute(
        select(ClockPause.order_id, ClockPause.started_at, ClockPause.ended_at, ClockPause.reason)
        .where(ClockPause.order_id.in_(ids), ClockPause.deleted_at.is_(None))
        .order_by(ClockPause.started_at)
    ):
        pauses[order_id].append(Pause(started, ended, reason))
    changes: list[dict[str, object]] = []
    for order_id, issued_at, days, mode, due_at in s.execute(
        select(
            WorkOrder.id,
            WorkOrder.issued_at,
            WorkOrder.promised_days,
            WorkOrder.clock_mode,
            WorkOrder.due_at,
        ).where(WorkOrder.id.in_(ids))
    ):
        clock = PromisedClock(issued_at, Promise(days, _mode(mode)), pauses[order_id], calendar)
        due: datetime | None = clock.due()
        if due != due_at:
            changes.append({"key": order_id, "due": due})
    if changes:
        s.connection().execute(
            update(WorkOrder)
            .where(WorkOrder.id == bindparam("key"))
            .values(due_at=bindparam("due")),
            changes,
        )
    return len(changes)


def _mode(stored: str) -> SlaMode:
    return SlaMode.CALENDAR if stored == SlaMode.CALENDAR.value else SlaMode.WORKING_DAYS
