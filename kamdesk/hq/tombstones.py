"""The tombstone horizon: HQ forgets old deletes, and a device that may have missed one
re-snapshots (SYNC.md "Long offline").

Guarantees:
- :func:`purge_tombstones` removes a branch's tombstones last changed before a cutoff
  and raises the branch's horizon (``purged_through``) to the highest changelog number
  it removed, in one transaction holding the branch's counter lock, so no push of the
  branch folds a change into a row while it goes.
- :func:`check_cursor`: a pull from a cursor below the horizon is refused with
  ``pull.resnapshot_needed`` (410) naming the horizon; the device may have skipped a
  delete whose record is gone. A snapshot pull (``snapshot=true``) is served from any
  cursor: the device re-reads everything and then asks :func:`missing_rows` which of
  its rows HQ no longer holds. Every page names the horizon, so a device that did see
  the purged tombstones learns that HQ forgot them and drops its own copies (again
  through :func:`missing_rows`): every desktop stays equal to HQ (G3).
- An edit of a row HQ no longer holds, based on a version HQ once gave out, in a branch
  that has purged tombstones, is refused with ``sync.row_purged`` (delete against edit
  keeps the delete) instead of bringing the deleted row back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import utcnow
from kamdesk.errors import KamdeskError
from kamdesk.hq import rowstore
from kamdesk.hq.database import scope_to_branch
from kamdesk.hq.models import Branch, SyncBranchState, SyncRow

DEFAULT_KEEP_DAYS = 90
"""How long a tombstone is kept before it may be purged (devices offline longer re-snapshot)."""


def horizon(session: Session, branch_id: str) -> int:
    """The branch's tombstone horizon (0: nothing was ever purged)."""
    value = session.scalar(
        sa.select(SyncBranchState.purged_through).where(SyncBranchState.branch_id == branch_id)
    )
    return int(value or 0)


def check_cursor(session: Session, branch_id: str, cursor: int, *, snapshot: bool) -> int:
    """The branch's horizon; refuses a pull from below it (``pull.resnapshot_needed``)
    unless it is a ``snapshot`` pull."""
    purged = horizon(session, branch_id)
    if cursor < purged and not snapshot:
        raise KamdeskError("pull.resnapshot_needed", cursor=cursor, horizon=purged)
    return purged


def missing_rows(session: Session, branch_id: str, table: str, ids: Sequence[str]) -> list[str]:
    """Those of ``ids`` that the branch holds no row of ``table`` for (tombstones count)."""
    held = set(
        session.scalars(
            sa.select(SyncRow.row_id).where(
                SyncRow.branch_id == branch_id,
                SyncRow.table_name == table,
                SyncRow.row_id.in_(list(ids)),
            )
        )
    )
    return [row_id for row_id in ids if row_id not in held]


def purge_tombstones(
    engine: sa.Engine, keep: timedelta, now: datetime | None = None
) -> dict[str, int]:
    """Purge every branch's tombstones older than ``keep``; tombstones removed per branch code."""
    cutoff = (now or utcnow()) - keep
    purged: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        branches = session.execute(sa.select(Branch.id, Branch.code).order_by(Branch.code)).all()
        for branch_id, code in branches:
            scope_to_branch(session, branch_id)
            purged[code] = _purge_branch(session, branch_id, cutoff)
    return purged


def _purge_branch(session: Session, branch_id: str, cutoff: datetime) -> int:
    rowstore.BranchLog(session, branch_id)  # the counter lock, held to commit
    doomed = (
        SyncRow.branch_id == branch_id,
        SyncRow.deleted.is_(True),
        SyncRow.updated_at < cutoff,
    )
    count, top = session.execute(
        sa.select(sa.func.count(), sa.func.max(SyncRow.change_seq)).where(*doomed)
    ).one()
    if not count:
        return 0
    session.execute(sa.delete(SyncRow).where(*doomed))
    session.execute(
        sa.update(SyncBranchState)
        .where(SyncBranchState.branch_id == branch_id, SyncBranchState.purged_through < top)
        .values(purged_through=top)
    )
    return int(count)
