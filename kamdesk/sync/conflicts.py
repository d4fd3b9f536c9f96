"""Conflict records on the desktop (G6): stored once, listed, resolved by a person.

A conflict is identified by table, row, field and the two clocks, so the same clash
reported twice (by HQ's push answer and by this desktop's pull merge) is kept once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.db.models import SyncConflict
from kamdesk.sync.messages import ConflictRecord


def record_conflicts(session: Session, found: Iterable[ConflictRecord], now: datetime) -> int:
    added = 0
    for c in found:
        known = session.scalar(
            select(SyncConflict.id).where(
                SyncConflict.table_name == c.table,
                SyncConflict.row_id == c.row_id,
                SyncConflict.field == c.field,
                SyncConflict.kept_hlc == c.kept_hlc,
                SyncConflict.lost_hlc == c.lost_hlc,
            )
        )
        if known is not None:
            continue
        session.add(
            SyncConflict(
                table_name=c.table,
                row_id=c.row_id,
                field=c.field,
                kept_value=c.kept_value,
                lost_value=c.lost_value,
                kept_hlc=c.kept_hlc,
                lost_hlc=c.lost_hlc,
                kept_by=c.kept_by,
                lost_by=c.lost_by,
                detected_at=now,
            )
        )
        session.flush()
        added += 1
    return added
