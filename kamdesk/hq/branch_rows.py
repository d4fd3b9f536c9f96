"""Every synced row HQ holds for one branch, as a first pull of a new desktop gets it.

For HQ's own reports (``kamdesk-hq report kpi``): the rows come page by page in
changelog order, each page read in its own short transaction with
:func:`kamdesk.hq.rowstore.page` and :func:`~kamdesk.hq.rowstore.as_change`, which read
as the pull endpoint's pages (:mod:`kamdesk.hq.pull_page`), so a reader applying them
gets exactly what a freshly registered desktop of the branch would hold (tombstones
included, blobs not).

Runs on an :func:`~kamdesk.hq.database.admin_engine`. Hazard: pushes landing while the
pages are read are taken in as a pull would (a row changed meanwhile comes again on a
later page, newer); the result is the branch as of the last page, not one instant.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.hq import rowstore
from kamdesk.hq.database import scope_to_branch
from kamdesk.sync.messages import Change

PAGE_ROWS = 2_000


def branch_pages(
    engine: sa.Engine, branch_id: str, limit: int = PAGE_ROWS
) -> Iterator[list[Change]]:
    """The branch's rows in changelog order, ``limit`` per page (no empty page)."""
    cursor = 0
    while True:
        with Session(engine) as session, session.begin():
            scope_to_branch(session, branch_id)
            rows, more = rowstore.page(session, branch_id, cursor, limit)
            changes = [rowstore.as_change(row) for row in rows]
        if changes:
            cursor = changes[-1].seq
            yield changes
        if not more:
            return
