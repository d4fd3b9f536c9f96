"""The pull side on the desktop: apply a page of HQ's changes and its cursor together.

Guarantees:
- :func:`apply_page` writes every row of the page and the new cursor in the caller's
  one transaction: a crash between them is impossible, a repeat is harmless (G5).
- Capture is off for these rows (they are HQ's, not this desktop's changes); the
  device clock observes every pulled stamp, so a later local edit is newer (HLC).
- A row with local changes still waiting in the outbox is merged, never overwritten
  (G6): for field-clock tables each field keeps the newer clock, and when the two
  values were edited concurrently (HQ's field changed after the version the local
  edit was based on) a conflict record keeps the loser. Other tables keep whichever
  whole row has the newer clock; HQ reports their clashes when the outbox is pushed.
- HQ's event for an order step that a local event still waiting in the outbox also
  holds cannot be applied (the local log is append-only): the page fails whole and
  the next push, refused by HQ (first accepted wins), removes the local event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from kamdesk.db.models import OutboxEntry
from kamdesk.domain.clock import utcnow
from kamdesk.sync import rows, state
from kamdesk.sync.capture import HLC_KEY, device_clock
from kamdesk.sync.conflicts import record_conflicts
from kamdesk.sync.messages import Change, ConflictRecord
from kamdesk.sync.policies import Policy, policy_of

_META = frozenset({"id", "row_version", "updated_hlc", "field_hlc"})
IN_CHUNK = 500


def apply_page(session: Session, changes: Iterable[Change], cursor: int) -> tuple[int, int]:
    """Apply ``changes`` and store ``cursor``; returns (rows applied, new conflicts).

    Rows without local changes are written per table in one executemany; the outbox
    is read once for the whole page.
    """
    clock = device_clock(session.connection())
    now = utcnow()
    # a change of a table this (older) desktop does not have is skipped
    known = [(c, t) for c in changes if (t := rows.table_of(c.table)) is not None]
    if known:
        clock.observe(max(c.hlc for c, _ in known))  # the clock keeps the largest stamp
    pending = _pending(session, [c for c, _ in known])
    plain: dict[Table, list[dict[str, Any]]] = {}
    found: list[ConflictRecord] = []
    for change, table in known:
        waiting = pending.get((change.table, change.row_id))
        if waiting:
            found.extend(_merge(session, table, change, waiting))
        else:
            plain.setdefault(table, []).append(change.payload)
    for table, payloads in plain.items():
        rows.write_rows(session, table, payloads)
    added = record_conflicts(session, found, now)
    state.advance(session, state.CURSOR, cursor)
    state.write(session, HLC_KEY, clock.last)
    return len(known), added


def _pending(session: Session, changes: list[Change]) -> dict[tuple[str, str], list[OutboxEntry]]:
    """Outbox entries still waiting for the rows of ``changes``, by (table, row id)."""
    wanted = {(c.table, c.row_id) for c in changes}
    ids = sorted({row_id for _, row_id in wanted})
    found: dict[tuple[str, str], list[OutboxEntry]] = {}
    for start in range(0, len(ids), IN_CHUNK):
        query = (
            select(OutboxEntry)
            .where(OutboxEntry.row_id.in_(ids[start : start + IN_CHUNK]))
            .order_by(OutboxEntry.seq)
        )
        for entry in session.scalars(query):
            if (entry.table_name, entry.row_id) in wanted:
                found.setdefault((entry.table_name, entry.row_id), []).append(entry)
    return found


def _merge(
    session: Session, table: Table, change: Change, pending: list[OutboxEntry]
) -> list[ConflictRecord]:
    local = rows.read_row(session, table, change.row_id)
    if local is None:
        rows.write_row(session, table, change.payload)
        return []
    if policy_of(change.table) is not Policy.FIELD_LWW:
        if change.hlc > str(local.get("updated_hlc") or ""):
            rows.write_row(session, table, change.payload)
        return []
    base = min(e.base_version for e in pending)
    edited = _edited_fields(pending, local)
    local_clocks: dict[str, Any] = dict(local.get("field_hlc") or {})
    merged = dict(local)
    clocks = dict(local_clocks)
    conflicts: list[ConflictRecord] = []
    for name, remote in change.payload.items():
        if name in _META or name not in local:
            continue
        remote_hlc = str(change.field_hlc.get(name, change.hlc))
        local_hlc = str(local_clocks.get(name, ""))
        mine = local[name]
        concurrent = (
            name in edited and int(change.field_versions.get(name, 0)) > base and remote != mine
        )
        if remote_hlc > local_hlc:
            merged[name], clocks[name] = remote, remote_hlc
            if concurrent:
                conflicts.append(_conflict(change, name, remote, mine, remote_hlc, local_hlc))
        elif concurrent:
            conflicts.append(_conflict(change, name, mine, remote, local_hlc, remote_hlc))
    merged["field_hlc"] = clocks
    merged["row_version"] = max(change.row_version, int(local.get("row_version") or 0))
    merged["updated_hlc"] = max(change.hlc, str(local.get("updated_hlc") or ""))
    rows.write_row(session, table, merged)
    return conflicts


def _edited_fields(pending: list[OutboxEntry], local: dict[str, Any]) -> set[str]:
    edited: set[str] = set()
    for entry in pending:
        changed = entry.payload.get("_changed")
        edited.update(changed if isinstance(changed, list) else local.keys())
    return edited


def _conflict(
    change: Change, name: str, kept: Any, lost: Any, kept_hlc: str, lost_hlc: str
) -> ConflictRecord:
    return ConflictRecord(
        table=change.table,
        row_id=change.row_id,
        field=name,
        kept_value=kept,
        lost_value=lost,
        kept_hlc=kept_hlc,
        lost_hlc=lost_hlc,
        kept_by=kept_hlc.split("-", 2)[-1] if kept_hlc else None,
        lost_by=lost_hlc.split("-", 2)[-1] if lost_hlc else None,
    )
