"""Publishing reference data (products, staff, calendar, …) into a branch's sync store.

HQ is the only writer of reference tables: :func:`publish_rows` stores each row as a
new version in the branch's changelog, where the branch's desktops pull it. A row
published again with the same content (its stamps aside) is left alone (no new
version); missing ``created_at``/``updated_at`` are stamped with HQ's time. Runs as the
admin (table owner) in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import utcnow
from kamdesk.domain.hlc import HybridClock
from kamdesk.errors import KamdeskError, define
from kamdesk.hq import rowstore
from kamdesk.hq.database import scope_to_branch
from kamdesk.hq.models import Branch
from kamdesk.i18n import N_
from kamdesk.sync.messages import PushOp
from kamdesk.sync.policies import Policy, policy_of

HQ_NODE = "hq"
STAMPS = frozenset({"created_at", "updated_at"})

define(
    {
        "hq.not_reference": N_("{table} is not reference data; HQ publishes only reference data."),
    }
)


def publish_rows(
    engine: sa.Engine, branch_code: str, table: str, rows: Iterable[dict[str, Any]]
) -> int:
    """Publish ``rows`` (JSON-safe, each with an ``id``) of ``table`` to one branch."""
    if policy_of(table) is not Policy.REFERENCE:
        raise KamdeskError("hq.not_reference", table=table)
    clock = HybridClock(HQ_NODE)
    changed = 0
    with Session(engine) as session, session.begin():
        branch = session.scalars(sa.select(Branch).where(Branch.code == branch_code)).first()
        if branch is None:
            raise KamdeskError("hq.unknown_branch", branch=branch_code)
        scope_to_branch(session, branch.id)
        store = rowstore.RowSet(rowstore.BranchLog(session, branch.id))
        published = [dict(data) for data in rows]
        store.load((table, str(data["id"])) for data in published)
        for data in published:
            row_id = str(data["id"])
            stored = store.get(table, row_id)
            values = _stamped(data, None if stored is None else stored.payload)
            if values is None:
                continue
            op = PushOp(0, table, row_id, "upsert", values, 0, clock.now())
            if stored is None:
                rowstore.insert_row(store, op, None, clock_ms(op.hlc))
                changed += 1
            else:
                version = stored.row_version
                rowstore.merge_row(store, stored, op, None, clock_ms(op.hlc))
                changed += int(stored.row_version != version)
        store.flush()
    return changed


def _stamped(values: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """``values`` with ``created_at``/``updated_at`` filled in when the file left them
    out; ``None`` when a stored row already holds every other value."""
    now = utcnow().isoformat()
    if stored is None:
        values.setdefault("created_at", now)
    elif all(
        stored.get(k) == v
        for k, v in values.items()
        if k not in STAMPS and k not in rowstore.META_FIELDS
    ):
        return None
    values.setdefault("updated_at", now)
    return values


def clock_ms(stamp: str) -> int:
    return int(stamp.split("-", 1)[0])
