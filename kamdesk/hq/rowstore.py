"""HQ's branch-scoped row store: numbering changes, merging pushed rows, reading pages.

Guarantees:
- :class:`BranchLog` takes the branch's counter row lock before numbering changes and
  holds it to commit, so ``change_seq`` follows commit order within a branch: a pull
  that saw number ``n`` has seen every change numbered below ``n``.
- A pushed field replaces the stored one only when its hybrid logical clock is newer
  (per field for field-clock tables, the row's clock otherwise). Whenever two
  different values met and one lost, a :class:`~kamdesk.sync.messages.ConflictRecord`
  says so (G6): the pushed value lost, or it won over a value the pusher had not seen
  (stored field changed after the push's ``base_version`` by another device; a
  device's own earlier, not yet acknowledged write is not a conflict).
- An edit of a deleted row never revives it: the delete is kept and each edited field
  becomes a conflict record. Restoring is an explicit edit of ``deleted_at``.
- Clocks more than :data:`MAX_DRIFT_MS` ahead of HQ's wall clock are clamped.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kamdesk.domain.clock import utcnow
from kamdesk.domain.hlc import Stamp
from kamdesk.hq.models import SyncBranchState, SyncRow
from kamdesk.sync.messages import Change, ConflictRecord, PushOp
from kamdesk.sync.policies import Policy, policy_of

MAX_DRIFT_MS = 5 * 60_000
META_FIELDS = frozenset({"id", "row_version", "updated_hlc", "field_hlc", "_changed"})
GROUP_FIELD = "order_id"


def clamp(stamp: str, now_ms: int | None = None) -> str:
    """``stamp`` with its wall time cut to HQ's clock plus :data:`MAX_DRIFT_MS`."""
    decoded = Stamp.decode(stamp)
    ceiling = (now_ms if now_ms is not None else time.time_ns() // 1_000_000) + MAX_DRIFT_MS
    if decoded.wall_ms <= ceiling:
        return stamp
    return Stamp(ceiling, decoded.counter, decoded.node).encode()


def node_of(stamp: str | None) -> str | None:
    return Stamp.decode(stamp).node if stamp else None


class BranchLog:
    """Numbers the changes of one branch inside the caller's transaction."""

    def __init__(self, session: Session, branch_id: str) -> None:
        self.session = session
        self.branch_id = branch_id
        dialect = session.get_bind().dialect.name
        insert: Any = (
            sa.dialects.postgresql.insert if dialect == "postgresql" else sa.dialects.sqlite.insert
        )
        session.execute(
            insert(SyncBranchState)
            .values(branch_id=branch_id, last_seq=0)
            .on_conflict_do_nothing(index_elements=["branch_id"])
        )
        self._last = session.execute(
            sa.select(SyncBranchState.last_seq)
            .where(SyncBranchState.branch_id == branch_id)
            .with_for_update()
        ).scalar_one()
        self._start = self._last

    def next_seq(self) -> int:
        self._last += 1
        return self._last

    def close(self) -> None:
        """Store the last number handed out (call before commit)."""
        if self._last != self._start:
            self.session.execute(
                sa.update(SyncBranchState)
                .where(SyncBranchState.branch_id == self.branch_id)
                .values(last_seq=self._last)
            )


def head(session: Session, branch_id: str) -> int:
    value = session.scalar(
        sa.select(SyncBranchState.last_seq).where(SyncBranchState.branch_id == branch_id)
    )
    return int(value or 0)


def as_change(row: SyncRow) -> Change:
    payload = {
        **row.payload,
        "id": row.row_id,
        "row_version": row.row_version,
        "updated_hlc": row.hlc,
    }
    if policy_of(row.table_name) is Policy.FIELD_LWW:
        payload["field_hlc"] = dict(row.field_hlc)
    return Change(
        seq=row.change_seq,
        table=row.table_name,
        row_id=row.row_id,
        row_version=row.row_version,
        hlc=row.hlc,
        deleted=row.deleted,
        payload=payload,
        field_hlc=dict(row.field_hlc),
        field_versions=dict(row.field_versions),
    )


def change_wire(change: Change) -> dict[str, Any]:
    return asdict(change)


def get_row(session: Session, branch_id: str, table: str, row_id: str) -> SyncRow | None:
    return session.get(SyncRow, (branch_id, table, row_id))


@dataclass
class Merge:
    """What a pushed row did to the store: the row now, and the conflicts it met."""

    row: SyncRow
    conflicts: list[ConflictRecord]


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in META_FIELDS}


def _pushed_clocks(op: PushOp, names: list[str], now_ms: int) -> dict[str, str]:
    row_hlc = clamp(op.hlc, now_ms)
    if policy_of(op.table) is not Policy.FIELD_LWW:
        return dict.fromkeys(names, row_hlc)
    stamps = op.payload.get("field_hlc")
    stamps = stamps if isinstance(stamps, dict) else {}
    return {n: clamp(str(stamps.get(n) or op.hlc), now_ms) for n in names}


def insert_row(log: BranchLog, op: PushOp, device_id: str | None, now_ms: int) -> SyncRow:
    data = _data(op.payload)
    clocks = _pushed_clocks(op, sorted(data), now_ms)
    deleted = op.op == "delete" or data.get("deleted_at") is not None
    row = SyncRow(
        branch_id=log.branch_id,
        table_name=op.table,
        row_id=op.row_id,
        row_version=1,
        change_seq=log.next_seq(),
        hlc=max([clamp(op.hlc, now_ms), *clocks.values()]),
        payload=data,
        field_hlc=clocks,
        field_versions=dict.fromkeys(data, 1),
        deleted=deleted,
        group_key=str(data[GROUP_FIELD]) if data.get(GROUP_FIELD) else None,
        origin_device_id=device_id,
        updated_at=utcnow(),
    )
    log.session.add(row)
    log.session.flush()
    return row


def merge_row(
    log: BranchLog, stored: SyncRow, op: PushOp, device_id: str | None, now_ms: int
) -> Merge:
    """Fold a pushed upsert or delete into ``stored`` field by field (see module doc)."""
    conflicts: list[ConflictRecord] = []
    if op.op == "delete":
        if stored.deleted:
            return Merge(stored, conflicts)
        _bump(log, stored, {}, {}, device_id, deleted=True, hlc=clamp(op.hlc, now_ms))
        return Merge(stored, conflicts)
    data = _data(op.payload)
    changed = op.payload.get("_changed")
    names = [n for n in (changed if isinstance(changed, list) else sorted(data)) if n in data]
    clocks = _pushed_clocks(op, names, now_ms)
    reviving = "deleted_at" in names and data.get("deleted_at") is None
    won: dict[str, Any] = {}
    for name in names:
        pushed, current = data[name], stored.payload.get(name)
        pushed_hlc, stored_hlc = clocks[name], str(stored.field_hlc.get(name, ""))
        unseen = int(stored.field_versions.get(name, 0)) > op.base_version and node_of(
            stored_hlc or None
        ) != node_of(pushed_hlc)  # a device has seen its own earlier writes
        if stored.deleted and not reviving and name != "deleted_at":
            won_now = False
        else:
            won_now = pushed_hlc > stored_hlc
        if pushed == current:
            continue
        if won_now:
            won[name] = pushed
            if unseen:
                conflicts.append(_conflict(op, name, pushed, current, pushed_hlc, stored_hlc))
        else:
            conflicts.append(_conflict(op, name, current, pushed, stored_hlc, pushed_hlc))
    if won:
        stamps = {n: clocks[n] for n in won}
        deleted = won.get("deleted_at", stored.payload.get("deleted_at")) is not None
        _bump(log, stored, won, stamps, device_id, deleted=deleted, hlc=max(stamps.values()))
    return Merge(stored, conflicts)


def _conflict(
    op: PushOp, name: str, kept: Any, lost: Any, kept_hlc: str, lost_hlc: str
) -> ConflictRecord:
    return ConflictRecord(
        table=op.table,
        row_id=op.row_id,
        field=name,
        kept_value=kept,
        lost_value=lost,
        kept_hlc=kept_hlc,
        lost_hlc=lost_hlc,
        kept_by=node_of(kept_hlc),
        lost_by=node_of(lost_hlc),
    )


def _bump(
    log: BranchLog,
    row: SyncRow,
    values: dict[str, Any],
    stamps: dict[str, str],
    device_id: str | None,
    *,
    deleted: bool,
    hlc: str,
) -> None:
    version = row.row_version + 1
    row.payload = {**row.payload, **values}
    row.field_hlc = {**row.field_hlc, **stamps}
    row.field_versions = {**row.field_versions, **dict.fromkeys(values, version)}
    row.row_version = version
    row.change_seq = log.next_seq()
    row.hlc = max(row.hlc, hlc)
    row.deleted = deleted
    row.origin_device_id = device_id
    row.updated_at = utcnow()
    log.session.flush()


def group_rows(session: Session, branch_id: str, table: str, group: str) -> list[SyncRow]:
    return list(
        session.scalars(
            sa.select(SyncRow).where(
                SyncRow.branch_id == branch_id,
                SyncRow.table_name == table,
                SyncRow.group_key == group,
            )
        )
    )


def page(session: Session, branch_id: str, cursor: int, limit: int) -> tuple[list[SyncRow], bool]:
    """The branch's rows changed after ``cursor``, in changelog order, and whether more."""
    rows = list(
        session.scalars(
            sa.select(SyncRow)
            .where(SyncRow.branch_id == branch_id, SyncRow.change_seq > cursor)
            .order_by(SyncRow.change_seq)
            .limit(limit + 1)
        )
    )
    return rows[:limit], len(rows) > limit
